/* Transforms of transforms.h on registers of lanes (GCC/Clang vector extensions of the
 * unit's register width, as philox.h): the float32 uniform and the float64 normal, whose
 * values go from the Philox rounds to their place without leaving registers (measured
 * faster there; float32 normals are faster over arrays, see vs_chunk32).  The same
 * operations in the same order give the same bits.  Selections are bit masks (C has no ?:
 * on vectors); a true vector compare is all ones. */
#ifndef VS_LANES_H
#define VS_LANES_H

#include <stdint.h>

#include "philox.h"
#include "transforms.h"

typedef int32_t vs_i32v __attribute__((vector_size(VS_VECTOR_BYTES)));
typedef float vs_f32v __attribute__((vector_size(VS_VECTOR_BYTES)));
typedef float vs_f32v_unaligned __attribute__((vector_size(VS_VECTOR_BYTES), aligned(4)));
typedef int64_t vs_i64v __attribute__((vector_size(VS_VECTOR_BYTES)));
typedef double vs_f64v __attribute__((vector_size(VS_VECTOR_BYTES)));
typedef double vs_f64v_unaligned __attribute__((vector_size(VS_VECTOR_BYTES), aligned(8)));

static inline vs_f32v vs_pick_f32v(vs_i32v mask, vs_f32v a, vs_f32v b)
{
    return (vs_f32v)((mask & (vs_i32v)a) | (~mask & (vs_i32v)b));
}

static inline vs_f64v vs_pick_f64v(vs_i64v mask, vs_f64v a, vs_f64v b)
{
    return (vs_f64v)((mask & (vs_i64v)a) | (~mask & (vs_i64v)b));
}

/* Every lane x, bit for bit (x + 0 would turn -0 into +0). */
static inline vs_f32v vs_splat_f32v(float x)
{
    return (vs_f32v)((vs_i32v){0} + (int32_t)vs_f32_bits(x));
}

static inline vs_f64v vs_sqrt_f64v(vs_f64v x)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return _mm512_sqrt_pd(x);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX__)
    return _mm256_sqrt_pd(x);
#elif VS_VECTOR_BYTES == 16 && defined(__SSE2__)
    return _mm_sqrt_pd(x);
#else
    for (int i = 0; i < VS_LANES / 2; i++) x[i] = __builtin_sqrt(x[i]);
    return x;
#endif
}

/* ------------------------------------------------------------------ uniform (vs_unit_f32) */

static inline vs_f32v vs_unit_f32v(vs_u32v w)
{
    return __builtin_convertvector((vs_i32v)(w >> 8), vs_f32v) * 0x1p-24f;
}

/* x86's max(a, b) and min(a, b) return b unless a is strictly beyond it: exactly the
 * selections of the fallbacks, signed zeros included; a clamp to [lo, hi] as
 * min(hi, max(lo, v)) returns a value inside unchanged. */
static inline vs_f32v vs_max_f32v(vs_f32v a, vs_f32v b)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return _mm512_max_ps(a, b);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX__)
    return _mm256_max_ps(a, b);
#elif VS_VECTOR_BYTES == 16 && defined(__SSE__)
    return _mm_max_ps(a, b);
#else
    return vs_pick_f32v(a > b, a, b);
#endif
}

static inline vs_f32v vs_min_f32v(vs_f32v a, vs_f32v b)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return _mm512_min_ps(a, b);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX__)
    return _mm256_min_ps(a, b);
#elif VS_VECTOR_BYTES == 16 && defined(__SSE__)
    return _mm_min_ps(a, b);
#else
    return vs_pick_f32v(a < b, a, b);
#endif
}

/* ------------------------------------------------------------------ float64 normal */

/* x[h] <- -2 ln(x[h] / 2**nbits), h < n (a constant where this is inlined), for the integers
 * x[h] of the radius (vs_log_reduce, vs_log_series): each step runs on every register in
 * turn, so that the division's long latency overlaps across registers. */
