/* The chunk kernel: Philox blocks -> values of the output dtype.  Included once per ISA
 * translation unit (kernel_*.c), each compiling it for its own instruction set; the code
 * is the same, so are the bits.  A unit may define VS_PHILOX_ARRAYS as a hand-written
 * equivalent of vs_philox_arrays before including this file. */
#ifndef VS_KERNELS_H
#define VS_KERNELS_H

#include <stdint.h>
#include <string.h>

#include "fill.h"
#include "philox.h"
#include "transforms.h"

#ifndef VS_PHILOX_ARRAYS
#define VS_PHILOX_ARRAYS vs_philox_arrays
#endif

#define VS_TRUNC_ATTEMPTS 256         /* attempt 0 plus redraw tags 1..255 */
#define VS_MAX_BLOCKS (VS_CHUNK / 2)  /* the 64-bit family has 2 elements per block */

/* Philox words of tag-0 blocks b0 .. b0+n-1 into w[j][i]. */
static inline void vs_blocks(const vs_request *r, uint64_t b0, int n, uint32_t w[4][VS_CHUNK])
{
    for (int i = 0; i < n; i++) {
        uint64_t b = b0 + (uint64_t)i;
        w[0][i] = (uint32_t)b;
        w[1][i] = (uint32_t)(b >> 32);
        w[2][i] = (uint32_t)r->stream;
        w[3][i] = (uint32_t)(r->stream >> 32);
    }
    VS_PHILOX_ARRAYS(r->seed, n, w[0], w[1], w[2], w[3]);
}

/* Philox words of redraw `tag` of elements g_first + idx[k], k < n (block index = element). */
static inline void vs_redraw_blocks(const vs_request *r, uint64_t g_first, const int *idx, int n,
                                    uint32_t tag, uint32_t w[4][VS_CHUNK])
{
    for (int k = 0; k < n; k++) {
        uint32_t ctr[4];
        vs_counter(g_first + (uint64_t)idx[k], tag, r->stream, ctr);
        for (int j = 0; j < 4; j++) w[j][k] = ctr[j];
    }
    VS_PHILOX_ARRAYS(r->seed, n, w[0], w[1], w[2], w[3]);
}

/* Standard normal pairs (w1[i], w2[i]) -> (zc[i], zs[i]). */
static inline void vs_pairs_f32(const uint32_t *w1, const uint32_t *w2, int n, float *zc, float *zs)
{
    for (int i = 0; i < n; i++) {
        float r = vs_radius_f32(w1[i]), c, s;
        vs_sincos_f32(w2[i], &c, &s);
        zc[i] = r * c;
        zs[i] = r * s;
    }
}

/* Standard normal pairs (W1 = a0 | a1 << 32, W2 = b0 | b1 << 32) -> z[2i] (cos), z[2i+1] (sin). */
static inline void vs_pairs_f64(const uint32_t *a0, const uint32_t *a1, const uint32_t *b0,
                                const uint32_t *b1, int n, double *z)
{
    for (int i = 0; i < n; i++) {
        double r = vs_radius_f64(a0[i] | (uint64_t)a1[i] << 32), c, s;
        vs_sincos_f64(b0[i] | (uint64_t)b1[i] << 32, &c, &s);
        z[2 * i] = r * c;
        z[2 * i + 1] = r * s;
    }
}

/* Positions i < n with |z[i]| > 2 into idx; returns their count. */
static inline int vs_outside_f32(const float *z, const int *pos, int n, int *idx)
{
    int m = 0;
    for (int k = 0; k < n; k++) {
        float v = z[pos ? pos[k] : k];
        idx[m] = pos ? pos[k] : k;
        m += v > 2.0f || v < -2.0f;
    }
    return m;
}

static inline int vs_outside_f64(const double *z, const int *pos, int n, int *idx)
{
    int m = 0;
    for (int k = 0; k < n; k++) {
        double v = z[pos ? pos[k] : k];
        idx[m] = pos ? pos[k] : k;
        m += v > 2.0 || v < -2.0;
    }
    return m;
}

/* Redraw every |z| > 2 of the chunk from its own counters (tags 1..255), all rejected
 * elements of one attempt in one batch; 0 if all attempts fail. */
