/* Random words -> numbers, one transform per function, exactly as docs/random-algorithms.md
 * specifies (the NumPy reference in tests/reference.py mirrors every rounding step).
 * Build with -ffp-contract=off: a fused multiply-add would change the bits. */
#ifndef VS_TRANSFORMS_H
#define VS_TRANSFORMS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

static inline uint32_t vs_f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline uint64_t vs_f64_bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double vs_f64_from_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }

/* ------------------------------------------------------------------ uniform */

/* [0, 1) with 24 bits. */
static inline float vs_unit_f32(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

/* [0, 1) with 53 bits. */
static inline double vs_unit_f64(uint64_t w) { return (double)(w >> 11) * 0x1p-53; }

/* minval + floor(w * range / 2**64), exact. */
static inline uint64_t vs_mulhi64(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)a * b) >> 64);
#else
    uint64_t a_lo = (uint32_t)a, a_hi = a >> 32, b_lo = (uint32_t)b, b_hi = b >> 32;
    uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
    uint64_t cross = (lo_lo >> 32) + (uint32_t)hi_lo + lo_hi;
    return a_hi * b_hi + (hi_lo >> 32) + (cross >> 32);
#endif
}

/* ------------------------------------------------------------------ Box-Muller radius */

#define VS_LN2_HI 6.93147180369123816490e-01
#define VS_LN2_LO 1.90821492927058770002e-10
#define VS_SQRT2_MANT 0x6A09E667F3BCDull

/* ln((w + 1) / 2**nbits) for 0 <= w < 2**nbits <= 2**53, in float64.  x = w + 1 is exact,
 * x = 2**k * (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)) makes f exact, and log1p(f) is
 * 2*atanh(s), s = f / (2 + f), summed through s**(2*nterms+1). */
static inline double vs_log_fixed(uint64_t w, int nbits, int nterms)
{
    double x = (double)w + 1.0;
    uint64_t bits = vs_f64_bits(x);
    int64_t k = (int64_t)(bits >> 52) - 1023;
    uint64_t mant = bits & 0xFFFFFFFFFFFFFull;
    int big = mant >= VS_SQRT2_MANT;
    k += big;
    double f = vs_f64_from_bits(mant | (big ? 0x3FE0000000000000ull : 0x3FF0000000000000ull)) - 1.0;
    double s = f / (2.0 + f);
    double s2 = s * s;
    double p = 1.0 / (double)(2 * nterms + 1);
    for (int n = nterms - 1; n >= 1; n--)
        p = p * s2 + 1.0 / (double)(2 * n + 1);
    p = p * s2;
    double t = s + s;
    double l = t + t * p;
    double e = (double)(k - nbits);
    return e * VS_LN2_HI + (l + e * VS_LN2_LO);
}

/* sqrt(-2 ln u), u = (w1 + 1) / 2**32, computed in float64 and rounded once. */
static inline float vs_radius_f32(uint32_t w1)
{
    return (float)sqrt(-2.0 * vs_log_fixed(w1, 32, 4));
}

/* sqrt(-2 ln u), u = ((W1 >> 11) + 1) / 2**53. */
static inline double vs_radius_f64(uint64_t W1)
{
    return sqrt(-2.0 * vs_log_fixed(W1 >> 11, 53, 10));
}

/* ------------------------------------------------------------------ Box-Muller angle */

/* (cos, sin) of the angle from quadrant q and the octant-reduced sin/cos (s0, c0). */
#define VS_QUADRANT(T, q, swap, s0, c0, cos_out, sin_out)                               \
    do {                                                                                \
        T sp_ = (swap) ? (c0) : (s0), cp_ = (swap) ? (s0) : (c0);                       \
        switch (q) {                                                                    \
        case 0: *(cos_out) = cp_; *(sin_out) = sp_; break;                              \
        case 1: *(cos_out) = -sp_; *(sin_out) = cp_; break;                             \
        case 2: *(cos_out) = -cp_; *(sin_out) = -sp_; break;                            \
        default: *(cos_out) = sp_; *(sin_out) = -cp_; break;                            \
        }                                                                               \
    } while (0)

/* cos and sin of 2*pi*(w2 >> 8) / 2**24 in float32 (near-minimax on the octant). */
static inline void vs_sincos_f32(uint32_t w2, float *c, float *s)
{
    uint32_t a = w2 >> 8;
    uint32_t q = a >> 22;
    uint32_t r = a & 0x3FFFFFu;
    int swap = r >= (1u << 21);
    if (swap) r = (1u << 22) - r;
    float x = (float)r * 0x1p-24f;
    float y = x * x;
    float s0 = x * (((-75.39395f * y + 81.59236f) * y + -41.341663f) * y + 6.2831855f);
    float c0 = (((59.203003f * y + -85.44231f) * y + 64.93931f) * y + -19.739208f) * y + 1.0f;
    VS_QUADRANT(float, q, swap, s0, c0, c, s);
}

/* Taylor coefficients of sin(2 pi x)/x and cos(2 pi x) in x*x (float64 nearest). */
static const double vs_sin_f64[10] = {
    6.283185307179586, -41.341702240399755, 81.60524927607504, -76.70585975306136,
    42.058693944897634, -15.094642576822984, 3.8199525848482803, -0.7181223017785001,
    0.10422916220813978, -0.012031585942120619};
static const double vs_cos_f64[11] = {
    1.0, -19.739208802178716, 64.93939402266828, -85.45681720669371, 60.24464137187664,
    -26.426256783374388, 7.903536371318465, -1.7143907110886711, 0.282005968455791,
    -0.03638284114254564, 0.0037798342006800365};

/* cos and sin of 2*pi*(W2 >> 11) / 2**53 in float64. */
static inline void vs_sincos_f64(uint64_t W2, double *c, double *s)
{
    uint64_t a = W2 >> 11;
    uint64_t q = a >> 51;
    uint64_t r = a & ((1ull << 51) - 1);
    int swap = r >= (1ull << 50);
    if (swap) r = (1ull << 51) - r;
    double x = (double)r * 0x1p-53;
    double y = x * x;
    double ps = vs_sin_f64[9], pc = vs_cos_f64[10];
    for (int i = 8; i >= 0; i--) ps = ps * y + vs_sin_f64[i];
    for (int i = 9; i >= 0; i--) pc = pc * y + vs_cos_f64[i];
    double s0 = x * ps;
    VS_QUADRANT(double, q, swap, s0, pc, c, s);
}

/* ------------------------------------------------------------------ float16 */

/* float32 -> float16 bits, round to nearest even (as NumPy's astype). */
static inline uint16_t vs_f32_to_f16(float f)
{
    uint32_t x = vs_f32_bits(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7FFFFFFFu;
    if (ax > 0x7F800000u) return (uint16_t)(sign | 0x7E00u);          /* NaN */
    if (ax >= 0x477FF000u) return (uint16_t)(sign | 0x7C00u);         /* rounds to inf */
    if (ax < 0x38800000u) {                                            /* half subnormal */
        if (ax <= 0x33000000u) return (uint16_t)sign;                  /* <= 2**-25: 0 */
        uint32_t shift = 126u - (ax >> 23);
        uint32_t m = (ax & 0x7FFFFFu) | 0x800000u;
        uint32_t h = m >> shift, rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
        h += rem > half || (rem == half && (h & 1u));
        return (uint16_t)(sign | h);
    }
    uint32_t h = (ax - 0x38000000u) >> 13;
    uint32_t rem = ax & 0x1FFFu;
    h += rem > 0x1000u || (rem == 0x1000u && (h & 1u));
    return (uint16_t)(sign | h);
}

#endif
