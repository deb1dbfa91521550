/* TensorFlow's Philox random ops, multi-threaded.  TensorFlow generates output in groups:
 * 4 values per group for 32-bit dtypes and float16, 2 for 64-bit ones.  Group k of a
 * fixed-cost distribution reads Philox block k; group k of the truncated normal reads words
 * one by one from block k * 256 (float64: k * 128) on, as many as its rejection loop needs.
 * So a group depends on nothing but its index, and any split of the groups between threads
 * gives TensorFlow's bits.  fill.c's walker drives the chunk kernel below over any window. */
#define _GNU_SOURCE 1

#include "tf_fill.h"

#include <string.h>

#include "philox.h"
#include "tf_transforms.h"
#include "transforms.h"

#define TF_BLOCKS (VS_CHUNK / 2)      /* Philox blocks per chunk, at most */
#define TF_TRUNC_WORDS 1024           /* words TF reserves per truncated-normal float32 group */

static int group_size(int dtype) { return dtype == VS_F64 || dtype == VS_I64 ? 2 : 4; }

/* Words of blocks b0 .. b0+n-1 into w[j][i] (the arrays hold n rounded up to whole lanes). */
static void blocks(const vs_request *r, uint64_t b0, int n, uint32_t w[4][TF_BLOCKS])
{
    int lanes = (n + VS_PHILOX_LANES - 1) / VS_PHILOX_LANES * VS_PHILOX_LANES;
    vs_philox_blocks(r->seed, r->stream, b0, lanes, w[0], w[1], w[2], w[3]);
}

/* The words of one generator, one at a time, from block `block` on. */
typedef struct {
    uint32_t key[2], ctr[4], w[4];
    uint64_t block;
    int used;
} tf_words;

static void words_init(tf_words *s, const vs_request *r, uint64_t block)
{
    s->key[0] = (uint32_t)r->seed;
    s->key[1] = (uint32_t)(r->seed >> 32);
    s->ctr[2] = (uint32_t)r->stream;
    s->ctr[3] = (uint32_t)(r->stream >> 32);
    s->block = block;
    s->used = 4;
}

static uint32_t next_word(tf_words *s)
{
    if (s->used == 4) {
        s->ctr[0] = (uint32_t)s->block;
        s->ctr[1] = (uint32_t)(s->block >> 32);
        vs_philox4x32_10(s->ctr, s->key, s->w);
        s->block++;
        s->used = 0;
    }
    return s->w[s->used++];
}

/* Truncated normal group k: Box-Muller pairs in order, each value kept if |z| < 2. */
static void truncated_f32(const vs_request *r, uint64_t k, float z[4])
{
    tf_words s;
    words_init(&s, r, k * (TF_TRUNC_WORDS / 4));
    for (int n = 0;;) {
        uint32_t x0 = next_word(&s), x1 = next_word(&s);
        float f[2];
        vs_tf_box_muller_f32(x0, x1, &f[0], &f[1]);
        for (int j = 0; j < 2; j++) {
            if (fabsf(f[j]) < 2.0f) {
                z[n++] = f[j];
                if (n == 4) return;
            }
        }
    }
}

static void truncated_f64(const vs_request *r, uint64_t k, double z[2])
{
    tf_words s;
    words_init(&s, r, k * (TF_TRUNC_WORDS / 8));
    for (int n = 0;;) {
        uint32_t x0 = next_word(&s), x1 = next_word(&s), x2 = next_word(&s), x3 = next_word(&s);
        double f[2];
        vs_tf_box_muller_f64(x0, x1, x2, x3, &f[0], &f[1]);
        for (int j = 0; j < 2; j++) {
            if (fabs(f[j]) < 2.0) {
                z[n++] = f[j];
                if (n == 2) return;
            }
        }
    }
}

/* Raw float32 values (uniform, normal, truncated normal) of groups k0 .. k0+n-1. */
static void raw_f32(const vs_request *r, uint64_t k0, int n, float *x)
{
    if (r->dist == VS_TRUNCATED_NORMAL) {
        for (int i = 0; i < n; i++) truncated_f32(r, k0 + (uint64_t)i, x + 4 * i);
        return;
    }
    uint32_t w[4][TF_BLOCKS];
    blocks(r, k0, n, w);
    for (int i = 0; i < n; i++, x += 4) {
        if (r->dist == VS_NORMAL) {
            vs_tf_box_muller_f32(w[0][i], w[1][i], &x[0], &x[1]);
            vs_tf_box_muller_f32(w[2][i], w[3][i], &x[2], &x[3]);
        } else {
            for (int j = 0; j < 4; j++)
                x[j] = r->dtype == VS_F16 ? vs_tf_unit_f16(w[j][i]) : vs_tf_unit_f32(w[j][i]);
        }
    }
}

static void raw_f64(const vs_request *r, uint64_t k0, int n, double *x)
{
    if (r->dist == VS_TRUNCATED_NORMAL) {
        for (int i = 0; i < n; i++) truncated_f64(r, k0 + (uint64_t)i, x + 2 * i);
        return;
    }
    uint32_t w[4][TF_BLOCKS];
    blocks(r, k0, n, w);
    for (int i = 0; i < n; i++, x += 2) {
        if (r->dist == VS_NORMAL) {
            vs_tf_box_muller_f64(w[0][i], w[1][i], w[2][i], w[3][i], &x[0], &x[1]);
        } else {
            x[0] = vs_tf_unit_f64(w[0][i], w[1][i]);
            x[1] = vs_tf_unit_f64(w[2][i], w[3][i]);
        }
    }
}

static float round_f16(float x) { return vs_tf_f16_to_f32(vs_f32_to_f16(x)); }

/* Values of groups k0 .. k0+n-1 in the output dtype into buf. */
static void chunk(const vs_request *r, uint64_t k0, int n, void *buf)
{
    const int count = n * group_size(r->dtype);
    if (r->dtype == VS_F16 || r->dtype == VS_F32) {
        float x[VS_CHUNK], a = (float)r->p.affine.scale, b = (float)r->p.affine.shift;
        raw_f32(r, k0, n, x);
        if (r->dtype == VS_F32) {
            float *out = buf;
            for (int i = 0; i < count; i++) out[i] = x[i] * a + b;
        } else {
            uint16_t *out = buf;
            for (int i = 0; i < count; i++) out[i] = vs_f32_to_f16(round_f16(round_f16(x[i]) * a) + b);
        }
    } else if (r->dtype == VS_F64) {
        double *out = buf;
        raw_f64(r, k0, n, out);
        for (int i = 0; i < count; i++) out[i] = out[i] * r->p.affine.scale + r->p.affine.shift;
    } else {
        uint32_t w[4][TF_BLOCKS];
        blocks(r, k0, n, w);
        if (r->dtype == VS_I32) {
            uint32_t *out = buf, lo = (uint32_t)r->p.integer.min, range = (uint32_t)r->p.integer.range;
            for (int i = 0; i < count; i++) {
                uint32_t v = w[i % 4][i / 4];
                out[i] = range ? lo + v % range : v;
            }
        } else {
            uint64_t *out = buf, lo = (uint64_t)r->p.integer.min, range = r->p.integer.range;
            for (int i = 0; i < count; i++) {
                uint64_t v = w[2 * (i % 2)][i / 2] | (uint64_t)w[2 * (i % 2) + 1][i / 2] << 32;
                out[i] = range ? lo + v % range : v;
            }
        }
    }
}

int vs_fill_tf(const vs_request *r, int64_t begin, int64_t end, int nthreads)
{
    return vs_walk(r, chunk, group_size(r->dtype), begin, end, nthreads);
}
