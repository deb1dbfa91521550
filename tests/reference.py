"""Slow, obviously-correct NumPy reference of varshare's random algorithms.

Every step follows docs/random-algorithms.md literally, one NumPy operation per
rounding step (NumPy float32/float64 arithmetic is IEEE with no fused
multiply-add), so the compiled kernels must agree with it bit for bit.
"""

import numpy as np

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = np.uint32(0x9E3779B9), np.uint32(0xBB67AE85)
MASK32 = np.uint64(0xFFFFFFFF)
MAX_ATTEMPTS = 256

# every (distribution, dtype) the contract defines
COMBOS = [
    ("uniform", "float16"), ("uniform", "float32"), ("uniform", "float64"),
    ("uniform", "int32"), ("uniform", "int64"),
    ("normal", "float16"), ("normal", "float32"), ("normal", "float64"),
    ("truncated_normal", "float16"), ("truncated_normal", "float32"), ("truncated_normal", "float64"),
]


def philox4x32_10(counter, key):
    """Philox4x32-10 of uint32 arrays counter[..., 4] and key[..., 2]."""
    c = [np.asarray(counter, np.uint32)[..., i].astype(np.uint64) for i in range(4)]
    k0 = np.asarray(key, np.uint32)[..., 0].copy()
    k1 = np.asarray(key, np.uint32)[..., 1].copy()
    for rnd in range(10):
        p0 = M0 * c[0]
        p1 = M1 * c[2]
        hi0, lo0 = p0 >> np.uint64(32), p0 & MASK32
        hi1, lo1 = p1 >> np.uint64(32), p1 & MASK32
        c = [hi1 ^ c[1] ^ k0.astype(np.uint64), lo1, hi0 ^ c[3] ^ k1.astype(np.uint64), lo0]
        if rnd < 9:
            with np.errstate(over="ignore"):  # the key schedule wraps modulo 2**32
                k0 = k0 + W0
                k1 = k1 + W1
    return np.stack([x.astype(np.uint32) for x in c], axis=-1)


def _blocks(block_lo_hi, seed, stream):
    """Philox output for 64-bit counters (block index, high-word tag) of one seed/stream."""
    block, tag = block_lo_hi
    block = np.asarray(block, np.uint64)
    ctr = np.stack([
        (block & MASK32).astype(np.uint32),
        ((block >> np.uint64(32)) | (np.asarray(tag, np.uint64) << np.uint64(24))).astype(np.uint32),
        np.full(block.shape, stream & 0xFFFFFFFF, np.uint32),
        np.full(block.shape, stream >> 32, np.uint32),
    ], axis=-1)
    key = np.broadcast_to(np.array([seed & 0xFFFFFFFF, seed >> 32], np.uint32), block.shape + (2,))
    return philox4x32_10(ctr, key)


