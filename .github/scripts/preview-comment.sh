#!/usr/bin/env bash
# The PR comment for one stack's `pulumi preview` output (stdin), as Markdown:
#   .github/scripts/preview-comment.sh <stack> <outcome> <pr-number> < preview-output
# A PR comment holds at most 65,536 characters. Like the action's `always-include-summary`, a long preview is cut
# from the front on whole lines, so the "Resources: N to create" summary at its end is always shown.
set -euo pipefail
export LC_ALL=C
stack=${1:?usage: preview-comment.sh <stack> <outcome> <pr-number>} outcome=${2:?} pr=${3:?}
max=${PREVIEW_COMMENT_MAX:-60000}
echo "<!-- monitoring-stack preview pr=$pr stack=$stack -->"
echo "### \`pulumi preview\` of stack \`$stack\`: $outcome"
echo
echo "A fresh state without the stack's Pulumi config: every resource is new, secrets are unknown values."
echo
echo '````diff'
tac | awk -v max="$max" '{ if (!cut && used + length($0) + 1 <= max) { print; used += length($0) + 1 } else cut++ }
  END { if (cut) printf "... truncated: %d earlier line(s) not shown (the whole preview is in the job summary)\n", cut }' | tac
echo '````'
