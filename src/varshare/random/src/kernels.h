/* The chunk kernel: Philox blocks -> values of the output dtype.  Included once per ISA
 * translation unit (kernel_*.c), each compiling it for its own instruction set; the code
 * is the same, so are the bits. */
#ifndef VS_KERNELS_H
#define VS_KERNELS_H

#include <stdint.h>
#include <string.h>

#include "fill.h"
#include "lanes.h"
#include "philox.h"
#include "transforms.h"

#define VS_TRUNC_ATTEMPTS 256         /* attempt 0 plus redraw tags 1..255 */
/* Entries after the rejected positions in the index buffers: vs_set_bits writes up to 4
 * past the count, a redraw reads the last lane group's padding, up to 15 past it. */
#define VS_IDX_SLACK 16

_Static_assert(VS_CHUNK % 64 == 0, "a chunk holds whole groups of both families");
_Static_assert(VS_CHUNK <= 1024, "the |z| > 2 scan keeps one 64-bit mask per lane: "
               "at most 64 rows of 16 elements");
_Static_assert(VS_IDX_SLACK >= 16, "index buffers need a lane group of slack");

/* Philox words of tag-0 blocks b0 .. b0+n-1 into w[j][i]. */
static inline void vs_blocks(const vs_request *r, uint64_t b0, int n, uint32_t w[4][VS_CHUNK])
{
    vs_philox_blocks(r->seed, r->stream, b0, n, w[0], w[1], w[2], w[3]);
}

/* Up to this many redraws left after whole lane groups are computed one by one: cheaper
 * than a padded group of 16 (its Philox and Box-Muller latency), as measured. */
#define VS_SCALAR_REDRAWS 2

/* Philox words of redraw `tag` of the elements g_first + idx[k], k < m (block index =
 * element) into w[j][k]: whole lane groups of 16 (idx holds m rounded up to 16 entries), then
 * the few blocks left over one by one.  Returns the lanes filled.  All of an attempt's
 * blocks come first, so that the Box-Muller passes over them run as wide as the main ones. */
static inline int vs_redraw_words(const vs_request *r, uint64_t g_first, const int *idx, int m,
                                  uint32_t tag, uint32_t w[4][VS_CHUNK])
{
    int base = 0;
    for (; m - base > VS_SCALAR_REDRAWS; base += 16) {
        vs_u64v c[VS_WIDE][4];
        vs_u32v words[VS_REGS][4];
        vs_counters_at(g_first, idx + base, tag, r->stream, c);
        vs_philox16(c, r->seed, words);
        vs_store16(words, base, w[0], w[1], w[2], w[3]);
    }
    const uint32_t key[2] = {(uint32_t)r->seed, (uint32_t)(r->seed >> 32)};
    for (; base < m; base++) {
        uint32_t c[4];
        vs_counter(g_first + (uint64_t)idx[base], tag, r->stream, c);
        vs_philox4x32_10(c, key, c);
        for (int j = 0; j < 4; j++) w[j][base] = c[j];
    }
    return base;
}

#define VS_BATCH 64                   /* radii per pass of vs_minus2_log: temporaries stay in L1 */

/* y[i] <- -2 ln(y[i] / 2**nbits), i < n, for the integers y[i] of the radius: per batch, the
 * reduction and the series run as separate passes (see vs_log_reduce). */
static inline void vs_minus2_log(double *y, int n, int nbits, int nterms)
{
    for (int b = 0; b < n; b += VS_BATCH) {
        const int m = n - b < VS_BATCH ? n - b : VS_BATCH;
        double s[VS_BATCH], e[VS_BATCH];
        for (int i = 0; i < m; i++) vs_log_reduce(y[b + i], nbits, &s[i], &e[i]);
        for (int i = 0; i < m; i++) y[b + i] = -2.0 * vs_log_series(s[i], e[i], nterms);
    }
}

