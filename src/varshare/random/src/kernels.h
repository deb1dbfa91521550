/* The chunk kernel: Philox blocks -> values of the output dtype.  Included once per ISA
 * translation unit (kernel_*.c), each compiling it for its own instruction set; the code
 * is the same, so are the bits. */
#ifndef VS_KERNELS_H
#define VS_KERNELS_H

#include <stdint.h>
#include <string.h>

#include "fill.h"
#include "philox.h"
#include "transforms.h"

#define VS_TRUNC_ATTEMPTS 256         /* attempt 0 plus redraw tags 1..255 */
#define VS_MAX_BLOCKS (VS_CHUNK / 2)  /* the 64-bit family has 2 elements per block */

/* Redraw attempt `tag` of element g: its own block, cosine branch of the first pair. */
static inline float vs_redraw_f32(const vs_request *r, uint64_t g, uint32_t tag)
{
    uint32_t ctr[4], key[2] = {(uint32_t)r->seed, (uint32_t)(r->seed >> 32)}, w[4];
    float c, s;
    vs_counter(g, tag, r->stream, ctr);
    vs_philox4x32_10(ctr, key, w);
    vs_sincos_f32(w[1], &c, &s);
    return vs_radius_f32(w[0]) * c;
}

static inline double vs_redraw_f64(const vs_request *r, uint64_t g, uint32_t tag)
{
    uint32_t ctr[4], key[2] = {(uint32_t)r->seed, (uint32_t)(r->seed >> 32)}, w[4];
    double c, s;
    vs_counter(g, tag, r->stream, ctr);
    vs_philox4x32_10(ctr, key, w);
    vs_sincos_f64(w[2] | (uint64_t)w[3] << 32, &c, &s);
    return vs_radius_f64(w[0] | (uint64_t)w[1] << 32) * c;
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

/* 32-bit family: element 4i+j of the chunk is word j of block i. */
static inline void vs_chunk32(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    uint32_t w[4][VS_MAX_BLOCKS];
    float y[VS_CHUNK];
    const int n = 4 * nblocks;
    const float a = (float)r->a, b = (float)r->b;
    vs_philox_blocks(r->seed, r->stream, b0, nblocks, w[0], w[1], w[2], w[3]);
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
        if (r->dist == VS_TRUNCATED_NORMAL) {
            for (int i = 0; i < n; i++) {
                for (uint32_t tag = 1; (y[i] > 2.0f || y[i] < -2.0f) && tag < VS_TRUNC_ATTEMPTS; tag++)
                    y[i] = vs_redraw_f32(r, 4 * b0 + (uint64_t)i, tag);
                if (y[i] > 2.0f || y[i] < -2.0f) y[i] = 0.0f;
            }
        }
        for (int i = 0; i < n; i++) y[i] = a + b * y[i];
    }
    if (r->dtype == VS_F32) memcpy(buf, y, (size_t)n * sizeof(float));
    else for (int i = 0; i < n; i++) ((uint16_t *)buf)[i] = vs_f32_to_f16(y[i]);
}

/* 64-bit family: element 2i is word0 | word1 << 32 of block i, element 2i+1 word2 | word3 << 32
 * (for normals: block i is one Box-Muller pair). */
static inline void vs_chunk64(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    uint32_t w[4][VS_MAX_BLOCKS];
    const int n = 2 * nblocks;
    vs_philox_blocks(r->seed, r->stream, b0, nblocks, w[0], w[1], w[2], w[3]);
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
    if (r->dist == VS_TRUNCATED_NORMAL) {
        for (int i = 0; i < n; i++) {
            for (uint32_t tag = 1; (y[i] > 2.0 || y[i] < -2.0) && tag < VS_TRUNC_ATTEMPTS; tag++)
                y[i] = vs_redraw_f64(r, 2 * b0 + (uint64_t)i, tag);
            if (y[i] > 2.0 || y[i] < -2.0) y[i] = 0.0;
        }
    }
    for (int i = 0; i < n; i++) y[i] = r->a + r->b * y[i];
}

static inline void vs_chunk(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    if (r->dtype == VS_F16 || r->dtype == VS_F32) vs_chunk32(r, b0, nblocks, buf);
    else vs_chunk64(r, b0, nblocks, buf);
}

#endif
