#!/usr/bin/env bash
# Prints the newest Python >= 3.12 found on PATH, then under pyenv. Shims that fail to run are skipped.
set -u
best=""; bestv=0
consider() {
  local v
  v=$("$1" -c 'import sys; print(sys.version_info[0]*100+sys.version_info[1]) if sys.version_info >= (3, 12) else print(0)' 2>/dev/null) || return 0
  [ -n "$v" ] && [ "$v" -gt "$bestv" ] && { best="$1"; bestv="$v"; }
  return 0
}
for name in python3.15 python3.14 python3.13 python3.12 python3; do
  p=$(command -v "$name" 2>/dev/null) && consider "$p"
done
if [ -z "$best" ]; then
  root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for p in "$root"/versions/3.*/bin/python3; do [ -x "$p" ] && consider "$p"; done
fi
[ -n "$best" ] || { echo "No Python >= 3.12 found on PATH or under pyenv" >&2; exit 1; }
echo "$best"