/* Squared radii -2 ln u of the float32 pairs' first words w1[i] into r2[i]. */
static inline void vs_radius2_f32(const uint32_t *w1, int n, double *r2)
{
    for (int i = 0; i < n; i++) r2[i] = vs_radius_x_f32(w1[i]);
    vs_minus2_log(r2, n, 32, VS_RADIUS_TERMS_F32);
}

/* Squared radii of the float64 pairs' first words W1 = lo[i] | hi[i] << 32 into r2[i]. */
static inline void vs_radius2_f64(const uint32_t *lo, const uint32_t *hi, int n, double *r2)
{
    for (int i = 0; i < n; i++) r2[i] = vs_radius_x_f64(lo[i], hi[i]);
    vs_minus2_log(r2, n, 53, VS_RADIUS_TERMS_F64);
}

/* Normal pairs (zc[i], zs[i]), i < 16, from squared radii r2[i] and angle words w2[i]: scaled
 * to mean and stddev unless truncation comes first. */
static inline void vs_pairs_f32(const vs_request *r, const double *r2, const uint32_t *w2,
                                float *zc, float *zs)
{
    const int scale = r->dist == VS_NORMAL;
    const float mean = (float)r->p.normal.mean, stddev = (float)r->p.normal.stddev;
    for (int i = 0; i < 16; i++) {
        float radius = (float)__builtin_sqrt(r2[i]), c, s;
        vs_sincos_f32(w2[i], &c, &s);
        c = radius * c;
        s = radius * s;
        zc[i] = scale ? mean + stddev * c : c;
        zs[i] = scale ? mean + stddev * s : s;
    }
}

/* The cosine branches of n <= VS_CHUNK pairs, all a redraw takes (the sine's polynomial is
 * dropped). */
static inline void vs_cos_normals_f32(const uint32_t *w1, const uint32_t *w2, int n, float *z)
{
    double r2[VS_CHUNK];
    vs_radius2_f32(w1, n, r2);
    for (int k = 0; k < n; k++) {
        float c, s;
        vs_sincos_f32(w2[k], &c, &s);
        z[k] = (float)__builtin_sqrt(r2[k]) * c;
    }
}

