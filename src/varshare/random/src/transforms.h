/* Random words -> numbers, one transform per function, exactly as docs/random-algorithms.md
 * specifies (tests/reference.py mirrors every rounding step).  Written branch-free, with
 * integer->float conversions done by exact bit tricks, so that the same source vectorises
 * on every ISA and gives the same bits.  Build with -ffp-contract=off: a fused
 * multiply-add would change the bits. */
#ifndef VS_TRANSFORMS_H
#define VS_TRANSFORMS_H

#include <stdint.h>
#include <string.h>

static inline uint32_t vs_f32_bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static inline uint64_t vs_f64_bits(double x) { uint64_t u; memcpy(&u, &x, 8); return u; }
static inline double vs_f64_from_bits(uint64_t u) { double x; memcpy(&x, &u, 8); return x; }
static inline float vs_f32_from_bits(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }

#define VS_TWO52_BITS 0x4330000000000000ull     /* float64 2**52: its ulp is 1 */

/* Exact float64 of a uint32 (SSE2 converts only signed 32-bit integers). */
static inline double vs_f64_from_u32(uint32_t v) { return (double)(int32_t)(v ^ 0x80000000u) + 0x1p31; }

/* Exact float64 of the top 53 bits of the 64-bit word lo | hi << 32, i.e. of (W >> 11),
 * from 32-bit halves so that no 64-bit integer conversion is needed. */
static inline double vs_f64_top53(uint32_t lo, uint32_t hi)
{
    return vs_f64_from_u32(hi) * 0x1p21 + (double)(int32_t)(lo >> 11);
}

/* ------------------------------------------------------------------ uniform */

/* [0, 1) with 24 bits. */
static inline float vs_unit_f32(uint32_t w) { return (float)(int32_t)(w >> 8) * 0x1p-24f; }

/* [0, 1) with 53 bits of the 64-bit word lo | hi << 32. */
static inline double vs_unit_f64(uint32_t lo, uint32_t hi) { return vs_f64_top53(lo, hi) * 0x1p-53; }

/* floor(a * b / 2**64), exact. */
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

/* float64 nearest to 1/3, 1/5, ..., 1/21: the series of 2*atanh(s) / (2s) - 1 in s*s. */
static const double vs_atanh_series[10] = {
    1.0 / 3, 1.0 / 5, 1.0 / 7, 1.0 / 9, 1.0 / 11, 1.0 / 13, 1.0 / 15, 1.0 / 17, 1.0 / 19, 1.0 / 21};

/* ln(x / 2**nbits) for an integer 1 <= x <= 2**nbits held exactly in float64, in two steps
 * (kernels run each as its own pass over a batch: the division and the later square root
 * have long latencies, and short loops let the out-of-order window cover more elements).
 * x = 2**k * (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)) makes f exact; the reduction
 * returns s = f / (2 + f) and the exponent e = k - nbits.  Selections are bit masks so that
 * the functions vectorise. */