static inline void vs_truncate_f32(const vs_request *r, uint64_t g_first, int n, float *z)
{
    uint32_t w[4][VS_CHUNK];
    float zc[VS_CHUNK], zs[VS_CHUNK];
    int idx[VS_CHUNK], m = vs_outside_f32(z, 0, n, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        vs_redraw_blocks(r, g_first, idx, m, tag, w);
        vs_pairs_f32(w[0], w[1], m, zc, zs);
        for (int k = 0; k < m; k++) z[idx[k]] = zc[k];
        m = vs_outside_f32(z, idx, m, idx);
    }
    for (int k = 0; k < m; k++) z[idx[k]] = 0.0f;
}

static inline void vs_truncate_f64(const vs_request *r, uint64_t g_first, int n, double *z)
{
    uint32_t w[4][VS_CHUNK];
    double zz[2 * VS_CHUNK];
    int idx[VS_CHUNK], m = vs_outside_f64(z, 0, n, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        vs_redraw_blocks(r, g_first, idx, m, tag, w);
        vs_pairs_f64(w[0], w[1], w[2], w[3], m, zz);
        for (int k = 0; k < m; k++) z[idx[k]] = zz[2 * k];
        m = vs_outside_f64(z, idx, m, idx);
    }
    for (int k = 0; k < m; k++) z[idx[k]] = 0.0;
}

/* 32-bit family: element 4i+j of the chunk is word j of block i. */
static inline void vs_chunk32(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    uint32_t w[4][VS_CHUNK];
    float y[VS_CHUNK];
    const int n = 4 * nblocks;
    const float a = (float)r->a, b = (float)r->b;
    vs_blocks(r, b0, nblocks, w);
    if (r->dist == VS_UNIFORM) {
        const float range = b - a, lo = (float)r->lo, hi = (float)r->hi;
        for (int i = 0; i < nblocks; i++)
            for (int j = 0; j < 4; j++)
                y[4 * i + j] = vs_clamp_f32(a + vs_unit_f32(w[j][i]) * range, lo, hi);
    } else {
        float z[4][VS_MAX_BLOCKS];
        vs_pairs_f32(w[0], w[1], nblocks, z[0], z[1]);
        vs_pairs_f32(w[2], w[3], nblocks, z[2], z[3]);
        for (int i = 0; i < nblocks; i++)
            for (int j = 0; j < 4; j++) y[4 * i + j] = z[j][i];
        if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f32(r, 4 * b0, n, y);
        for (int i = 0; i < n; i++) y[i] = a + b * y[i];
    }
    if (r->dtype == VS_F32) memcpy(buf, y, (size_t)n * sizeof(float));
    else for (int i = 0; i < n; i++) ((uint16_t *)buf)[i] = vs_f32_to_f16(y[i]);
}

/* 64-bit family: element 2i is word0 | word1 << 32 of block i, element 2i+1 word2 | word3 << 32
 * (for normals: block i is one Box-Muller pair). */
static inline void vs_chunk64(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    uint32_t w[4][VS_CHUNK];
    const int n = 2 * nblocks;
    vs_blocks(r, b0, nblocks, w);
    if (r->dtype == VS_I32 || r->dtype == VS_I64) {
        for (int i = 0; i < n; i++) {
            const uint32_t *lo = w[2 * (i & 1)], *hi = w[2 * (i & 1) + 1];
            uint64_t v = (uint64_t)r->imin + vs_mulhi64(lo[i >> 1] | (uint64_t)hi[i >> 1] << 32, r->irange);
            if (r->dtype == VS_I32) ((int32_t *)buf)[i] = (int32_t)(uint32_t)v;
            else ((int64_t *)buf)[i] = (int64_t)v;
        }
        return;
    }
    double *y = buf;
    if (r->dist == VS_UNIFORM) {
        const double a = r->a, range = r->b - r->a, lo = r->lo, hi = r->hi;
        for (int i = 0; i < nblocks; i++) {
            y[2 * i] = vs_clamp_f64(a + vs_unit_f64(w[0][i] | (uint64_t)w[1][i] << 32) * range, lo, hi);
            y[2 * i + 1] = vs_clamp_f64(a + vs_unit_f64(w[2][i] | (uint64_t)w[3][i] << 32) * range, lo, hi);
        }
        return;
    }
    vs_pairs_f64(w[0], w[1], w[2], w[3], nblocks, y);
    if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f64(r, 2 * b0, n, y);
    for (int i = 0; i < n; i++) y[i] = r->a + r->b * y[i];
}

static inline void vs_chunk(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    if (r->dtype == VS_F16 || r->dtype == VS_F32) vs_chunk32(r, b0, nblocks, buf);
    else vs_chunk64(r, b0, nblocks, buf);
}

#endif
