/* Portable fill kernels.  Work is cut into chunks of whole Philox blocks; each chunk is
 * generated into a small typed buffer and copied to its (possibly strided) place, so any
 * window of any layout costs time proportional to its size. */
#include "fill.h"

#include <string.h>

#include "omp_shim.h"
#include "philox.h"
#include "transforms.h"

#define VS_CHUNK 256                  /* elements per chunk (a multiple of 4) */
#define VS_TRUNC_ATTEMPTS 256         /* attempt 0 plus redraw tags 1..255 */
#define VS_SPAN_ALIGN 1024            /* thread spans start on multiples of this */

static int elems_per_block(const vs_request *r)
{
    return (r->dtype == VS_F16 || r->dtype == VS_F32) ? 4 : 2;
}

static int item_size(int dtype)
{
    static const int sizes[] = {2, 4, 8, 4, 8};
    return sizes[dtype];
}

/* ------------------------------------------------------------------ chunk transforms
 * Each fills v[0 .. 4*nblocks) or v[0 .. 2*nblocks) from words w[0 .. 4*nblocks). */

static void std_normal_f32(const uint32_t *w, int nblocks, float *z)
{
    for (int p = 0; p < 2 * nblocks; p++) {
        float r = vs_radius_f32(w[2 * p]), c, s;
        vs_sincos_f32(w[2 * p + 1], &c, &s);
        z[2 * p] = r * c;
        z[2 * p + 1] = r * s;
    }
}

static void std_normal_f64(const uint32_t *w, int nblocks, double *z)
{
    for (int b = 0; b < nblocks; b++) {
        const uint32_t *x = w + 4 * b;
        double r = vs_radius_f64(x[0] | (uint64_t)x[1] << 32), c, s;
        vs_sincos_f64(x[2] | (uint64_t)x[3] << 32, &c, &s);
        z[2 * b] = r * c;
        z[2 * b + 1] = r * s;
    }
}

/* Redraw attempt `tag` of element g: its own block, cosine branch of the first pair. */
static float redraw_f32(const vs_request *r, uint64_t g, uint32_t tag)
{
    uint32_t w[4];
    float cos_, sin_;
    vs_philox_blocks(r->seed, r->stream, tag, g, 1, w);
    vs_sincos_f32(w[1], &cos_, &sin_);
    return vs_radius_f32(w[0]) * cos_;
}

static double redraw_f64(const vs_request *r, uint64_t g, uint32_t tag)
{
    uint32_t w[4];
    double cos_, sin_;
    vs_philox_blocks(r->seed, r->stream, tag, g, 1, w);
    vs_sincos_f64(w[2] | (uint64_t)w[3] << 32, &cos_, &sin_);
    return vs_radius_f64(w[0] | (uint64_t)w[1] << 32) * cos_;
}

static void truncate_f32(const vs_request *r, uint64_t g_first, int n, float *z)
{
    for (int i = 0; i < n; i++) {
        uint32_t tag = 1;
        while (fabsf(z[i]) > 2.0f && tag < VS_TRUNC_ATTEMPTS) z[i] = redraw_f32(r, g_first + i, tag++);
        if (fabsf(z[i]) > 2.0f) z[i] = 0.0f;
    }
}

static void truncate_f64(const vs_request *r, uint64_t g_first, int n, double *z)
{
    for (int i = 0; i < n; i++) {
        uint32_t tag = 1;
        while (fabs(z[i]) > 2.0 && tag < VS_TRUNC_ATTEMPTS) z[i] = redraw_f64(r, g_first + i, tag++);
        if (fabs(z[i]) > 2.0) z[i] = 0.0;
    }
}

/* ------------------------------------------------------------------ one chunk */

/* Plain compares (no NaN can occur): fminf/fmaxf would be library calls. */
static inline float clamp_f32(float v, float lo, float hi) { v = v < lo ? lo : v; return v > hi ? hi : v; }
static inline double clamp_f64(double v, double lo, double hi) { v = v < lo ? lo : v; return v > hi ? hi : v; }

