"""TensorFlow vs varshare's TF mode, timed in one process: same values, who is faster?

Run with a Python that has TensorFlow and varshare (e.g. varshare's in-place build):

    PYTHONPATH=src /path/to/tf-venv/bin/python tools/bench_tf.py [--n 16777216] [--json out]

For each op and dtype it times TF's eager op (its CPU kernels use all intra-op threads) and
varshare's equivalent call with the default thread count, best of ``--repeat`` runs, checks
the two results are bit-identical, and prints ns/element and the speed ratio TF / varshare.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import tensorflow as tf

import varshare.random as vr

SEED = [7, 11]
OPS = ["stateless_uniform", "stateless_normal", "stateless_truncated_normal"]


def best(fn, repeat: int) -> tuple[float, object]:
    """Fastest of `repeat` timed calls, after one warm-up; returns (seconds, last result)."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1 << 24)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    rows = []
    for dtype in ("float32", "float64"):
        for op in OPS:
            out = np.empty(args.n, dtype)
            tf_op = functools.partial(getattr(tf.random, op), [args.n], SEED, dtype=dtype)
            vs_op = functools.partial(getattr(vr, op), args.n, SEED, dtype=dtype, out=out)
            t_tf, want = best(lambda f=tf_op: f().numpy(), args.repeat)
            t_vs, got = best(vs_op, args.repeat)
            rows.append({"op": op, "dtype": dtype, "n": args.n, "tf_ns": 1e9 * t_tf / args.n,
                         "varshare_ns": 1e9 * t_vs / args.n, "speedup": t_tf / t_vs,
                         "identical": bool(np.array_equal(want.view(np.uint8),
                                                          got.view(np.uint8)))})
            r = rows[-1]
            print(f"{op:28s} {dtype:8s} TF {r['tf_ns']:6.2f} ns/el   varshare {r['varshare_ns']:6.2f}"
                  f" ns/el   TF/varshare {r['speedup']:5.2f}x   identical={r['identical']}")
    meta = {"tensorflow": tf.__version__, "threads": vr.get_num_threads(),
            "cpu_count": os.cpu_count()}
    print(meta)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": rows}, f, indent=1)


if __name__ == "__main__":
    main()
