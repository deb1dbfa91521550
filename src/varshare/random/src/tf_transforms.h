/* TensorFlow's Philox word -> number conversions (tsl/lib/random/random_distributions),
 * re-derived from their specification in docs/tf-mode.md.  Unlike transforms.h these call
 * the C library's logf/log and sincosf/sincos, because TensorFlow does: results are those of
 * TensorFlow on the same platform's libm.  Build with -ffp-contract=off; on glibc the
 * including file defines _GNU_SOURCE before any header. */
#ifndef VS_TF_TRANSFORMS_H
#define VS_TF_TRANSFORMS_H

#include <math.h>                    /* with _GNU_SOURCE defined first: sincosf, sincos */
#include <stdint.h>
#include <string.h>

#define VS_TF_PI 3.14159265358979323846

/* 23 random mantissa bits: 1.m - 1 in [0, 1). */
static inline float vs_tf_unit_f32(uint32_t w)
{
    uint32_t bits = 0x3F800000u | (w & 0x7FFFFFu);
    float f;
    memcpy(&f, &bits, 4);
    return f - 1.0f;
}

/* 52 random mantissa bits: the low 20 bits of hi, then lo; 1.m - 1 in [0, 1). */
static inline double vs_tf_unit_f64(uint32_t hi, uint32_t lo)
{
    uint64_t bits = 0x3FF0000000000000ull | (uint64_t)(hi & 0xFFFFFu) << 32 | lo;
    double d;
    memcpy(&d, &bits, 8);
    return d - 1.0;
}

/* float16's 1.m - 1 from the low 10 bits of w, exactly, as a float. */
static inline float vs_tf_unit_f16(uint32_t w) { return (float)(w & 0x3FFu) * 0x1p-10f; }

/* Box-Muller on float32: (sin, cos) of 2*pi*u2 (angle rounded from float64 to float32)
 * times sqrtf(-2 logf(u1)), u1 raised to 1e-7. */
static inline void vs_tf_box_muller_f32(uint32_t x0, uint32_t x1, float *z0, float *z1)
{
    float u1 = vs_tf_unit_f32(x0);
    if (u1 < 1.0e-7f) u1 = 1.0e-7f;
    const float angle = (float)(2.0 * VS_TF_PI * (double)vs_tf_unit_f32(x1));
    const float radius = sqrtf(-2.0f * logf(u1));
#ifdef __linux__
    sincosf(angle, z0, z1);
#else
    *z0 = sinf(angle);
    *z1 = cosf(angle);
#endif
    *z0 *= radius;
    *z1 *= radius;
}

/* Box-Muller on float64 from four words: u1 from (x0, x1), the angle from (x2, x3). */
static inline void vs_tf_box_muller_f64(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3,
                                        double *z0, double *z1)
{
    double u1 = vs_tf_unit_f64(x0, x1);
    if (u1 < 1.0e-7) u1 = 1.0e-7;
    const double angle = 2.0 * VS_TF_PI * vs_tf_unit_f64(x2, x3);
    const double radius = sqrt(-2.0 * log(u1));
#ifdef __linux__
    sincos(angle, z0, z1);
#else
    *z0 = sin(angle);
    *z1 = cos(angle);
#endif
    *z0 *= radius;
    *z1 *= radius;
}

/* float16 bits -> float32, exactly. */
static inline float vs_tf_f16_to_f32(uint16_t h)
{
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
    if (e == 0) return sign ? -(float)m * 0x1p-24f : (float)m * 0x1p-24f;
    uint32_t bits = sign | (e == 31 ? 0x7F800000u : (e + 112u) << 23) | m << 13;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

#endif