static inline void vs_cos_normals_f64(const uint32_t *a0, const uint32_t *a1, const uint32_t *b0,
                                      const uint32_t *b1, int n, double *z)
{
    double r2[VS_CHUNK];
    vs_radius2_f64(a0, a1, n, r2);
    for (int k = 0; k < n; k++) {
        double c, s;
        vs_sincos_f64(b0[k], b1[k], &c, &s);
        z[k] = __builtin_sqrt(r2[k]) * c;
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

/* |z| > 2 on the magnitude bits: one signed integer compare (x86 vectors have no unsigned). */
static inline uint32_t vs_outside_f32(float z)
{
    return (int32_t)(vs_f32_bits(z) & 0x7FFFFFFFu) > 0x40000000;
}

static inline uint32_t vs_outside_f64(double z)
{
    return (int64_t)(vs_f64_bits(z) & 0x7FFFFFFFFFFFFFFFull) > 0x4000000000000000ll;
}

/* Positions 16 j + t of the set bits j of mask[t] into idx (5 entries of slack); returns
 * their count.  A word has ~3 bits set, at random: five positions are written without a
 * branch (a data-dependent one mispredicts), the unset ones to be overwritten by the next
 * word, and only the rare further bits take a loop. */
static inline int vs_set_bits(const uint64_t mask[16], int *idx)
{
    int m = 0;
    for (int t = 0; t < 16; t++) {
        uint64_t x = mask[t];
        int c = 0;
        for (int s = 0; s < 5; s++) {
            idx[m + s] = 16 * vs_ctz64(x | 1ull << 63) + t;
            c += x != 0;
            x &= x - 1;
        }
        for (m += c; x; x &= x - 1) idx[m++] = 16 * vs_ctz64(x) + t;
    }
    return m;
}

/* Bit j - j0 of mask[t]: |z[16 j + t]| > 2, for the rows j0 <= j < j1 (at most 32).  Each
 * flag is shifted in from the bottom: a constant shift, which vectorises on every ISA. */
static inline void vs_outside_rows_f32(const float *z, int j0, int j1, uint32_t mask[16])
{
    for (int t = 0; t < 16; t++) mask[t] = 0;
    for (int j = j1 - 1; j >= j0; j--)
        for (int t = 0; t < 16; t++) mask[t] = mask[t] << 1 | vs_outside_f32(z[16 * j + t]);
}

/* Positions of |z[i]| > 2, i < n (a multiple of 16, at most 1024), into idx (in any order:
 * a redraw depends on its element's index alone); returns their count.  z is scaled to
 * mean + stddev * z on the way (in the same pass, where the ISA allows).  AVX-512 compares
 * a row of 16 into a mask register and compresses the row's positions into place (writing
 * a whole row: the buffers' slack); elsewhere flags are gathered 32 bits wide (float32's own
 * width), in two halves, and read out by vs_set_bits. */
static inline int vs_outside_all_f32(float *z, int n, float mean, float stddev, int *idx)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    const __m512i lanes = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i magnitude = _mm512_set1_epi32(0x7FFFFFFF), two = _mm512_set1_epi32(0x40000000);
    const __m512 mean_v = _mm512_set1_ps(mean), stddev_v = _mm512_set1_ps(stddev);
    int m = 0;
    for (int i = 0; i < n; i += 16) {
        const __m512 row = _mm512_loadu_ps(z + i);
        __mmask16 outside = _mm512_cmpgt_epi32_mask(
            _mm512_and_si512(_mm512_castps_si512(row), magnitude), two);
        __m512i where = _mm512_maskz_compress_epi32(
            outside, _mm512_add_epi32(lanes, _mm512_set1_epi32(i)));
        _mm512_storeu_si512(idx + m, where);
        m += __builtin_popcount(outside);
        _mm512_storeu_ps(z + i, _mm512_add_ps(mean_v, _mm512_mul_ps(stddev_v, row)));
    }
    return m;
#else
    uint32_t lo[16], hi[16];
    uint64_t mask[16];
    vs_outside_rows_f32(z, 0, n < 512 ? n / 16 : 32, lo);
    vs_outside_rows_f32(z, 32, n > 512 ? n / 16 : 32, hi);
    for (int t = 0; t < 16; t++) mask[t] = lo[t] | (uint64_t)hi[t] << 32;
    for (int i = 0; i < n; i++) z[i] = mean + stddev * z[i];
    return vs_set_bits(mask, idx);
#endif
}

static inline int vs_outside_all_f64(double *z, int n, double mean, double stddev, int *idx)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m512i magnitude = _mm512_set1_epi64(0x7FFFFFFFFFFFFFFFll);
    const __m512i two = _mm512_set1_epi64(0x4000000000000000ll);
    const __m512d mean_v = _mm512_set1_pd(mean), stddev_v = _mm512_set1_pd(stddev);
    int m = 0;
    for (int i = 0; i < n; i += 8) {
        const __m512d row = _mm512_loadu_pd(z + i);
        __mmask8 outside = _mm512_cmpgt_epi64_mask(
            _mm512_and_si512(_mm512_castpd_si512(row), magnitude), two);
        __m256i where = _mm256_add_epi32(lanes, _mm256_set1_epi32(i));
        _mm256_storeu_si256((__m256i *)(idx + m), _mm256_maskz_compress_epi32(outside, where));
        m += __builtin_popcount(outside);
        _mm512_storeu_pd(z + i, _mm512_add_pd(mean_v, _mm512_mul_pd(stddev_v, row)));
    }
    return m;
#else
    uint64_t mask[16] = {0};
    for (int j = n / 16 - 1; j >= 0; j--)
        for (int t = 0; t < 16; t++) mask[t] = mask[t] << 1 | vs_outside_f64(z[16 * j + t]);
    for (int i = 0; i < n; i++) z[i] = mean + stddev * z[i];
    return vs_set_bits(mask, idx);
#endif
}

