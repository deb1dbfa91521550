#!/usr/bin/env bash
# Print "VERSION PATH" for the newest installed CPython of each minor version varshare supports
# (or of the minors given as arguments), one per line, skipping those not found.
# Looks in pyenv's versions first, then for pythonX.Y on PATH.
set -euo pipefail
if (($#)); then minors=("$@"); else minors=(3.10 3.11 3.12 3.13); fi
for minor in "${minors[@]}"; do
    python=""
    if command -v pyenv >/dev/null; then
        version="$(pyenv versions --bare | grep -E "^${minor//./\\.}\.[0-9]+$" | sort -V | tail -1)"
        [[ -n "$version" ]] && python="$(pyenv root)/versions/$version/bin/python$minor"
    fi
    if [[ -z "$python" || ! -x "$python" ]] && "python$minor" -c "" 2>/dev/null; then
        python="$(command -v "python$minor")"
    fi
    [[ -n "$python" && -x "$python" ]] && echo "$("$python" -c 'import platform; print(platform.python_version())') $python"
done
exit 0
