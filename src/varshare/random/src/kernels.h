/* The chunk kernel: Philox blocks -> values of the output dtype.  Included once per ISA
 * translation unit (kernel_*.c), each compiling it for its own instruction set; the code
 * is the same, so are the bits.  A unit may define VS_PHILOX_ARRAYS / VS_PHILOX_BLOCKS as
 * hand-written equivalents of vs_philox_arrays / vs_philox_blocks before including it. */
#ifndef VS_KERNELS_H
#define VS_KERNELS_H

#include <stdint.h>
#include <string.h>

#include "fill.h"
#include "philox.h"
#include "transforms.h"

#ifndef VS_PHILOX_ARRAYS
#define VS_PHILOX_ARRAYS vs_philox_arrays
#define VS_PHILOX_BLOCKS vs_philox_blocks
#endif

#define VS_TRUNC_ATTEMPTS 256         /* attempt 0 plus redraw tags 1..255 */

/* Philox words of tag-0 blocks b0 .. b0+n-1 into w[j][i]. */
static inline void vs_blocks(const vs_request *r, uint64_t b0, int n, uint32_t w[4][VS_CHUNK])
{
    VS_PHILOX_BLOCKS(r->seed, r->stream, b0, n, w[0], w[1], w[2], w[3]);
}

/* Philox words of redraw `tag` of elements g_first + idx[k], k < n (block index = element),
 * padded with zero counters to a multiple of 16 so that no scalar remainder loop runs;
 * returns the padded count. */
static inline int vs_redraw_blocks(const vs_request *r, uint64_t g_first, const int *idx, int n,
                                   uint32_t tag, uint32_t w[4][VS_CHUNK])
{
    const int padded = (n + 15) & ~15;
    for (int k = 0; k < n; k++) {
        uint64_t g = g_first + (uint64_t)idx[k];
        w[0][k] = (uint32_t)g;
        w[1][k] = (uint32_t)(g >> 32) | (tag << 24);
        w[2][k] = (uint32_t)r->stream;
        w[3][k] = (uint32_t)(r->stream >> 32);
    }
    for (int j = 0; j < 4; j++) memset(w[j] + n, 0, (size_t)(padded - n) * sizeof(uint32_t));
    VS_PHILOX_ARRAYS(r->seed, padded, w[0], w[1], w[2], w[3]);
    return padded;
}

#define VS_BATCH 64                   /* radii per pass of vs_minus2_log: temporaries stay in L1 */

/* y[i] <- -2 ln(y[i] / 2**nbits), i < n <= VS_BATCH, for the integers y[i] of the radius:
 * the reduction and the series run as separate passes (see vs_log_reduce). */
static inline void vs_minus2_log(double *y, int n, int nbits, int nterms)
{
    double s[VS_BATCH], e[VS_BATCH];
    for (int i = 0; i < n; i++) vs_log_reduce(y[i], nbits, &s[i], &e[i]);
    for (int i = 0; i < n; i++) y[i] = -2.0 * vs_log_series(s[i], e[i], nterms);
}

/* Squared radii -2 ln u of the float32 pairs' first words w1[i] into r2[i]. */
static inline void vs_radius2_f32(const uint32_t *w1, int n, double *r2)
{
    for (int b = 0; b < n; b += VS_BATCH) {
        const int m = n - b < VS_BATCH ? n - b : VS_BATCH;
        for (int i = 0; i < m; i++) r2[b + i] = vs_radius_x_f32(w1[b + i]);
        vs_minus2_log(r2 + b, m, 32, VS_RADIUS_TERMS_F32);
    }
}

/* Squared radii of the float64 pairs' first words W1 = lo[i] | hi[i] << 32 into r2[i]. */
static inline void vs_radius2_f64(const uint32_t *lo, const uint32_t *hi, int n, double *r2)
{
    for (int b = 0; b < n; b += VS_BATCH) {
        const int m = n - b < VS_BATCH ? n - b : VS_BATCH;
        for (int i = 0; i < m; i++) r2[b + i] = vs_radius_x_f64(lo[b + i], hi[b + i]);
        vs_minus2_log(r2 + b, m, 53, VS_RADIUS_TERMS_F64);
    }
}

