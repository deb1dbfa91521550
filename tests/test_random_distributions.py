"""Loose statistical sanity with fixed seeds: moments, Kolmogorov-Smirnov, bounds, coverage.

The seeds are fixed, so these are deterministic; thresholds are set at the 0.1% level (or
looser) of the corresponding statistic so that a *correct* generator passes with margin.
No scipy: the KS statistic and the normal CDF (math.erf) are written out here.
"""

import math

import numpy as np
import pytest

import varshare.random as vr

FLOATS = ["float16", "float32", "float64"]


def norm_cdf(x):
    x = np.asarray(x, np.float64)
    erf = np.frompyfunc(math.erf, 1, 1)
    return 0.5 * (1.0 + np.asarray(erf(x / math.sqrt(2.0)), np.float64))


def ks_statistic(sample, cdf):
    """sup |F_n - F| for a sample against a continuous CDF (correct with ties)."""
    x = np.sort(np.asarray(sample, np.float64).ravel())
    n = x.size
    f = cdf(x)
    i = np.arange(1, n + 1)
    return max(np.max(i / n - f), np.max(f - (i - 1) / n))


def ks_limit(n, c=1.95):
    """Critical value of D_n at the 0.1% level (c(0.001) = 1.95), asymptotic form."""
    return c / math.sqrt(n)


# ----------------------------------------------------------------------------- uniform

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed", [0, 2**64 - 1])
def test_uniform_ks_and_moments(dtype, seed):
    n = 2**18
    a, b = -1.5, 2.5
    x = vr.uniform(n, seed, a, b, dtype, stream=7).astype(np.float64)
    d = ks_statistic(x, lambda t: np.clip((t - a) / (b - a), 0, 1))
    # float16 quantizes to 2**-9 spacing on [2, 2.5): add the discretisation step of the CDF
    slack = 2.0**-9 / (b - a) if dtype == "float16" else 0.0
    assert d < ks_limit(n) + slack, d
    assert abs(x.mean() - 0.5) < 5 * math.sqrt((b - a) ** 2 / 12 / n)
    assert abs(x.var() - (b - a) ** 2 / 12) < 0.01


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("ab", [(0.0, 1.0), (-1.0, 1.0), (0.1, 0.2), (1000.0, 1001.0), (-3.0, -2.0),
                                (1.0, 1.001), (0.0, 1e-3)], ids=str)
def test_uniform_bounds(dtype, ab):
    a, b = ab
    n = 2**20
    x = vr.uniform(n, 5, a, b, dtype, threads=2)
    t = np.dtype(dtype).type
    assert x.dtype == np.dtype(dtype)
    assert np.isfinite(x).all()
    # compare exactly, in float64 (every float16/32 value is exact there)
    xd = x.astype(np.float64)
    assert (xd >= a).all(), xd.min()
    assert (xd < b).all(), xd.max()
    # the grid: the largest dtype value below b is hit for float16/float32 ranges that are coarse
    hi = t(b)
    if float(hi) >= b:
        hi = np.nextafter(hi, t(-np.inf))
    assert xd.max() <= float(hi)


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_uniform_unit_never_reaches_one(dtype):
    # u = (w >> 8) * 2**-24 reaches 1 - 2**-24, which rounds to 1.0 in float16: must be clamped
    n = 2**22
    x = vr.uniform(n, 1, dtype=dtype, threads=2)
    assert x.max() < 1
    assert x.min() >= 0
    if dtype == "float16":
        assert x.max() == np.nextafter(np.float16(1), np.float16(0))   # hit, and clamped


def test_uniform_narrow_float32_range():
    a, b = 0.1, 0.1000001
    x = vr.uniform(2**18, 3, a, b, "float32")
    xd = x.astype(np.float64)
    assert (xd >= a).all() and (xd < b).all()
    # all float32 values in [a, b) occur, about equally often
    lo = np.float32(a)
    if float(lo) < a:
        lo = np.nextafter(lo, np.float32(1))
    grid = [lo]
    while float(np.nextafter(grid[-1], np.float32(1))) < b:
        grid.append(np.nextafter(grid[-1], np.float32(1)))
    vals, counts = np.unique(x, return_counts=True)
    assert set(vals.tolist()) <= set(np.array(grid).tolist())
    assert len(vals) >= len(grid) - 1     # end points may be under-represented by rounding
    inner = counts[1:-1]
    assert inner.min() > 0.5 * inner.mean() and inner.max() < 1.5 * inner.mean()


