#!/usr/bin/env bash
# One-time setup of a development machine or CI runner:
#  - promtool and amtool (Debian/Ubuntu packages "prometheus" and "prometheus-alertmanager"), which `check` and the
#    tests run; the packages also bring the prometheus and alertmanager servers the end-to-end test starts;
#  - the blackbox exporter (Debian "prometheus-blackbox-exporter"), which the probes' tests run;
#  - the npm dependencies, including the pinned Node.js 22 (npm package "node") that every npm script runs on,
#    so an older system Node only needs to run npm itself.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v promtool >/dev/null || need_apt+=(prometheus)
command -v amtool >/dev/null || need_apt+=(prometheus-alertmanager)
command -v prometheus-blackbox-exporter >/dev/null || need_apt+=(prometheus-blackbox-exporter)
if [ ${#need_apt[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "setup: missing ${need_apt[*]} and no apt-get here: install promtool and amtool (Prometheus 2.42+ and Alertmanager 0.25+) and put them on PATH" >&2
    exit 1
  fi
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${need_apt[*]} (apt-get)"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v npm >/dev/null; then
  echo "setup: npm not found: install Node.js (any version >= 18 with npm; the project brings Node 22 itself)" >&2
  exit 1
fi
echo "setup: installing npm dependencies"
# `npm install` rather than `npm ci`: npm 11 leaves other platforms' optional binaries (e.g. @unrs/resolver-binding-*)
# out of the lock file and `npm ci` then refuses it. The lock file still pins every version installed here.
npm install --no-audit --no-fund --loglevel=error --json=false

echo "setup: done — promtool $(promtool --version 2>&1 | head -1 | awk '{print $3}'), amtool $(amtool --version 2>&1 | head -1 | awk '{print $3}'), node $(npx --no-install node --version)"