/* Standard normal pairs (zc[i], zs[i]) from squared radii r2[i] and angle words w2[i]. */
static inline void vs_pairs_f32(const double *r2, const uint32_t *w2, int n, float *zc, float *zs)
{
    for (int i = 0; i < n; i++) {
        float r = (float)__builtin_sqrt(r2[i]), c, s;
        vs_sincos_f32(w2[i], &c, &s);
        zc[i] = r * c;
        zs[i] = r * s;
    }
}

/* The same in float64, angle words W2 = b0[i] | b1[i] << 32. */
static inline void vs_pairs_f64(const double *r2, const uint32_t *b0, const uint32_t *b1, int n,
                                double *zc, double *zs)
{
    for (int i = 0; i < n; i++) {
        double r = __builtin_sqrt(r2[i]), c, s;
        vs_sincos_f64(b0[i], b1[i], &c, &s);
        zc[i] = r * c;
        zs[i] = r * s;
    }
}

/* Index of the lowest set bit of x != 0. */
static inline int vs_ctz64(uint64_t x)
{
#if defined(__GNUC__)
    return __builtin_ctzll(x);
#else
    int i = 0;
    while (!(x & 1)) { x >>= 1; i++; }
    return i;
#endif
}

/* Positions i < n (a multiple of 8) of the set flags (0/1 bytes) into idx; returns their
 * count.  Few flags are set: 8 are tested at once as a 64-bit word, and only set ones are
 * visited. */
static inline int vs_flagged(const uint8_t *flag, int n, int *idx)
{
    int m = 0;
    for (int base = 0; base < n; base += 8) {
        uint64_t x;
        memcpy(&x, flag + base, 8);
        for (; x; x &= x - 1) idx[m++] = base + (vs_ctz64(x) >> 3);
    }
    return m;
}

/* Positions of |z[i]| > 2, i < n (a multiple of 16). */
static inline int vs_outside_f32(const float *z, int n, int *idx)
{
    uint8_t flag[VS_CHUNK];
    for (int i = 0; i < n; i++) flag[i] = (uint8_t)((z[i] > 2.0f) | (z[i] < -2.0f));
    return vs_flagged(flag, n, idx);
}

static inline int vs_outside_f64(const double *z, int n, int *idx)
{
    uint8_t flag[VS_CHUNK];
    for (int i = 0; i < n; i++) flag[i] = (uint8_t)((z[i] > 2.0) | (z[i] < -2.0));
    return vs_flagged(flag, n, idx);
}

/* Redraw every |z| > 2 of the chunk from its own counters (tags 1..255), all rejected
 * elements of one attempt in one batch; 0 if all attempts fail. */
static inline void vs_truncate_f32(const vs_request *r, uint64_t g_first, int n, float *z)
{
    uint32_t w[4][VS_CHUNK];
    double r2[VS_CHUNK];
    float zc[VS_CHUNK], zs[VS_CHUNK];
    int idx[VS_CHUNK], m = vs_outside_f32(z, n, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        const int padded = vs_redraw_blocks(r, g_first, idx, m, tag, w);
        vs_radius2_f32(w[0], padded, r2);
        vs_pairs_f32(r2, w[1], padded, zc, zs);
        int still = 0;
        for (int k = 0; k < m; k++) {
            z[idx[k]] = zc[k];
            idx[still] = idx[k];
            still += zc[k] > 2.0f || zc[k] < -2.0f;
        }
        m = still;
    }
    for (int k = 0; k < m; k++) z[idx[k]] = 0.0f;
}

static inline void vs_truncate_f64(const vs_request *r, uint64_t g_first, int n, double *z)
{
    uint32_t w[4][VS_CHUNK];
    double r2[VS_CHUNK], zc[VS_CHUNK], zs[VS_CHUNK];
    int idx[VS_CHUNK], m = vs_outside_f64(z, n, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        const int padded = vs_redraw_blocks(r, g_first, idx, m, tag, w);
        vs_radius2_f64(w[0], w[1], padded, r2);
        vs_pairs_f64(r2, w[2], w[3], padded, zc, zs);
        int still = 0;
        for (int k = 0; k < m; k++) {
            z[idx[k]] = zc[k];
            idx[still] = idx[k];
            still += zc[k] > 2.0 || zc[k] < -2.0;
        }
        m = still;
    }
    for (int k = 0; k < m; k++) z[idx[k]] = 0.0;
}