def locate(g, per_group):
    """(block, word slot) of elements g: groups of 16 blocks, structure of arrays inside."""
    g = np.asarray(g, np.uint64)
    q = g % np.uint64(per_group)
    block = (g // np.uint64(per_group)) * np.uint64(16) + q % np.uint64(16)
    return block, (q // np.uint64(16)).astype(np.intp)


def words32(g, seed, stream):
    """The 32-bit word of element g (32-bit family)."""
    block, j = locate(g, 64)
    out = _blocks((block, 0), seed, stream)
    return np.take_along_axis(out, j[..., None], -1)[..., 0]


def words64(g, seed, stream):
    """The 64-bit word of element g (64-bit family): words 2h, 2h+1 of its block."""
    block, h = locate(g, 32)
    out = _blocks((block, 0), seed, stream).astype(np.uint64)
    lo = np.take_along_axis(out, (2 * h)[..., None], -1)[..., 0]
    hi = np.take_along_axis(out, (2 * h + 1)[..., None], -1)[..., 0]
    return lo | (hi << np.uint64(32))


# --------------------------------------------------------------------------- uniform

def float_grid(minval, maxval, dtype):
    """(lo, hi): the smallest dtype value >= minval and the largest < maxval."""
    dtype = np.dtype(dtype)
    lo = dtype.type(minval)
    if float(lo) < minval:
        lo = np.nextafter(lo, dtype.type(np.inf))
    hi = dtype.type(maxval)
    if float(hi) >= maxval:
        hi = np.nextafter(hi, dtype.type(-np.inf))
    return lo, hi


def uniform(g, seed, stream, minval, maxval, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        w = words64(g, seed, stream)
        r = int(maxval) - int(minval)
        # high 64 bits of w * r, exactly, via Python integers
        vals = [(int(x) * r) >> 64 for x in w.ravel()]
        return (np.array(vals, dtype=object) + int(minval)).astype(dtype).reshape(w.shape)
    lo, hi = float_grid(minval, maxval, dtype)
    if dtype == np.float64:
        u = (words64(g, seed, stream) >> np.uint64(11)).astype(np.float64) * 2.0**-53
        mn, mx = np.float64(minval), np.float64(maxval)
        y = mn + u * (mx - mn)
        return np.minimum(np.maximum(y, lo), hi)
    u = (words32(g, seed, stream) >> np.uint32(8)).astype(np.float32) * np.float32(2.0**-24)
    mn, mx = np.float32(minval), np.float32(maxval)
    y = mn + u * (mx - mn)
    y = np.minimum(np.maximum(y, np.float32(lo)), np.float32(hi))
    return y.astype(dtype)


# --------------------------------------------------------------------------- Box-Muller radius

D = np.float64
F = np.float32
LN2_HI, LN2_LO = D(6.93147180369123816490e-01), D(1.90821492927058770002e-10)
SQRT2_MANT = np.uint64(0x6A09E667F3BCD)      # mantissa bits of float64 sqrt(2)
ATANH_5 = [D(1 / (2 * k + 1)) for k in range(1, 5)]    # enough for a float32 radius
ATANH_11 = [D(1 / (2 * k + 1)) for k in range(1, 11)]  # enough for a float64 radius


def _log1p_atanh(f, coeffs):
    """log1p(f) = 2*atanh(s), s = f / (2 + f), series in s*s (Horner, highest first)."""
    s = f / (D(2) + f)
    s2 = s * s
    p = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        p = p * s2 + c
    p = p * s2
    t = s + s
    return t + t * p


def log_fixed(w, nbits, coeffs):
    """float64 ln((w + 1) / 2**nbits) for integers 0 <= w < 2**nbits <= 2**53.

    x = w + 1 is exact in float64; x = 2**k * (1 + f) with 1 + f in
    [sqrt(1/2), sqrt(2)) makes f exact too, so only the series rounds.
    """
    x = np.asarray(w, np.uint64).astype(D) + D(1)
    bits = x.view(np.uint64)
    k = (bits >> np.uint64(52)).astype(np.int64) - 1023
    mant = bits & np.uint64((1 << 52) - 1)
    big = mant >= SQRT2_MANT
    k = k + big
    mbits = mant | np.where(big, np.uint64(0x3FE0000000000000), np.uint64(0x3FF0000000000000))
    f = mbits.view(D) - D(1)
    e = (k - nbits).astype(D)
    return e * LN2_HI + (_log1p_atanh(f, coeffs) + e * LN2_LO)


def radius_f32(w1):
    """float32 sqrt(-2 ln u), u = (w1 + 1) / 2**32, computed in float64."""
    return np.sqrt(D(-2) * log_fixed(w1, 32, ATANH_5)).astype(F)


def radius_f64(W1):
    """float64 sqrt(-2 ln u), u = ((W1 >> 11) + 1) / 2**53."""
    return np.sqrt(D(-2) * log_fixed(np.asarray(W1, np.uint64) >> np.uint64(11), 53, ATANH_11))


# --------------------------------------------------------------------------- Box-Muller angle

def _taylor(n_terms, odd, dtype):
    """Coefficients of sin(2 pi x) / x (odd) or cos(2 pi x) in powers of x*x."""
    from math import factorial, pi
    out = []
    for k in range(n_terms):
        n = 2 * k + (1 if odd else 0)
        out.append(dtype((-1) ** k * (2 * pi) ** n / factorial(n)))
    return out


# float32 near-minimax fits on [0, 1/8] (error of the evaluation <= 1.7 ulp)
SIN_F = [F(6.2831855), F(-41.341663), F(81.59236), F(-75.39395)]
COS_F = [F(1.0), F(-19.739208), F(64.93931), F(-85.44231), F(59.203003)]


def _horner(y, coeffs):
    p = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        p = p * y + c
    return p


def _quadrant_sincos(q, swap, x, sin_c, cos_c):
    """sin, cos of 2*pi*(q/4 + x) or of 2*pi*(q/4 + 1/4 - x) when swap."""
    y = x * x
    s0 = x * _horner(y, sin_c)
    c0 = _horner(y, cos_c)
    sp = np.where(swap, c0, s0)
    cp = np.where(swap, s0, c0)
    cos = np.select([q == 0, q == 1, q == 2], [cp, -sp, -cp], sp)
    sin = np.select([q == 0, q == 1, q == 2], [sp, cp, -sp], -cp)
    return sin, cos


def sincos_u32(w):
    """float32 (sin, cos) of 2*pi*(w >> 8)/2**24 for uint32 w (24-bit angle)."""
    a = np.asarray(w, np.uint32) >> np.uint32(8)
    q = (a >> np.uint32(22)).astype(np.int32)
    r = a & np.uint32(0x3FFFFF)
    swap = r >= np.uint32(1 << 21)
    r = np.where(swap, np.uint32(1 << 22) - r, r)
    x = r.astype(F) * F(2.0**-24)
    return _quadrant_sincos(q, swap, x, SIN_F, COS_F)


def std_normal_pair_f32(w1, w2):
    r = radius_f32(w1)
    s, c = sincos_u32(w2)
    return r * c, r * s


SIN_D = _taylor(10, True, D)
COS_D = _taylor(11, False, D)


def sincos_u53(v):
    """float64 (sin, cos) of 2*pi*v/2**53 for 53-bit integers v (uint64)."""
    v = np.asarray(v, np.uint64)
    q = (v >> np.uint64(51)).astype(np.int64)
    r = v & np.uint64((1 << 51) - 1)
    swap = r >= np.uint64(1 << 50)
    r = np.where(swap, np.uint64(1 << 51) - r, r)
    x = r.astype(D) * D(2.0**-53)
    return _quadrant_sincos(q, swap, x, SIN_D, COS_D)


def std_normal_pair_f64(W1, W2):
    r = radius_f64(W1)
    s, c = sincos_u53(W2 >> np.uint64(11))
    return r * c, r * s


# --------------------------------------------------------------------------- element values

def std_normal(g, seed, stream, dtype):
    """Standard normal of element g (attempt 0), in the compute dtype."""
    if np.dtype(dtype) == np.float64:
        block, h = locate(g, 32)
        out = _blocks((block, 0), seed, stream).astype(np.uint64)
        W1 = out[..., 0] | (out[..., 1] << np.uint64(32))
        W2 = out[..., 2] | (out[..., 3] << np.uint64(32))
        zc, zs = std_normal_pair_f64(W1, W2)
        return np.where(h == 0, zc, zs)
    block, j = locate(g, 64)
    out = _blocks((block, 0), seed, stream)
    pair = j // 2
    w1 = np.take_along_axis(out, (2 * pair)[..., None], -1)[..., 0]
    w2 = np.take_along_axis(out, (2 * pair + 1)[..., None], -1)[..., 0]
    zc, zs = std_normal_pair_f32(w1, w2)
    return np.where(j % 2 == 0, zc, zs)


def std_normal_redraw(g, attempt, seed, stream, dtype):
    """Standard normal of attempt >= 1 of element g: its own block, cosine branch."""
    g = np.asarray(g, np.uint64)
    out = _blocks((g, attempt), seed, stream)
    if np.dtype(dtype) == np.float64:
        out = out.astype(np.uint64)
        W1 = out[..., 0] | (out[..., 1] << np.uint64(32))
        W2 = out[..., 2] | (out[..., 3] << np.uint64(32))
        return std_normal_pair_f64(W1, W2)[0]
    return std_normal_pair_f32(out[..., 0], out[..., 1])[0]


def _compute_dtype(dtype):
    return np.float64 if np.dtype(dtype) == np.float64 else np.float32


def _affine(z, mean, stddev, ct, dtype):
    """mean + stddev * z in the compute dtype, rounded to dtype; overflow to inf is allowed."""
    with np.errstate(over="ignore"):
        return (ct(mean) + ct(stddev) * z).astype(dtype)


def normal(g, seed, stream, mean, stddev, dtype):
    ct = _compute_dtype(dtype)
    return _affine(std_normal(g, seed, stream, ct), mean, stddev, ct, dtype)


def truncated_normal(g, seed, stream, mean, stddev, dtype):
    ct = _compute_dtype(dtype)
    g = np.asarray(g, np.uint64)
    z = std_normal(g, seed, stream, ct)
    for attempt in range(1, MAX_ATTEMPTS):
        bad = np.abs(z) > ct(2)
        if not bad.any():
            break
        z = np.where(bad, std_normal_redraw(g, attempt, seed, stream, ct), z)
    z = np.where(np.abs(z) > ct(2), ct(0), z)
    return _affine(z, mean, stddev, ct, dtype)


def full_array(kind, shape, seed, stream=0, offset=0, dtype="float32", a=None, b=None):
    """The whole array of `shape` (element g = offset + flat C-order index)."""
    n = int(np.prod(shape, dtype=np.int64))
    g = np.arange(n, dtype=np.uint64) + np.uint64(offset)
    if kind == "uniform":
        a, b = (0.0, 1.0) if a is None else (a, b)
        vals = uniform(g, seed, stream, a, b, dtype)
    elif kind == "normal":
        a, b = (0.0, 1.0) if a is None else (a, b)
        vals = normal(g, seed, stream, a, b, dtype)
    elif kind == "truncated_normal":
        a, b = (0.0, 1.0) if a is None else (a, b)
        vals = truncated_normal(g, seed, stream, a, b, dtype)
    else:
        raise ValueError(kind)
    return np.asarray(vals).reshape(shape)