/* Redraw `tag` of the elements g_first + idx[k], k < m (idx holds m rounded up to 16
 * entries), into z as mean + stddev * z; the still-rejected positions go to next (a separate
 * array: in place, each store would alias the next load).  Returns their count. */
static inline int vs_redraw_f32(const vs_request *r, uint64_t g_first, uint32_t tag,
                                const int *idx, int m, int *next, float mean, float stddev,
                                float *z)
{
    uint32_t w[4][VS_CHUNK];
    float zc[VS_CHUNK];
    const int lanes = vs_redraw_words(r, g_first, idx, m, tag, w);
    vs_cos_normals_f32(w[0], w[1], lanes, zc);
    int still = 0;
    for (int k = 0; k < m; k++) {
        z[idx[k]] = mean + stddev * zc[k];
        next[still] = idx[k];
        still += vs_outside_f32(zc[k]);
    }
    return still;
}

static inline int vs_redraw_f64(const vs_request *r, uint64_t g_first, uint32_t tag,
                                const int *idx, int m, int *next, double mean, double stddev,
                                double *z)
{
    uint32_t w[4][VS_CHUNK];
    double zc[VS_CHUNK];
    const int lanes = vs_redraw_words(r, g_first, idx, m, tag, w);
    vs_cos_normals_f64(w[0], w[1], w[2], w[3], lanes, zc);
    int still = 0;
    for (int k = 0; k < m; k++) {
        z[idx[k]] = mean + stddev * zc[k];
        next[still] = idx[k];
        still += vs_outside_f64(zc[k]);
    }
    return still;
}

/* The truncation runs out of line: inlined into vs_chunk*, it made GCC compile the chunk's
 * own loops worse (measured: plain float64 and portable normals 2-4% slower). */
#if defined(__GNUC__)
#define VS_NOINLINE __attribute__((noinline))
#else
#define VS_NOINLINE
#endif

/* Redraw every |z| > 2 of the chunk from its own counters (tags 1..255), all rejected
 * elements of one attempt in one batch; 0 if all attempts fail.  Then mean + stddev * z:
 * applied by the scan and to each redraw as it is written, so no pass of its own. */
static VS_NOINLINE void vs_truncate_f32(const vs_request *r, uint64_t g_first, int n, float *z)
{
    int buf[2][VS_CHUNK + VS_IDX_SLACK], *idx = buf[0], *next = buf[1];
    const float mean = (float)r->p.normal.mean, stddev = (float)r->p.normal.stddev;
    int m = vs_outside_all_f32(z, n, mean, stddev, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        memset(idx + m, 0, 16 * sizeof(int));          /* the last group's padding lanes */
        m = vs_redraw_f32(r, g_first, tag, idx, m, next, mean, stddev, z);
        int *t = idx; idx = next; next = t;
    }
    for (int k = 0; k < m; k++) z[idx[k]] = mean + stddev * 0.0f;
}

static VS_NOINLINE void vs_truncate_f64(const vs_request *r, uint64_t g_first, int n, double *z)
{
    int buf[2][VS_CHUNK + VS_IDX_SLACK], *idx = buf[0], *next = buf[1];
    const double mean = r->p.normal.mean, stddev = r->p.normal.stddev;
    int m = vs_outside_all_f64(z, n, mean, stddev, idx);
    for (uint32_t tag = 1; m > 0 && tag < VS_TRUNC_ATTEMPTS; tag++) {
        memset(idx + m, 0, 16 * sizeof(int));          /* the last group's padding lanes */
        m = vs_redraw_f64(r, g_first, tag, idx, m, next, mean, stddev, z);
        int *t = idx; idx = next; next = t;
    }
    for (int k = 0; k < m; k++) z[idx[k]] = mean + stddev * 0.0;
}

