"""A quick speed guard for CI: fails only on a gross regression, from ratios measured in one run.

    python bench/guard.py [--size 22] [--rounds 7]

On one thread, 2**size elements into preallocated arrays, every implementation timed once
per round in turn (A B C A B C ...) and its best round kept, so that a noisy neighbour
slows all of them alike:

* speed against NumPy Generator(PCG64): uniform float32 >= 1.5x, normal float32 >= 3x,
  truncated normal float32 >= 4x (the usual NumPy redraw loop); far below the targets, so
  only a real regression trips them on a shared 2-core machine;
* dispatch: the kernel the dispatcher selects is at most 10% slower than the AVX2 kernel
  for every distribution and dtype (where the CPU runs AVX2).

Prints each figure with its margin over the limit; exits 1 if any limit is broken.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_random import DISTS, DTYPES, numpy_fn, varshare_fn  # noqa: E402

import varshare.random as vr  # noqa: E402
from varshare._cli import best_of  # noqa: E402
from varshare.random import _kernels  # noqa: E402

MIN_SPEEDUP = {("uniform", "float32"): 1.5, ("normal", "float32"): 3.0,
               ("truncated_normal", "float32"): 4.0}
MAX_DISPATCH_SLOWDOWN = 1.10


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=22, help="n = 2**size elements")
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args(argv)
    n, selected = 1 << args.size, vr.get_isa()
    isas = _kernels.ISA_NAMES[: _kernels.ISA_NAMES.index(_kernels.cpu_isa()) + 1]
    compare_dispatch = "avx2" in isas and selected != "avx2"
    print(f"speed guard: 2**{args.size} elements, 1 thread, best of {args.rounds} interleaved "
          f"rounds; selected kernel {selected}")
    failures = 0
    for dist in DISTS:
        for dtype in DTYPES:
            out = np.empty(n, dtype)
            fns = {"numpy": numpy_fn(dist, out, np.random.Generator(np.random.PCG64(1))),
                   selected: varshare_fn(dist, out, 1)}
            if compare_dispatch:
                fns["avx2"] = varshare_fn(dist, out, 1, isa="avx2")
            t = best_of(fns, args.rounds)
            speedup = t["numpy"] / t[selected]
            line = f"  {dist:<16} {dtype:<8} {speedup:6.2f}x NumPy"
            floor = MIN_SPEEDUP.get((dist, dtype))
            if floor is not None:
                ok = speedup >= floor
                failures += not ok
                line += f" (limit {floor:.1f}x, margin {speedup / floor:.2f}){'' if ok else ' FAIL'}"
            if compare_dispatch:
                slowdown = t[selected] / t["avx2"]
                ok = slowdown <= MAX_DISPATCH_SLOWDOWN
                failures += not ok
                line += (f"; {selected}/avx2 time {slowdown:.2f} (limit "
                         f"{MAX_DISPATCH_SLOWDOWN:.2f}){'' if ok else ' FAIL'}")
            print(line, flush=True)
    print("speed guard: " + ("passed" if not failures else f"{failures} limit(s) broken"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
