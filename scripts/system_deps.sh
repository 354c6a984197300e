#!/usr/bin/env bash
# Install or check the Debian packages listed in scripts/system-packages.txt.
#   scripts/system_deps.sh            the "runtime" set (make run, make test)
#   scripts/system_deps.sh ci         "runtime" and "ci" (.ci/run)
# As root with apt-get, missing packages are installed (apt-get update once first). Otherwise
# it stops with one line naming the exact command to run, before any Python is installed.
# SKIP_SYSTEM_DEPS=1 skips the check (a machine that provides the libraries another way).
set -euo pipefail
cd "$(dirname "$0")/.."

[ "${SKIP_SYSTEM_DEPS:-0}" = 1 ] && exit 0

sets="runtime"
[ "${1:-}" = ci ] && sets="runtime ci"

wanted=()
while read -r set pkg _; do
  case "$set" in ''|'#'*) continue ;; esac
  for s in $sets; do [ "$s" = "$set" ] && wanted+=("$pkg"); done
done < scripts/system-packages.txt

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian-based system; make sure the equivalents of these are installed: ${wanted[*]} (SKIP_SYSTEM_DEPS=1 silences this)" >&2
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "system-deps: missing system packages; run: sudo apt-get install -y ${missing[*]}" >&2
exit 1