/* How a uniform a + unit * range, clamped to [lo, hi], is computed: leaving out what
 * cannot change a value.  It is monotone in unit, so a clamp that keeps both extremes, first
 * and last, keeps every value in between, bit for bit (vs_max_f32v; float64 clamps by
 * selections, which also keep a value inside as it is); and [0, 1) is the unit itself
 * (unit * 1 and 0 + unit are exact, unit >= +0).  These are most of the few operations after
 * the Philox rounds (measured on AVX-512: the [0, 1) uniform float32 11%, float64 5%
 * faster). */
enum vs_uniform_form { VS_UNIT, VS_UNCLAMPED, VS_TOP_CLAMPED, VS_CLAMPED };

static inline enum vs_uniform_form vs_uniform_form_of(double a, double range, double first,
                                                      double last, double lo, double hi)
{
    if (!(lo <= first && lo <= last)) return VS_CLAMPED;
    if (!(first <= hi && last <= hi)) return VS_TOP_CLAMPED;
    return a == 0 && range == 1 ? VS_UNIT : VS_UNCLAMPED;
}

/* Of the float32 uniform (its extremes in float32 arithmetic, as the kernel's). */
static inline enum vs_uniform_form vs_uniform_form_f32(const vs_uniform_range *p)
{
    const float a = (float)p->minval, range = (float)p->maxval - a;
    return vs_uniform_form_of(a, range, a + 0.0f * range, a + vs_unit_f32(~0u) * range,
                              (float)p->lo, (float)p->hi);
}

static inline enum vs_uniform_form vs_uniform_form_f64(const vs_uniform_range *p)
{
    const double a = p->minval, range = p->maxval - p->minval;
    return vs_uniform_form_of(a, range, a + 0.0 * range, a + vs_unit_f64(~0u, ~0u) * range,
                              p->lo, p->hi);
}

/* Uniform float32 of n groups from G into y, in the given form (a constant where this is
 * inlined).  The 32-bit family's element 16j + i of group k is word j of block 16k + i, so
 * a register of word j holds a row of the group's elements: the values go from the Philox
 * rounds to their place without leaving registers. */
static inline __attribute__((always_inline)) void
vs_uniform_groups_f32(const vs_request *r, uint64_t G, int n, void *out, int form)
{
    float *y = out;
    const vs_uniform_range *p = &r->p.uniform;
    const float a = (float)p->minval, range = (float)p->maxval - a;
    const vs_f32v lo = vs_splat_f32v((float)p->lo), hi = vs_splat_f32v((float)p->hi);
    vs_u32v w[VS_IN_FLIGHT][VS_REGS][4];
    vs_philox_flight(r->seed, r->stream, 16 * G, n, w);
    for (int g = 0; g < n; g++)
        for (int k = 0; k < VS_REGS; k++)
            for (int j = 0; j < 4; j++) {
                vs_f32v v = vs_unit_f32v(w[g][k][j]);
                if (form != VS_UNIT) v = a + v * range;
                if (form == VS_CLAMPED) v = vs_max_f32v(lo, v);
                if (form >= VS_TOP_CLAMPED) v = vs_min_f32v(hi, v);
                *(vs_f32v_unaligned *)(y + 64 * g + 16 * j + VS_LANES * k) = v;
            }
}

/* Writes n groups from G to y; `form` is passed through from the caller: the uniform's form
 * (a constant in each call, so that each compiles on its own), the float64 normal's scale
 * flag. */
typedef void vs_groups_fn(const vs_request *r, uint64_t G, int n, void *y, int form);

/* fn over groups G0 .. G0+ngroups-1 of `size`-byte elements, `flight` at a time (their
 * rounds interleave). */
static inline __attribute__((always_inline)) void
vs_each_flight(const vs_request *r, uint64_t G0, int ngroups, void *y, int size, int flight,
               vs_groups_fn *fn, int form)
{
    char *out = y;
    int k = 0;
    for (; k + flight <= ngroups; k += flight) fn(r, G0 + (uint64_t)k, flight, out + size * k, form);
    for (; k < ngroups; k++) fn(r, G0 + (uint64_t)k, 1, out + size * k, form);
}

