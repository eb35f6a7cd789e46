#!/usr/bin/env bash
# Prints the newest Python >= 3.12 found on PATH or under pyenv (PATH wins a tie).
# Candidates that fail to run (e.g. pyenv shims for a version that is not selected) are skipped.
set -u
best=""; bestv=0
consider() {
  local v
  v=$("$1" -c 'import sys; v = sys.version_info; print(v[0] * 10000 + v[1] * 100 + v[2] if v >= (3, 12) else 0)' 2>/dev/null) || return 0
  if [ -n "$v" ] && [ "$v" -gt "$bestv" ]; then best="$1"; bestv="$v"; fi
  return 0
}
for name in python3.15 python3.14 python3.13 python3.12 python3 python; do
  p=$(command -v "$name" 2>/dev/null) && consider "$p"
done
root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for p in "$root"/versions/3.*/bin/python3; do
  [ -x "$p" ] && consider "$p"
done
if [ -z "$best" ]; then
  echo "No Python >= 3.12 found on PATH or under pyenv. Install one (e.g. 'pyenv install 3.13')." >&2
  exit 1
fi
echo "$best"
