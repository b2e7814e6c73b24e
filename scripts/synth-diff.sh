#!/usr/bin/env bash
# Renders every stack at two commits and prints the difference as Markdown (for a PR's job summary):
#   scripts/synth-diff.sh <base-ref> [<head-ref>]      (head defaults to the working tree)
# Each side is synthesized by its own code; dependencies come from this checkout's node_modules.
set -euo pipefail
cd "$(dirname "$0")/.."
base_ref=${1:?usage: scripts/synth-diff.sh <base-ref> [<head-ref>]}
head_ref=${2:-}

work=$(mktemp -d)
cleanup() {
  git worktree remove --force "$work/base" >/dev/null 2>&1 || true
  [ -n "$head_ref" ] && git worktree remove --force "$work/head" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

checkout() { # <ref> <dir>
  git worktree add --detach --quiet "$2" "$1"
  ln -s "$PWD/node_modules" "$2/node_modules"
}
checkout "$base_ref" "$work/base"
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

echo "## Rendered files: ${base_ref} → ${head_ref:-working tree}"
changed=0
for stack in $( (stacks "$work/base"; stacks "$head_dir") | sort -u); do
  synth "$work/base" "$stack" "$work/out/base/$stack"
  synth "$head_dir" "$stack" "$work/out/head/$stack"
  if d=$(cd "$work/out" && diff -ruN "base/$stack" "head/$stack"); then
    echo "- \`$stack\`: no change"
  else
    changed=1
    echo
    echo "<details><summary><code>$stack</code>: $(grep -c '^diff -ruN' <<<"$d") file(s) changed</summary>"
    echo
    echo '```diff'
    # GitHub job summaries take at most 1 MiB: keep each stack's diff well below.
    head -c 200000 <<<"$d"
    echo '```'
    echo '</details>'
  fi
done
[ "$changed" = 1 ] || echo "No rendered file changes."