def test_uniform_resolution():
    x = vr.uniform(2**20, 9, dtype="float32")
    assert np.all((x.astype(np.float64) * 2**24) % 1 == 0)          # multiples of 2**-24
    assert np.unique(x).size > 0.95 * x.size                           # >= 23-24 bits used
    assert ((x.astype(np.float64) * 2**24) % 2 == 1).mean() > 0.45     # lowest bit live
    y = vr.uniform(2**16, 9, dtype="float64")
    k = y * 2.0**53
    assert np.all(k % 1 == 0)
    assert (k % 2 == 1).mean() > 0.45                                  # 53 bits live


@pytest.mark.parametrize("dtype,a,b", [("float32", -3e38, 3e38), ("float64", -1.5e308, 1.5e308)])
def test_uniform_huge_range_rejected_or_not_degenerate(dtype, a, b):
    """maxval - minval overflows the compute precision: doc §3.1 taken literally makes every value
    hi (or NaN at u = 0). Acceptable outcomes: a ValueError naming the bounds, or real uniforms."""
    try:
        x = vr.uniform(10000, 1, a, b, dtype).astype(np.float64)
    except ValueError as e:
        assert "minval" in str(e) or "maxval" in str(e)
        return
    assert np.isfinite(x).all() and (x >= a).all() and (x < b).all()
    assert abs(x.mean()) < 0.05 * b


# ----------------------------------------------------------------------------- integer uniform

@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("ab", [(-3, 4), (0, 10), (10**6, 10**6 + 17), (5, 6)], ids=str)
def test_int_uniform_covers_range_evenly(dtype, ab):
    a, b = ab
    n = 2**18
    x = vr.uniform(n, 11, a, b, dtype)
    assert x.dtype == np.dtype(dtype)
    assert x.min() == a and x.max() == b - 1
    counts = np.bincount((x - a).astype(np.int64), minlength=b - a)
    assert counts.size == b - a
    k = b - a
    if k > 1:
        e = n / k
        chi2 = ((counts - e) ** 2 / e).sum()
        # chi-square with k-1 dof: mean k-1, sd sqrt(2(k-1)); allow 5 sd
        assert chi2 < (k - 1) + 5 * math.sqrt(2 * (k - 1)), chi2


@pytest.mark.parametrize("dtype,a,b", [("int32", -2**31, 2**31 - 1), ("int64", -2**63, 2**63 - 1),
                                       ("int64", 0, 3 * 2**61)])
def test_int_uniform_wide_ranges(dtype, a, b):
    n = 2**16
    x = vr.uniform(n, 12, a, b, dtype)
    xf = x.astype(np.float64)
    assert (x >= a).all() and (x <= b - 1).all()
    # mean and the spread of the top 4 bits' bins
    mid, span = (a + b) / 2, float(b - a)
    assert abs(xf.mean() - mid) < 5 * span / math.sqrt(12 * n)
    bins = np.floor((xf - a) / span * 16).astype(int).clip(0, 15)
    counts = np.bincount(bins, minlength=16)
    assert counts.min() > 0.85 * n / 16 and counts.max() < 1.15 * n / 16
    # low bits are live too
    assert 0.45 < (x & 1).mean() < 0.55


# ----------------------------------------------------------------------------- normal

@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("seed,stream", [(0, 0), (2**64 - 1, 2**40)])
def test_normal_ks_and_moments(dtype, seed, stream):
    n = 2**18
    x = vr.normal(n, seed, dtype=dtype, stream=stream).astype(np.float64)
    slack = 2.0**-10 * 0.4 if dtype == "float16" else 0.0     # float16 grid step x max density
    assert ks_statistic(x, norm_cdf) < ks_limit(n) + slack
    se = 1 / math.sqrt(n)
    assert abs(x.mean()) < 5 * se
    assert abs(x.var() - 1) < 5 * math.sqrt(2) * se
    assert abs((x**3).mean()) < 5 * math.sqrt(15) * se
    assert abs((x**4).mean() - 3) < 5 * math.sqrt(96) * se
    # the two Box-Muller branches (even lanes cos, odd lanes sin) are each standard normal
    for part in (x[0::2], x[1::2]):
        assert ks_statistic(part, norm_cdf) < ks_limit(part.size)
    # adjacent elements (same pair) uncorrelated
    assert abs(np.corrcoef(x[0::2], x[1::2])[0, 1]) < 5 / math.sqrt(n / 2)