static inline void vs_log_reduce(double x, int nbits, double *s, double *e)
{
    uint64_t bits = vs_f64_bits(x);
    double m = vs_f64_from_bits((bits & 0xFFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  /* [1, 2) */
    int big = m >= 1.4142135623730951;          /* float64 sqrt(2): mantissa 0x6A09E667F3BCD */
    double f = (big ? 0.5 * m : m) - 1.0;
    /* k - nbits: integers, so one subtraction of 2**52 + 1023 + nbits is exact; then one
     * more where m was halved (each of big's uses a masked operation where vectorised) */
    double k = vs_f64_from_bits(bits >> 52 | VS_TWO52_BITS) - (0x1p52 + 1023 + nbits);
    *e = big ? k + 1.0 : k;
    *s = f / (2.0 + f);
}

/* e ln 2 + log1p(f), log1p(f) = 2*atanh(s) summed through s**(2*nterms+1). */
static inline double vs_log_series(double s, double e, int nterms)
{
    double s2 = s * s;
    double p = vs_atanh_series[nterms - 1];
    for (int i = nterms - 2; i >= 0; i--) p = p * s2 + vs_atanh_series[i];
    p = p * s2;
    double t = s + s;
    double l = t + t * p;
    return e * VS_LN2_HI + (l + e * VS_LN2_LO);
}

/* The Box-Muller radius is sqrt(-2 ln u), computed in float64 and rounded once:
 * float32: u = (w1 + 1) / 2**32, the log summed through s**9;
 * float64: u = ((W1 >> 11) + 1) / 2**53, W1 = lo | hi << 32, through s**21. */
#define VS_RADIUS_TERMS_F32 4
#define VS_RADIUS_TERMS_F64 10

static inline double vs_radius_x_f32(uint32_t w1) { return vs_f64_from_u32(w1) + 1.0; }
static inline double vs_radius_x_f64(uint32_t lo, uint32_t hi) { return vs_f64_top53(lo, hi) + 1.0; }

/* ------------------------------------------------------------------ Box-Muller angle
 * The angle is a fixed-point fraction of a turn: its quadrant q and the reduction to the
 * first octant (swap) are exact integer operations, so only the polynomials round.  From
 * the first quadrant's (cp, sp), quadrant q's (cos, sin) is (cp, sp), (-sp, cp), (-cp, -sp),
 * (sp, -cp): the odd quadrants swap the two, and the signs are bits of q, flipped as bits
 * (what negation does) rather than chosen by a chain of selections. */

/* cos and sin of 2*pi*(w2 >> 8) / 2**24 in float32 (near-minimax on the octant). */
static inline void vs_sincos_f32(uint32_t w2, float *c, float *s)
{
    uint32_t a = w2 >> 8, q = a >> 22, r = a & 0x3FFFFFu;
    int swap = r >= (1u << 21);
    r = swap ? (1u << 22) - r : r;
    float x = (float)(int32_t)r * 0x1p-24f;
    float y = x * x;
    float s0 = x * (((-75.39395f * y + 81.59236f) * y + -41.341663f) * y + 6.2831855f);
    float c0 = (((59.203003f * y + -85.44231f) * y + 64.93931f) * y + -19.739208f) * y + 1.0f;
    float sp = swap ? c0 : s0, cp = swap ? s0 : c0;
    *c = vs_f32_from_bits(vs_f32_bits(q & 1 ? sp : cp) ^ (q ^ q >> 1) << 31);
    *s = vs_f32_from_bits(vs_f32_bits(q & 1 ? cp : sp) ^ q >> 1 << 31);
}

/* cos and sin of 2*pi*(W2 >> 11) / 2**53 in float64, W2 = lo | hi << 32 (Taylor
 * coefficients of sin(2 pi x)/x and cos(2 pi x) in x*x, evaluated in float64).  The fixed-point
 * angle's quadrant is the top two bits of hi; the rest, below 2**51, is exact in float64. */
static const double vs_sin_series_f64[10] = {
    6.283185307179586, -41.341702240399755, 81.60524927607504, -76.70585975306136,
    42.058693944897634, -15.094642576822984, 3.8199525848482803, -0.7181223017785001,
    0.10422916220813978, -0.012031585942120619};
static const double vs_cos_series_f64[11] = {
    1.0, -19.739208802178716, 64.93939402266828, -85.45681720669371, 60.24464137187664,
    -26.426256783374388, 7.903536371318465, -1.7143907110886711, 0.282005968455791,
    -0.03638284114254564, 0.0037798342006800365};

static inline void vs_sincos_f64(uint32_t lo, uint32_t hi, double *c, double *s)
{
    const double *S = vs_sin_series_f64, *C = vs_cos_series_f64;
    uint32_t q = hi >> 30;
    int swap = (hi >> 29) & 1u;                                     /* rho >= 2**50 */
    double rho = vs_f64_from_u32(hi & 0x3FFFFFFFu) * 0x1p21 + (double)(int32_t)(lo >> 11);
    double x = (swap ? 0x1p51 - rho : rho) * 0x1p-53;
    double y = x * x;
    double ps = S[9], pc = C[10];
    for (int i = 8; i >= 0; i--) ps = ps * y + S[i];
    for (int i = 9; i >= 0; i--) pc = pc * y + C[i];
    double s0 = x * ps;
    double sp = swap ? pc : s0, cp = swap ? s0 : pc;
    *c = vs_f64_from_bits(vs_f64_bits(q & 1 ? sp : cp) ^ (uint64_t)(q ^ q >> 1) << 63);
    *s = vs_f64_from_bits(vs_f64_bits(q & 1 ? cp : sp) ^ (uint64_t)(q >> 1) << 63);
}

/* ------------------------------------------------------------------ float16 */

/* float32 -> float16 bits, round to nearest even (as NumPy's astype); no NaN occurs.
 * Branch-free so that it vectorises: results below 2**-14 come from a float addition that
 * rounds the value onto the float16 subnormal grid, the others from integer rounding of the
 * re-biased bits (a carry out of the mantissa bumps the exponent, up to infinity). */
static inline uint16_t vs_f32_to_f16(float f)
{
    const uint32_t x = vs_f32_bits(f), sign = (x >> 16) & 0x8000u, ax = x & 0x7FFFFFFFu;
    const float sub_magic = 0.5f;   /* 2**-1: its ulp is 2**-24, the float16 subnormal step */
    uint32_t sub = vs_f32_bits(vs_f32_from_bits(ax) + sub_magic) - vs_f32_bits(sub_magic);
    uint32_t normal = (ax + 0xC8000FFFu + ((ax >> 13) & 1u)) >> 13;   /* -(112 << 23) + 0xFFF */
    uint32_t h = ax < 0x38800000u ? sub : normal;
    h = ax >= 0x47800000u ? 0x7C00u : h;                                /* >= 65536: inf */
    return (uint16_t)(sign | h);
}

#endif