/* Uniform float32 of groups G0 .. G0+ngroups-1 into y: the form is decided once, and each
 * is compiled on its own (a constant in its call).  Out of line: inlined beside the normals'
 * loops, the clamped form got registers allocated worse (measured: 2.5% slower). */
static VS_NOINLINE void vs_uniform_chunk_f32(const vs_request *r, uint64_t G0, int ngroups, float *y)
{
    vs_groups_fn *const fn = vs_uniform_groups_f32;
    const int size = 64 * sizeof(float), flight = VS_IN_FLIGHT;
    switch (vs_uniform_form_f32(&r->p.uniform)) {
    case VS_UNIT: vs_each_flight(r, G0, ngroups, y, size, flight, fn, VS_UNIT); break;
    case VS_UNCLAMPED: vs_each_flight(r, G0, ngroups, y, size, flight, fn, VS_UNCLAMPED); break;
    case VS_TOP_CLAMPED: vs_each_flight(r, G0, ngroups, y, size, flight, fn, VS_TOP_CLAMPED); break;
    default: vs_each_flight(r, G0, ngroups, y, size, flight, fn, VS_CLAMPED);
    }
}

/* Groups G0 .. G0+ngroups-1 of the 32-bit family into buf.  Normals take the radius over
 * whole word arrays in batched passes (measured faster than in registers: there the
 * division's and the square root's latencies stall the rounds). */
static inline void vs_chunk32(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    float tmp[VS_CHUNK];
    float *y = r->dtype == VS_F32 ? (float *)buf : tmp;    /* float16 rounds at the end */
    const int n = 64 * ngroups, nb = 16 * ngroups;
    if (r->dist == VS_UNIFORM) {
        vs_uniform_chunk_f32(r, G0, ngroups, y);
    } else {
        uint32_t w[4][VS_CHUNK];
        double r2[2][VS_CHUNK / 4];
        vs_blocks(r, 16 * G0, nb, w);
        vs_radius2_f32(w[0], nb, r2[0]);
        vs_radius2_f32(w[2], nb, r2[1]);
        for (int k = 0; k < ngroups; k++) {
            float *yk = y + 64 * k;
            const int o = 16 * k;
            vs_pairs_f32(r, r2[0] + o, w[1] + o, yk, yk + 16);
            vs_pairs_f32(r, r2[1] + o, w[3] + o, yk + 32, yk + 48);
        }
        if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f32(r, 64 * G0, n, y);
    }
    if (r->dtype == VS_F16)
        for (int i = 0; i < n; i++) ((uint16_t *)buf)[i] = vs_f32_to_f16(y[i]);
}

/* The 64-bit family's element 16h + i of group k is word 2h | word 2h+1 << 32 of block
 * 16k + i: Philox's own 64-bit lanes hold them, low halves set.  Normal float64 of n groups
 * from G into y: the radius from the first word, cosine (h = 0) and sine (h = 1) from the
 * second; scaled to mean and stddev here if `scale` (not where truncation comes first). */
static inline void vs_normal_groups_f64(const vs_request *r, uint64_t G, int n, void *out,
                                        int scale)
{
    double *y = out;
    const double mean = r->p.normal.mean, stddev = r->p.normal.stddev;
    vs_u64v c[VS_WIDE_FLIGHT * VS_WIDE][4], first[VS_WIDE_FLIGHT * VS_WIDE];
    vs_f64v radius[VS_WIDE_FLIGHT * VS_WIDE];
    vs_philox_wide(r->seed, r->stream, 16 * G, n, c);
    for (int i = 0; i < n * VS_WIDE; i++) first[i] = (c[i][0] & VS_LO32) | c[i][1] << 32;
    vs_radius_f64v(first, n * VS_WIDE, radius);
    for (int i = 0; i < n * VS_WIDE; i++) {
        vs_f64v z[2];
        vs_sincos_f64v((c[i][2] & VS_LO32) | c[i][3] << 32, &z[0], &z[1]);
        for (int h = 0; h < 2; h++) {
            z[h] = radius[i] * z[h];
            if (scale) z[h] = mean + stddev * z[h];
            *(vs_f64v_unaligned *)(y + 32 * (i / VS_WIDE) + 16 * h + VS_LANES / 2 * (i % VS_WIDE)) = z[h];
        }
    }
}