@pytest.mark.parametrize("dtype", FLOATS)
def test_normal_parameters(dtype):
    n = 2**18
    x = vr.normal(n, 4, 3.0, 0.5, dtype).astype(np.float64)
    assert abs(x.mean() - 3) < 5 * 0.5 / math.sqrt(n)
    assert abs(x.std() - 0.5) < 0.01
    assert ks_statistic(x, lambda t: norm_cdf((t - 3.0) / 0.5)) < ks_limit(n) + (2.0**-9 * 0.8 if dtype == "float16" else 0)


def test_normal_tail_frequencies():
    # P(|z| > 4) = 6.33e-5: about 265 of 2**22 samples; P(|z| > 5) = 5.7e-7: about 2.4
    n = 2**22
    x = np.abs(vr.normal(n, 8, threads=2))
    c4 = int((x > 4).sum())
    assert 265 - 5 * 16.3 < c4 < 265 + 5 * 16.3, c4
    assert int((x > 5).sum()) < 15
    assert x.max() < 6.67


# ----------------------------------------------------------------------------- truncated normal

def _tn_cdf(t):
    lo, hi = norm_cdf(-2.0), norm_cdf(2.0)
    return np.clip((norm_cdf(t) - lo) / (hi - lo), 0, 1)


@pytest.mark.parametrize("dtype", FLOATS)
def test_truncated_normal_ks_and_moments(dtype):
    n = 2**18
    x = vr.truncated_normal(n, 13, dtype=dtype, stream=1).astype(np.float64)
    slack = 2.0**-10 * 0.4 if dtype == "float16" else 0.0
    assert ks_statistic(x, _tn_cdf) < ks_limit(n) + slack
    # variance of N(0,1) truncated to [-2, 2]: 1 - 4 phi(2) / (Phi(2) - Phi(-2)) = 0.7737413
    var = 1 - 4 * math.exp(-2) / math.sqrt(2 * math.pi) / (math.erf(2 / math.sqrt(2)))
    assert abs(x.mean()) < 5 * math.sqrt(var / n)
    assert abs(x.var() - var) < 0.01
    assert (x == 0).sum() < 50      # no mass at the z = 0 fallback beyond what rounding gives
    assert np.abs(x).max() > 1.99   # reaches the truncation edge


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("mean,stddev", [(0.0, 1.0), (3.0, 0.5), (-100.0, 7.0), (0.1, 0.02), (1e-3, 1e-4),
                                         (1000.0, 300.0), (0.0, 1e-6), (1.0, 1e-3)], ids=str)
def test_truncated_normal_bounds(dtype, mean, stddev):
    n = 2**18
    x = vr.truncated_normal(n, 17, mean, stddev, dtype, threads=2)
    t = np.dtype(dtype).type
    ct = np.float64 if dtype == "float64" else np.float32
    two_sd = ct(2) * ct(stddev)
    hi = t(ct(mean) + two_sd)
    lo = t(ct(mean) - two_sd)
    assert np.isfinite(x).all()
    assert (x <= hi).all(), (x.max(), hi)
    assert (x >= lo).all(), (x.min(), lo)


def test_truncated_normal_float16_extremes():
    # huge stddev: 2 sd = 40000 stays finite in float16; never inf
    x = vr.truncated_normal(2**18, 2, 0.0, 20000.0, "float16")
    assert np.isfinite(x).all() and (np.abs(x.astype(np.float32)) <= np.float16(40000)).all()
    # tiny stddev: subnormal float16 values, within bounds
    y = vr.truncated_normal(2**16, 2, 0.0, 1e-6, "float16")
    assert (np.abs(y.astype(np.float32)) <= np.float16(np.float32(2e-6))).all()
    assert (y != 0).mean() > 0.9
