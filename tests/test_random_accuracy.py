"""Accuracy of the normal transform (docs/random-algorithms.md §3.3-§4): each output within
4 ulp of the same Box-Muller transform evaluated in high precision from the *same* Philox
integers.

The integers come from tests/reference.py (words32/words64, which test_random_kat.py ties to
the Random123 vectors). The "exact" value uses long double (or float64 where that suffices, or
mpmath), with the angle reduced exactly: float32 angle = 2*pi*(w2 >> 8)/2**24, quadrant
q = a >> 22 taken out as an exact sign/swap, so sin/cos are only ever evaluated in [0, pi/2).
"""

import math

import numpy as np
import pytest

import varshare.random as vr


LD = np.longdouble
HAVE_LD = np.finfo(LD).nmant >= 63      # x87 80-bit or IEEE quad
try:
    import mpmath
except ImportError:      # pragma: no cover
    mpmath = None

N = 2**20           # >= 10**6 samples per dtype
SEED, STREAM, OFFSET = 0x5EED5EED5EED5EED, 2**32 + 11, 2**32 + 64   # on a group boundary

# Elements whose radius word is extreme (found by exhaustive search, verified below):
# w1 = 0 gives u = 2**-32, the largest float32 radius sqrt(64 ln 2) = 6.6604;
# w1 = 2**32 - 1 gives u = 1, radius 0.
W1_ZERO = [(20240601, 0, 61591372), (7, 3, 4503831392)]      # (seed, stream, g of the cos lane)
W1_ONES = [(20240601, 0, 4225389158)]


def _pi(t):
    return np.arctan(t(1)) * t(4)


def _octant_sincos(rho, quarter, full, t):
    """sin, cos of 2*pi*rho/full for integers 0 <= rho < quarter = full/4, evaluated at an
    argument <= pi/4 (reflecting about pi/4 exactly), so that both keep full relative accuracy
    (cos near pi/2 would otherwise lose bits to the rounding of the argument)."""
    swap = rho >= quarter // 2
    r = np.where(swap, quarter - rho, rho).astype(t)
    th = t(2) * _pi(t) * r / t(full)
    s0, c0 = np.sin(th), np.cos(th)
    return np.where(swap, c0, s0), np.where(swap, s0, c0)


def exact_pair_f32(w1, w2, t):
    """High-precision (z_cos, z_sin) of doc §3.3 for uint32 arrays w1, w2, in type t."""
    k = (np.uint64(2**32 - 1) - w1.astype(np.uint64)).astype(t)   # u - 1 = -k / 2**32, exact
    r = np.sqrt(t(-2) * np.log1p(-k / t(2**32)))
    a = (w2 >> np.uint32(8)).astype(np.int64)
    q = a >> 22
    rho = a & 0x3FFFFF
    s, c = _octant_sincos(rho, 2**22, 2**24, t)
    cos = np.select([q == 0, q == 1, q == 2], [c, -s, -c], s)
    sin = np.select([q == 0, q == 1, q == 2], [s, c, -s], -c)
    return r * cos, r * sin


def exact_pair_f64(W1, W2, t):
    k = (np.uint64(2**53 - 1) - (W1 >> np.uint64(11))).astype(t)
    r = np.sqrt(t(-2) * np.log1p(-k / t(2**53)))
    a = W2 >> np.uint64(11)
    q = (a >> np.uint64(51)).astype(np.int64)
    rho = (a & np.uint64(2**51 - 1)).astype(np.int64)
    s, c = _octant_sincos(rho, 2**51, 2**53, t)
    cos = np.select([q == 0, q == 1, q == 2], [c, -s, -c], s)
    sin = np.select([q == 0, q == 1, q == 2], [s, c, -s], -c)
    return r * cos, r * sin


def ulp_error(got, exact, dtype):
    """|got - exact| in units of the last place of `dtype` at exact (subnormal ulp below tiny)."""
    fi = np.finfo(dtype)
    ex = np.asarray(exact)
    _, e = np.frexp(np.abs(ex.astype(np.float64)))
    ulp = np.ldexp(1.0, np.maximum(e - 1 - fi.nmant, fi.minexp - fi.nmant)).astype(ex.dtype)
    err = np.abs(got.astype(ex.dtype) - ex) / ulp
    return np.where(ex == 0, np.where(got == 0, 0, np.inf), err).astype(np.float64)


