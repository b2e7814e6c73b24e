#!/usr/bin/env bash
# Renders every stack at two commits and prints the difference as Markdown (for a PR's job summary):
#   scripts/synth-diff.sh <base-ref> [<head-ref>]      (head defaults to the working tree)
# The base side is the merge base of the two, so commits that landed on the base branch after the head branched
# off are not shown as if the head reverted them. In CI: `HEAD^1 HEAD` on the pull request's merge commit.
# Each side is synthesized by its own code; dependencies come from this checkout's node_modules.
# A job summary holds at most 1 MiB: each stack's diff is cut on a whole line (SYNTH_DIFF_MAX_STACK bytes) and the
# whole summary stays under SYNTH_DIFF_MAX_TOTAL bytes; a cut says so, and code fences are always closed.
set -euo pipefail
export LC_ALL=C
cd "$(dirname "$0")/.."
base_ref=${1:?usage: scripts/synth-diff.sh <base-ref> [<head-ref>]}
head_ref=${2:-}
max_stack=${SYNTH_DIFF_MAX_STACK:-200000}
budget=${SYNTH_DIFF_MAX_TOTAL:-900000}

base_commit=$(git merge-base "$base_ref" "${head_ref:-HEAD}")

work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/base" >/dev/null 2>&1 || true
  if [ -n "$head_ref" ]; then git worktree remove --force "$work/head" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

checkout() { # <ref> <dir>
  git worktree add --detach --quiet "$2" "$1"
  ln -s "$PWD/node_modules" "$2/node_modules"
}
checkout "$base_commit" "$work/base"
if [ -n "$head_ref" ]; then checkout "$head_ref" "$work/head"; head_dir="$work/head"; else head_dir="$PWD"; fi

stacks() { # stack names under <dir>/stacks
  find "$1/stacks" -maxdepth 1 -type f \( -name '*.ts' -o -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) -printf '%f\n' 2>/dev/null | sed 's/\.[^.]*$//' | sort -u
}

synth() { # <dir> <stack> <out>
  mkdir -p "$(dirname "$3")"
  if ! (cd "$1" && npm run -s synth -- --stack "$2" --out "$3") >"$3.log" 2>&1; then
    mkdir -p "$3"
    { echo "synth failed:"; cat "$3.log"; } >"$3/SYNTH-FAILED.txt"
  fi
}

whole_lines() { # <max-bytes>: the whole lines of stdin that fit, then a line saying how many were left out
  awk -v max="$1" '{ if (!cut && used + length($0) + 1 <= max) { print; used += length($0) + 1 } else cut++ }
    END { if (cut) printf "... truncated: %d more line(s) not shown; run scripts/synth-diff.sh locally for the whole diff\n", cut }'
}

emit() { # prints a chunk of the summary and charges it to the budget
  printf '%s\n' "$1"
  budget=$((budget - ${#1} - 1))
}

emit "## Rendered files: $(git rev-parse --short "$base_commit") (merge base of ${base_ref}) → ${head_ref:-working tree}"
changed=0
for stack in $( (stacks "$work/base"; stacks "$head_dir") | sort -u); do
  synth "$work/base" "$stack" "$work/out/base/$stack"
  synth "$head_dir" "$stack" "$work/out/head/$stack"
  if d=$(cd "$work/out" && diff -ruN -x .monitoring-stack-synth.json "base/$stack" "head/$stack"); then
    emit "- \`$stack\`: no change"
    continue
  fi
  changed=1
  files=$(grep -c '^diff -ruN' <<<"$d")
  limit=$(( budget - 1000 < max_stack ? budget - 1000 : max_stack ))
  if [ "$limit" -lt 500 ]; then
    emit "- \`$stack\`: $files file(s) changed (diff not shown: the summary is at its size limit)"
    continue
  fi
  # A fence longer than any backtick run a rendered file is likely to hold.
  emit "$(printf '\n<details><summary><code>%s</code>: %s file(s) changed</summary>\n\n````diff\n%s\n````\n</details>' \
    "$stack" "$files" "$(whole_lines "$limit" <<<"$d")")"
done
[ "$changed" = 1 ] || emit "No rendered file changes."