/* Elements of blocks b0 .. b0+nblocks-1, in the output dtype, into buf. */
static void chunk(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    uint32_t w[4 * VS_CHUNK / 2];
    vs_philox_blocks(r->seed, r->stream, 0, b0, nblocks, w);
    int n = nblocks * elems_per_block(r);
    uint64_t g_first = b0 * (uint64_t)elems_per_block(r);

    if (r->dtype == VS_I32 || r->dtype == VS_I64) {
        for (int i = 0; i < n; i++) {
            uint64_t v = (uint64_t)r->imin + vs_mulhi64(w[2 * i] | (uint64_t)w[2 * i + 1] << 32, r->irange);
            if (r->dtype == VS_I32) ((int32_t *)buf)[i] = (int32_t)(uint32_t)v;
            else ((int64_t *)buf)[i] = (int64_t)v;
        }
        return;
    }
    if (r->dtype == VS_F64) {
        double *y = buf;
        if (r->dist == VS_UNIFORM) {
            double mn = r->a, range = r->b - r->a;
            for (int i = 0; i < n; i++) {
                double v = mn + vs_unit_f64(w[2 * i] | (uint64_t)w[2 * i + 1] << 32) * range;
                y[i] = clamp_f64(v, r->lo, r->hi);
            }
            return;
        }
        std_normal_f64(w, nblocks, y);
        if (r->dist == VS_TRUNCATED_NORMAL) truncate_f64(r, g_first, n, y);
        for (int i = 0; i < n; i++) y[i] = r->a + r->b * y[i];
        return;
    }
    /* float16 / float32: computed in float32 */
    float y[VS_CHUNK];
    float a = (float)r->a, b = (float)r->b;
    if (r->dist == VS_UNIFORM) {
        float range = b - a, lo = (float)r->lo, hi = (float)r->hi;
        for (int i = 0; i < n; i++) y[i] = clamp_f32(a + vs_unit_f32(w[i]) * range, lo, hi);
    } else {
        std_normal_f32(w, nblocks, y);
        if (r->dist == VS_TRUNCATED_NORMAL) truncate_f32(r, g_first, n, y);
        for (int i = 0; i < n; i++) y[i] = a + b * y[i];
    }
    if (r->dtype == VS_F32) memcpy(buf, y, (size_t)n * sizeof(float));
    else for (int i = 0; i < n; i++) ((uint16_t *)buf)[i] = vs_f32_to_f16(y[i]);
}

/* Elements g .. g+n-1 to dst, dst + stride, ... (stride in bytes). */
static void run(const vs_request *r, uint64_t g, int64_t n, char *dst, int64_t stride)
{
    const int epb = elems_per_block(r), isz = item_size(r->dtype);
    const int max_blocks = VS_CHUNK / epb;
    double buf[VS_CHUNK];                       /* room for VS_CHUNK of any dtype */
    while (n > 0) {
        int skip = (int)(g % (uint64_t)epb);
        int64_t want = skip + n;
        int nblocks = want >= (int64_t)max_blocks * epb ? max_blocks : (int)((want + epb - 1) / epb);
        int take = nblocks * epb - skip;
        if (take > n) take = (int)n;
        chunk(r, g / (uint64_t)epb, nblocks, buf);
        const char *src = (const char *)buf + (size_t)skip * isz;
        if (stride == isz) {
            memcpy(dst, src, (size_t)take * isz);
        } else {
            for (int i = 0; i < take; i++) memcpy(dst + i * stride, src + (size_t)i * isz, isz);
        }
        g += take;
        n -= take;
        dst += take * stride;
    }
}

/* Window elements begin .. end-1, row by row (the last axis is contiguous in g). */
static void span(const vs_request *r, int64_t begin, int64_t end)
{
    const int last = r->ndim - 1;
    int64_t idx[VS_MAXDIM];
    int64_t rem = begin;
    for (int d = last; d >= 0; d--) {
        idx[d] = rem % r->shape[d];
        rem /= r->shape[d];
    }
    int64_t pos = begin;
    while (pos < end) {
        uint64_t g = r->g0;
        char *dst = r->out;
        for (int d = 0; d <= last; d++) {
            g += (uint64_t)(idx[d] * r->gstride[d]);
            dst += idx[d] * r->ostride[d];
        }
        int64_t n = r->shape[last] - idx[last];
        if (n > end - pos) n = end - pos;
        run(r, g, n, dst, r->ostride[last]);
        pos += n;
        idx[last] += n;
        for (int d = last; d > 0 && idx[d] == r->shape[d]; d--) {
            idx[d] = 0;
            idx[d - 1]++;
        }
    }
}

int vs_fill(const vs_request *r, int64_t begin, int64_t end, int nthreads)
{
    int used = 1;
    if (end <= begin) return 0;
    if (nthreads <= 1) {
        span(r, begin, end);
        return 1;
    }
#ifdef _OPENMP
#pragma omp parallel num_threads(nthreads)
    {
        int t = omp_get_thread_num(), nt = omp_get_num_threads();
        int64_t per = ((end - begin) / nt + VS_SPAN_ALIGN - 1) / VS_SPAN_ALIGN * VS_SPAN_ALIGN;
        int64_t s = begin + per * t, e = s + per;
        if (e > end) e = end;
        if (s < e) span(r, s, e);
        if (t == 0) used = nt;
    }
#else
    span(r, begin, end);
#endif
    return used;
}
