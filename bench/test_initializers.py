"""Initializers on the Philox kernels against the NumPy way, measured in the same run.

Run: PYTHONPATH=src python -m pytest bench/test_initializers.py --benchmark-enable \
     --benchmark-only -p no:cacheprovider
"""

import gc
import math

import numpy as np
import pytest

import varshare as vs
from varshare._init import initializers as vi

BIG = (8192, 8192)
SQUARE = (2048, 2048)
STDDEV = 0.02


def numpy_truncated_normal(shape, stddev):
    """The NumPy way: float32 normals, redrawing those beyond two stddev until none are left."""
    rng = np.random.default_rng()
    z = rng.standard_normal(shape, dtype=np.float32)
    bad = np.flatnonzero(np.abs(z) > 2)
    while bad.size:
        z.flat[bad] = rng.standard_normal(bad.size, dtype=np.float32)
        bad = bad[np.abs(z.flat[bad]) > 2]
    z *= stddev
    return z


def numpy_glorot_uniform(shape):
    limit = math.sqrt(6.0 / (shape[0] + shape[1]))
    out = np.random.default_rng().random(shape, dtype=np.float32)
    out *= 2 * limit
    out -= limit
    return out


def numpy_orthogonal(shape):
    a = np.random.default_rng().standard_normal(shape, dtype=np.float32)
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diagonal(r))


CASES = {
    "truncated_normal": (vi.truncated_normal_initializer(stddev=STDDEV, seed=1), BIG,
                         lambda: numpy_truncated_normal(BIG, STDDEV)),
    "glorot_uniform": (vi.glorot_uniform_initializer(seed=1), BIG,
                       lambda: numpy_glorot_uniform(BIG)),
    "orthogonal": (vi.orthogonal_initializer(seed=1), SQUARE,
                   lambda: numpy_orthogonal(SQUARE)),
}


def collect_garbage():
    """Free the previous round's graph (graphs and variables reference each other, as in TF,
    so only the cycle collector frees them): otherwise every round would run on memory fresh
    from the OS, whose first touch costs more than generating it on a VM."""
    gc.collect()


def get_variable(init, shape, partitioner=None):
    """A fresh graph's ``get_variable`` with ``init``: the whole user-facing path."""
    with vs.Graph().as_default():
        return vs.get_variable("v", shape, initializer=init, partitioner=partitioner)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("impl", ["varshare", "numpy"])
def test_initializer(benchmark, case, impl):
    init, shape, numpy_way = CASES[case]
    benchmark.group = f"{case} {shape}"
    fn = (lambda: np.asarray(get_variable(init, shape))) if impl == "varshare" else numpy_way
    out = benchmark.pedantic(fn, setup=collect_garbage, rounds=5, warmup_rounds=1)
    assert out.shape == shape and out.dtype == np.float32


EMBEDDING = (2**22, 64)


@pytest.mark.parametrize("shards", [1, 16])
def test_partitioned_embedding(benchmark, shards):
    """A 16-shard partitioned [2**22, 64] table against the unpartitioned one: each shard is
    generated directly as its window, so sharding should cost (almost) nothing."""
    init = vi.truncated_normal_initializer(stddev=STDDEV, seed=1)
    partitioner = vs.fixed_size_partitioner(shards) if shards > 1 else None
    benchmark.group = f"truncated_normal {EMBEDDING} by shards"
    var = benchmark.pedantic(lambda: get_variable(init, EMBEDDING, partitioner),
                             setup=collect_garbage, rounds=5, warmup_rounds=1)
    assert var.shape == EMBEDDING