def pair_positions(n, per_group):
    """Positions of the cosine and the sine element of each Box-Muller pair in an array that
    starts on a group boundary (doc §2: the sine is 16 elements after its cosine)."""
    i = np.arange(n)
    cos = i[(i % per_group) // 16 % 2 == 0]
    return cos, cos + 16


def words32_pairs(reference, n, seed, stream, offset):
    """(w1, w2, cos positions, sin positions) of elements offset .. offset+n-1."""
    w = reference.words32(np.arange(n, dtype=np.uint64) + np.uint64(offset), seed, stream)
    c, s = pair_positions(n, 64)
    return w[c], w[s], c, s


def words64_pairs(reference, n, seed, stream, offset):
    """(W1, W2, cos positions, sin positions) of elements offset .. offset+n-1."""
    W = reference.words64(np.arange(n, dtype=np.uint64) + np.uint64(offset), seed, stream)
    c, s = pair_positions(n, 32)
    return W[c], W[s], c, s


# ----------------------------------------------------------------------------- float32

def test_float32_normal_within_4_ulp(reference):
    t = LD if HAVE_LD else np.float64      # float64 libm is ~2**-29 float32 ulp: enough here
    z = vr.normal(N, SEED, stream=STREAM, offset=OFFSET)
    w1, w2, c, s = words32_pairs(reference, N, SEED, STREAM, OFFSET)
    zc, zs = exact_pair_f32(w1, w2, t)
    err = np.maximum(ulp_error(z[c], zc, np.float32), ulp_error(z[s], zs, np.float32))
    worst = float(err.max())
    assert worst <= 4.0, "float32 normal off by %.3f ulp at element %d" % (worst, int(c[err.argmax()]) + OFFSET)
    assert float(np.abs(z).max()) > 4.5    # tails present in the sample


def test_float16_normal_correctly_rounded_from_float32(reference):
    t = LD if HAVE_LD else np.float64
    n = 2**18
    z = vr.normal(n, SEED, dtype="float16", stream=STREAM, offset=OFFSET)
    w1, w2, c, s = words32_pairs(reference, n, SEED, STREAM, OFFSET)
    zc, zs = exact_pair_f32(w1, w2, t)
    err = np.maximum(ulp_error(z[c], zc, np.float16), ulp_error(z[s], zs, np.float16))
    assert float(err.max()) <= 0.5 + 2.0**-8


@pytest.mark.parametrize("seed,stream,g", W1_ZERO)
def test_float32_largest_radius(seed, stream, g, reference):
    """w1 = 0: u = 2**-32 and |z| reaches sqrt(64 ln 2) = 6.6604 (not the 5.6-5.8 of 24-bit
    variants). The pair of this element is checked bit for bit and to 4 ulp."""
    assert int(reference.words32(np.uint64(g), seed, stream)) == 0 and g % 64 // 16 % 2 == 0
    z = vr.normal(17, seed, stream=stream, offset=g)[::16]          # the pair: g and g + 16
    np.testing.assert_array_equal(
        z.view(np.uint32),
        reference.full_array("normal", 17, seed, stream, g, "float32")[::16].view(np.uint32))
    w2 = reference.words32(np.uint64(g + 16), seed, stream)
    zc, zs = exact_pair_f32(np.array([0], np.uint32), np.array([w2], np.uint32), LD if HAVE_LD else np.float64)
    assert ulp_error(z[:1], zc, np.float32).max() <= 4 and ulp_error(z[1:], zs, np.float32).max() <= 4
    r = math.hypot(float(z[0]), float(z[1]))
    assert abs(r - math.sqrt(64 * math.log(2))) < 1e-5, r
    # the largest radius is representable and finite for float16 too, and the truncated normal
    # redraws at least one of the two elements
    h = vr.normal(17, seed, dtype="float16", stream=stream, offset=g)[::16]
    np.testing.assert_array_equal(h, z.astype(np.float16))
    tn = vr.truncated_normal(17, seed, stream=stream, offset=g)[::16]
    assert (np.abs(tn) <= 2).all() and not np.array_equal(tn, z)


@pytest.mark.parametrize("seed,stream,g", W1_ONES)
def test_float32_zero_radius(seed, stream, g, reference):
    assert int(reference.words32(np.uint64(g), seed, stream)) == 2**32 - 1 and g % 64 // 16 % 2 == 0
    for dtype in ("float32", "float16"):
        z = vr.normal(17, seed, dtype=dtype, stream=stream, offset=g)[::16]
        assert (z == 0).all()
        exp = reference.full_array("normal", 17, seed, stream, g, dtype)[::16]
        np.testing.assert_array_equal(z.view(np.uint16 if dtype == "float16" else np.uint32),
                                      exp.view(np.uint16 if dtype == "float16" else np.uint32))


def test_float32_radius_extremes_reference(reference):
    """The documented radius (doc §3.3) at the ends of its range, to 4 ulp and the doc's 0.52."""
    t = LD if HAVE_LD else np.float64
    w1 = np.array([0, 1, 2, 3, 255, 256, 2**31, 2**32 - 3, 2**32 - 2, 2**32 - 1] +
                  list(range(0, 2**32, 2**32 // 4096)), np.uint32)
    r = reference.radius_f32(w1)
    k = (np.uint64(2**32 - 1) - w1.astype(np.uint64)).astype(t)
    ex = np.sqrt(t(-2) * np.log1p(-k / t(2**32)))
    assert float(r[0]) == pytest.approx(math.sqrt(64 * math.log(2)), rel=1e-7)
    assert ulp_error(r, ex, np.float32).max() <= 0.52


def test_float32_radius_doc_claim_on_samples(reference):
    t = LD if HAVE_LD else np.float64
    w1 = np.random.default_rng(0).integers(0, 2**32, size=2**20, dtype=np.uint64).astype(np.uint32)
    r = reference.radius_f32(w1)
    k = (np.uint64(2**32 - 1) - w1.astype(np.uint64)).astype(t)
    ex = np.sqrt(t(-2) * np.log1p(-k / t(2**32)))
    assert ulp_error(r, ex, np.float32).max() <= 0.52


def test_float32_sincos_exhaustive(reference):
    """Doc §4: float32 sin/cos <= 1.7 ulp over all 2**24 angles. The quadrant map and the swap
    are exact (negation, exchange), so all angles reduce to the octant arguments
    rho = 0 .. 2**21: both polynomials there cover every angle."""
    t = LD if HAVE_LD else np.float64
    rho = np.arange(2**21 + 1, dtype=np.uint32)
    # w2 with q = 0 and rho below the swap point: (sin, cos) are (s0, c0) of x = rho / 2**24
    s_poly, c_poly = reference.sincos_u32(rho[:-1] << np.uint32(8))
    th = t(2) * _pi(t) * rho[:-1].astype(t) / t(2**24)
    es, ec = np.sin(th), np.cos(th)
    err_s = ulp_error(s_poly, es, np.float32)
    err_c = ulp_error(c_poly, ec, np.float32)
    # and the swapped half (rho' = 2**22 - rho), which evaluates the same polynomials at rho
    s2, c2 = reference.sincos_u32((np.uint32(2**22) - rho[1:]) << np.uint32(8))
    th2 = t(2) * _pi(t) * (np.uint32(2**22) - rho[1:]).astype(t) / t(2**24)
    err_s2 = ulp_error(s2, np.sin(th2), np.float32)
    err_c2 = ulp_error(c2, np.cos(th2), np.float32)
    worst = max(err_s.max(), err_c.max(), err_s2.max(), err_c2.max())
    assert worst <= 1.7, worst


# ----------------------------------------------------------------------------- float64

def _exact64_available():
    return HAVE_LD or mpmath is not None


@pytest.mark.skipif(not _exact64_available(), reason="needs long double > 64 bits or mpmath")
def test_float64_normal_within_4_ulp(reference):
    n = N if HAVE_LD else 20000
    z = vr.normal(n, SEED, dtype="float64", stream=STREAM, offset=OFFSET)
    # the cosine element and the sine element 16 later share one block: W1 and W2
    W1, W2, c, s = words64_pairs(reference, n, SEED, STREAM, OFFSET)
    if HAVE_LD:
        zc, zs = exact_pair_f64(W1, W2, LD)
        err = np.maximum(ulp_error(z[c], zc, np.float64), ulp_error(z[s], zs, np.float64))
    else:  # pragma: no cover
        err = np.array([_mp_ulp(z[[ci, si]], int(a), int(b)) for ci, si, a, b in zip(c, s, W1, W2)])
    worst = float(err.max())
    assert worst <= 4.0, "float64 normal off by %.3f ulp at element %d" % (worst, int(c[err.argmax()]) + OFFSET)


def _mp_pair(W1, W2):
    mpmath.mp.prec = 120
    v = (W1 >> 11) + 1
    r = mpmath.sqrt(-2 * mpmath.log(mpmath.mpf(v) / 2**53))
    a = W2 >> 11
    th = 2 * mpmath.pi * mpmath.mpf(a) / 2**53
    return r * mpmath.cos(th), r * mpmath.sin(th)


def _mp_ulp(pair, W1, W2):
    out = 0.0
    for got, ex in zip(pair, _mp_pair(W1, W2)):
        exf = float(ex)
        ulp = math.ulp(exf) if exf != 0 else 5e-324
        out = max(out, float(abs(mpmath.mpf(float(got)) - ex) / ulp))
    return out


@pytest.mark.skipif(mpmath is None or not HAVE_LD, reason="needs mpmath and long double")
def test_float64_long_double_exact_agrees_with_mpmath(reference):
    """Cross-check of the long-double "exact" values used above, on a small sample."""
    n = 416
    W1, W2, _, _ = words64_pairs(reference, n, SEED, STREAM, OFFSET)
    zc, zs = exact_pair_f64(W1, W2, LD)
    for i in range(len(W1)):
        mc, ms = _mp_pair(int(W1[i]), int(W2[i]))
        for ld, mp in ((zc[i], mc), (zs[i], ms)):
            hi = np.float64(ld)
            lo = np.float64(ld - LD(hi))
            ld_mp = mpmath.mpf(float(hi)) + mpmath.mpf(float(lo))      # exact value of ld
            ulp = math.ulp(float(mp)) if float(mp) != 0 else 5e-324
            # long double carries 11 bits more than float64
            assert float(abs(ld_mp - mp)) <= ulp / 64


@pytest.mark.skipif(mpmath is None, reason="needs mpmath")
def test_float64_normal_mpmath_sample(reference):
    n = 2016
    z = vr.normal(n, 3, dtype="float64", stream=2**63, offset=2**40)
    W1, W2, c, s = words64_pairs(reference, n, 3, 2**63, 2**40)
    worst = max(_mp_ulp(z[[ci, si]], int(a), int(b)) for ci, si, a, b in zip(c, s, W1, W2))
    assert worst <= 4.0, worst
