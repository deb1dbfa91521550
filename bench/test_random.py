"""varshare.random vs NumPy Generator(PCG64), one group per (distribution, dtype, n).

Both sides write into a preallocated `out=` so that generation, not allocation, is timed.
Ids are readable: `test_varshare[normal-float32-n=2**24-threads=2]`.
"""

import numpy as np
import pytest

import varshare.random as vr
from varshare._cli import numpy_truncated_normal

DISTS = ["uniform", "normal", "truncated_normal"]
DTYPES = ["float32", "float64"]
SEED = 0x5EED


def varshare_fn(dist, out, threads, isa=None):
    """A fill of `out`, with the kernel `isa` selected for it (default: the dispatcher's)."""
    f = getattr(vr, dist)
    n = out.shape[0]

    def fill():
        return f(n, SEED, dtype=out.dtype, out=out, threads=threads)

    if isa is None:
        return fill

    def fill_on_isa():
        vr.set_isa(isa)
        try:
            return fill()
        finally:
            vr.set_isa("auto")
    return fill_on_isa


def numpy_fn(dist, out, rng):
    if dist == "uniform":
        return lambda: rng.random(dtype=out.dtype, out=out)
    if dist == "normal":
        return lambda: rng.standard_normal(dtype=out.dtype, out=out)
    return lambda: numpy_truncated_normal(rng, out)


def size_id(n):
    k = int(n).bit_length() - 1
    return "n=2**%d" % k if n == 2**k else "n=%d" % n


def _group(dist, dtype, n):
    return "%s-%s-%s" % (dist, dtype, size_id(n))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dist", DISTS)
def test_varshare(benchmark, dist, dtype, n, threads):
    out = np.empty(n, dtype)
    benchmark.group = _group(dist, dtype, n)
    benchmark.extra_info.update(n=n, threads=threads, impl="varshare")
    fn = varshare_fn(dist, out, threads)
    res = benchmark.pedantic(fn, rounds=5 if n >= 2**24 else 50, iterations=1, warmup_rounds=1)
    assert res is out
    benchmark.extra_info["ns/element"] = benchmark.stats.stats.min * 1e9 / n if benchmark.stats else None
    if dist == "truncated_normal":
        assert np.abs(out).max() <= 2


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("dist", DISTS)
def test_numpy(benchmark, dist, dtype, n, numpy_rng):
    out = np.empty(n, dtype)
    benchmark.group = _group(dist, dtype, n)
    benchmark.extra_info.update(n=n, threads=1, impl="numpy-PCG64")
    fn = numpy_fn(dist, out, numpy_rng)
    benchmark.pedantic(fn, rounds=5 if n >= 2**24 else 50, iterations=1, warmup_rounds=1)
    benchmark.extra_info["ns/element"] = benchmark.stats.stats.min * 1e9 / n if benchmark.stats else None