#define VS_LOG_MAX (VS_WIDE_FLIGHT * VS_WIDE)         /* a flight's registers of radii */
static inline __attribute__((always_inline)) void
vs_minus2_log_v(vs_f64v *x, int n, int nbits, int nterms)
{
    vs_f64v s[VS_LOG_MAX], e[VS_LOG_MAX];
#pragma GCC unroll 16
    for (int h = 0; h < n; h++) {
        const vs_i64v bits = (vs_i64v)x[h];
        const vs_f64v m = (vs_f64v)((bits & 0xFFFFFFFFFFFFFll) | 0x3FF0000000000000ll);
        const vs_i64v big = m >= 1.4142135623730951;
        s[h] = vs_pick_f64v(big, 0.5 * m, m) - 1.0;                 /* f */
        /* k - nbits + big: integers, so one subtraction of 2**52 + 1023 + nbits is exact */
        e[h] = ((vs_f64v)((bits >> 52) | (int64_t)VS_TWO52_BITS) - (0x1p52 + 1023 + nbits))
               + (vs_f64v)(big & (vs_i64v)((vs_f64v){0} + 1.0));
    }
#pragma GCC unroll 16
    for (int h = 0; h < n; h++) s[h] = s[h] / (2.0 + s[h]);
#pragma GCC unroll 16
    for (int h = 0; h < n; h++) {
        const vs_f64v s2 = s[h] * s[h];
        vs_f64v p = (vs_f64v){0} + vs_atanh_series[nterms - 1];
        for (int i = nterms - 2; i >= 0; i--) p = p * s2 + vs_atanh_series[i];
        p = p * s2;
        const vs_f64v t = s[h] + s[h], l = t + t * p;
        x[h] = -2.0 * (e[h] * VS_LN2_HI + (l + e[h] * VS_LN2_LO));
    }
}

/* Exact float64 of integers below 2**53 (AVX-512DQ converts them in one instruction). */
static inline vs_f64v vs_f64v_from_u53(vs_u64v v)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512DQ__)
    return _mm512_cvtepu64_pd((__m512i)v);
#else
    const vs_f64v hi = (vs_f64v)(v >> 32 | VS_TWO52_BITS) - 0x1p52;
    return hi * 0x1p32 + ((vs_f64v)((v & VS_LO32) | VS_TWO52_BITS) - 0x1p52);
#endif
}

/* The float64 radii of the 64-bit words W[i] (vs_radius_x_f64, vs_radius2_f64). */
static inline __attribute__((always_inline)) void
vs_radius_f64v(const vs_u64v *W, int n, vs_f64v *radius)
{
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) radius[i] = vs_f64v_from_u53(W[i] >> 11) + 1.0;
    vs_minus2_log_v(radius, n, 53, VS_RADIUS_TERMS_F64);
#pragma GCC unroll 16
    for (int i = 0; i < n; i++) radius[i] = vs_sqrt_f64v(radius[i]);
}

/* vs_sincos_f64 of a register of 64-bit words W2. */
static inline void vs_sincos_f64v(vs_u64v w2, vs_f64v *c, vs_f64v *s)
{
    const vs_u64v q = w2 >> 62;
    const vs_i64v swap = (vs_i64v)-(w2 >> 61 & 1u);
    const vs_f64v rho = (vs_f64v)((w2 & 0x3FFFFFFFFFFFFFFFull) >> 11 | VS_TWO52_BITS) - 0x1p52;
    const vs_f64v x = vs_pick_f64v(swap, 0x1p51 - rho, rho) * 0x1p-53, y = x * x;
    vs_f64v ps = (vs_f64v){0} + vs_sin_series_f64[9], pc = (vs_f64v){0} + vs_cos_series_f64[10];
    for (int i = 8; i >= 0; i--) ps = ps * y + vs_sin_series_f64[i];
    for (int i = 9; i >= 0; i--) pc = pc * y + vs_cos_series_f64[i];
    const vs_f64v s0 = x * ps;
    const vs_f64v sp = vs_pick_f64v(swap, pc, s0), cp = vs_pick_f64v(swap, s0, pc);
    const vs_i64v odd = (vs_i64v)-(q & 1u);
    *c = (vs_f64v)((vs_u64v)vs_pick_f64v(odd, sp, cp) ^ (q ^ q >> 1) << 63);
    *s = (vs_f64v)((vs_u64v)vs_pick_f64v(odd, cp, sp) ^ q >> 1 << 63);
}

#endif
