"""TF mode (docs/tf-mode.md): varshare's TF-identical streams, and TensorFlow itself if present.

One group per (op, dtype, n): `test_varshare_tf[stateless_normal-float32-n=2**24-threads=2]`
beside `test_tensorflow[...]` (skipped without TensorFlow; TF uses all its intra-op threads).
tools/bench_tf.py prints the same comparison as ratios, with a bit-identity check.
"""

import numpy as np
import pytest

import varshare.random as vr

OPS = ["stateless_uniform", "stateless_normal", "stateless_truncated_normal"]
DTYPES = ["float32", "float64"]
SEED = [7, 11]


def _group(benchmark, op, dtype, n):
    k = int(n).bit_length() - 1
    benchmark.group = f"tf-mode-{op}-{dtype}-" + (f"n=2**{k}" if n == 2**k else f"n={n}")


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_varshare_tf(benchmark, op, dtype, n, threads):
    out = np.empty(n, dtype)
    _group(benchmark, op, dtype, n)
    benchmark.extra_info.update(n=n, threads=threads, impl="varshare-tf")
    benchmark(getattr(vr, op), n, SEED, dtype=dtype, out=out, threads=threads)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_tensorflow(benchmark, op, dtype, n):
    tf = pytest.importorskip("tensorflow")
    _group(benchmark, op, dtype, n)
    benchmark.extra_info.update(n=n, impl="tensorflow")
    benchmark(lambda: getattr(tf.random, op)([n], SEED, dtype=dtype).numpy())
