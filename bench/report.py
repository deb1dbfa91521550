"""Markdown table of ns/element, varshare.random vs NumPy Generator(PCG64), same run.

    PYTHONPATH=src python bench/report.py [--repeat 7] [--sizes 16,24] [--threads 1,2]

Plain time.perf_counter, best of --repeat calls after one warm-up, preallocated out= on both
sides (the same operations as bench/test_random.py). NumPy is single-threaded; the ratio
column is NumPy ns / varshare ns (> 1 means varshare is faster).
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_random import DISTS, DTYPES, numpy_fn, size_id, varshare_fn  # noqa: E402

import varshare.random as vr  # noqa: E402


def best_time(fn, repeat):
    fn()                                   # warm-up (page-faults the output, spins up threads)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--sizes", default="16,24", help="exponents k of n = 2**k")
    ap.add_argument("--threads", default="1,2")
    args = ap.parse_args(argv)
    sizes = [2**int(k) for k in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]

    try:
        from varshare.random import _kernels
        openmp = getattr(_kernels, "OPENMP", "?")
    except ImportError:
        openmp = "?"
    print("varshare.random vs NumPy %s Generator(PCG64); %s, %s, %d CPUs, OpenMP=%s; best of %d\n" % (
        np.__version__, platform.python_implementation() + " " + platform.python_version(),
        platform.machine(), os.cpu_count() or 0, openmp, args.repeat))
    print("| distribution | dtype | n | threads | NumPy ns/el | varshare ns/el | NumPy/varshare |")
    print("|---|---|---|---|---|---|---|")
    for dist in DISTS:
        for dtype in DTYPES:
            for n in sizes:
                out = np.empty(n, dtype)
                rng = np.random.Generator(np.random.PCG64(12345))
                # small calls are cheap: take many so that a descheduled OpenMP thread (2-core VM
                # shared with other work) does not decide the minimum
                rep = max(args.repeat, 25) if n < 2**22 else max(3, args.repeat // 2)
                t_np = best_time(numpy_fn(dist, out, rng), rep) * 1e9 / n
                for t in threads:
                    t_vs = best_time(varshare_fn(dist, out, t), rep) * 1e9 / n
                    print("| %s | %s | %s | %d | %.3f | %.3f | %.2f× |" % (
                        dist, dtype, size_id(n).replace("n=", ""), t, t_np, t_vs, t_np / t_vs))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