/* The 64-bit word of element 16h + i of the group at block offset o. */
static inline uint64_t vs_word64(const uint32_t w[4][VS_CHUNK], int o, int h, int i)
{
    return w[2 * h][o + i] | (uint64_t)w[2 * h + 1][o + i] << 32;
}

/* Uniform float64 of ngroups groups of words w into y, in the given form (a constant where
 * this is inlined), per group: unlike float32, this form measured faster. */
static inline __attribute__((always_inline)) void
vs_uniform_words_f64(const vs_request *r, const uint32_t w[4][VS_CHUNK], int ngroups, double *y,
                     enum vs_uniform_form form)
{
    const vs_uniform_range *p = &r->p.uniform;
    const double a = p->minval, range = p->maxval - p->minval, lo = p->lo, hi = p->hi;
    for (int k = 0; k < ngroups; k++)
        for (int h = 0; h < 2; h++)
            for (int i = 0; i < 16; i++) {
                double v = vs_unit_f64(w[2 * h][16 * k + i], w[2 * h + 1][16 * k + i]);
                if (form != VS_UNIT) v = a + v * range;
                if (form == VS_CLAMPED) v = v < lo ? lo : v;
                if (form >= VS_TOP_CLAMPED) v = v > hi ? hi : v;
                y[32 * k + 16 * h + i] = v;
            }
}

/* Groups of the 64-bit family: element 16h + i of group k is word 2h | word 2h+1 << 32 of
 * block 16k + i (for normals: the cosine and the sine of the block's pair). */
static inline void vs_chunk64(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    const int n = 32 * ngroups;
    double *y = buf;
    if (r->dtype == VS_F64 && r->dist != VS_UNIFORM) {
        vs_each_flight(r, G0, ngroups, y, 32 * sizeof(double), VS_WIDE_FLIGHT, vs_normal_groups_f64,
                       r->dist == VS_NORMAL);
        if (r->dist == VS_TRUNCATED_NORMAL) vs_truncate_f64(r, 32 * G0, n, y);
        return;
    }
    uint32_t w[4][VS_CHUNK];
    vs_blocks(r, 16 * G0, 16 * ngroups, w);
    if (r->dtype == VS_I32 || r->dtype == VS_I64) {
        for (int e = 0; e < n; e++) {
            uint64_t v = (uint64_t)r->p.integer.min
                         + vs_mulhi64(vs_word64(w, 16 * (e / 32), e / 16 % 2, e % 16), r->p.integer.range);
            if (r->dtype == VS_I32) ((int32_t *)buf)[e] = (int32_t)(uint32_t)v;
            else ((int64_t *)buf)[e] = (int64_t)v;
        }
        return;
    }
    switch (vs_uniform_form_f64(&r->p.uniform)) {
    case VS_UNIT: vs_uniform_words_f64(r, w, ngroups, y, VS_UNIT); break;
    case VS_UNCLAMPED: vs_uniform_words_f64(r, w, ngroups, y, VS_UNCLAMPED); break;
    case VS_TOP_CLAMPED: vs_uniform_words_f64(r, w, ngroups, y, VS_TOP_CLAMPED); break;
    default: vs_uniform_words_f64(r, w, ngroups, y, VS_CLAMPED);
    }
}

static inline void vs_chunk(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    if (r->dtype == VS_F16 || r->dtype == VS_F32) vs_chunk32(r, G0, ngroups, buf);
    else vs_chunk64(r, G0, ngroups, buf);
}

#endif