/* Groups G0 .. G0+ngroups-1 of the 32-bit family: group k holds blocks 16k .. 16k+15 of the
 * chunk, and its element 16j + i is word j of block 16k + i. */
static inline void vs_chunk32(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    uint32_t w[4][VS_CHUNK];
    double r2[2][VS_CHUNK / 4];
    float tmp[VS_CHUNK];
    float *y = r->dtype == VS_F32 ? (float *)buf : tmp;    /* float16 rounds at the end */
    const int n = 64 * ngroups;
    const float a = (float)r->a, b = (float)r->b;
    vs_blocks(r, 16 * G0, 16 * ngroups, w);
    if (r->dist != VS_UNIFORM) {
        vs_radius2_f32(w[0], 16 * ngroups, r2[0]);
        vs_radius2_f32(w[2], 16 * ngroups, r2[1]);
    }
    for (int k = 0; k < ngroups; k++) {
        float *yk = y + 64 * k;
        const int o = 16 * k;
        if (r->dist == VS_UNIFORM) {
            const float range = b - a, lo = (float)r->lo, hi = (float)r->hi;
            for (int j = 0; j < 4; j++)
                for (int i = 0; i < 16; i++)
                    yk[16 * j + i] = vs_clamp_f32(a + vs_unit_f32(w[j][o + i]) * range, lo, hi);
        } else {
            vs_pairs_f32(r2[0] + o, w[1] + o, 16, yk, yk + 16);
            vs_pairs_f32(r2[1] + o, w[3] + o, 16, yk + 32, yk + 48);
        }
    }
    if (r->dist != VS_UNIFORM) {
        if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f32(r, 64 * G0, n, y);
        for (int i = 0; i < n; i++) y[i] = a + b * y[i];
    }
    if (r->dtype == VS_F16)
        for (int i = 0; i < n; i++) ((uint16_t *)buf)[i] = vs_f32_to_f16(y[i]);
}

/* The 64-bit word of element 16h + i of the group at block offset o. */
static inline uint64_t vs_word64(const uint32_t w[4][VS_CHUNK], int o, int h, int i)
{
    return w[2 * h][o + i] | (uint64_t)w[2 * h + 1][o + i] << 32;
}

/* Groups of the 64-bit family: element 16h + i of group k is word 2h | word 2h+1 << 32 of
 * block 16k + i (for normals: the cosine and the sine of the block's pair). */
static inline void vs_chunk64(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    uint32_t w[4][VS_CHUNK];
    const int n = 32 * ngroups;
    vs_blocks(r, 16 * G0, 16 * ngroups, w);
    if (r->dtype == VS_I32 || r->dtype == VS_I64) {
        for (int e = 0; e < n; e++) {
            uint64_t v = (uint64_t)r->imin + vs_mulhi64(vs_word64(w, 16 * (e / 32), e / 16 % 2, e % 16), r->irange);
            if (r->dtype == VS_I32) ((int32_t *)buf)[e] = (int32_t)(uint32_t)v;
            else ((int64_t *)buf)[e] = (int64_t)v;
        }
        return;
    }
    double *y = buf, r2[VS_CHUNK / 2];
    if (r->dist != VS_UNIFORM) vs_radius2_f64(w[0], w[1], 16 * ngroups, r2);
    for (int k = 0; k < ngroups; k++) {
        double *yk = y + 32 * k;
        const int o = 16 * k;
        if (r->dist == VS_UNIFORM) {
            const double a = r->a, range = r->b - r->a, lo = r->lo, hi = r->hi;
            for (int h = 0; h < 2; h++)
                for (int i = 0; i < 16; i++)
                    yk[16 * h + i] = vs_clamp_f64(
                        a + vs_unit_f64(w[2 * h][o + i], w[2 * h + 1][o + i]) * range, lo, hi);
        } else {
            vs_pairs_f64(r2 + o, w[2] + o, w[3] + o, 16, yk, yk + 16);
        }
    }
    if (r->dist == VS_UNIFORM) return;
    if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f64(r, 32 * G0, n, y);
    for (int i = 0; i < n; i++) y[i] = r->a + r->b * y[i];
}

static inline void vs_chunk(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    if (r->dtype == VS_F16 || r->dtype == VS_F32) vs_chunk32(r, G0, ngroups, buf);
    else vs_chunk64(r, G0, ngroups, buf);
}

#endif
