/* Philox4x32-10 on AVX2: 8 blocks per register, two registers in flight.  Included only by
 * kernel_avx2.c (compiled for AVX2).  Same words as vs_philox_arrays / vs_philox_blocks. */
#ifndef VS_PHILOX_AVX2_H
#define VS_PHILOX_AVX2_H

#include <immintrin.h>

#include "philox.h"

/* hi and lo 32-bit halves of the 8 products a[i] * m: vpmuludq multiplies the even lanes,
 * a second one the odd lanes moved down; blends put the halves back in lane order. */
static inline void vs_mulhilo_avx2(__m256i a, __m256i m, __m256i *hi, __m256i *lo)
{
    __m256i even = _mm256_mul_epu32(a, m);
    __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    *hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    *lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

static inline void vs_philox_round_avx2(__m256i *c, __m256i k0, __m256i k1)
{
    const __m256i m0 = _mm256_set1_epi32((int)VS_PHILOX_M0), m1 = _mm256_set1_epi32((int)VS_PHILOX_M1);
    __m256i hi0, lo0, hi1, lo1;
    vs_mulhilo_avx2(c[0], m0, &hi0, &lo0);
    vs_mulhilo_avx2(c[2], m1, &hi1, &lo1);
    c[0] = _mm256_xor_si256(_mm256_xor_si256(hi1, c[1]), k0);
    c[1] = lo1;
    c[2] = _mm256_xor_si256(_mm256_xor_si256(hi0, c[3]), k1);
    c[3] = lo0;
}

/* Ten rounds on 16 blocks held in two sets of registers. */
static inline void vs_philox16_avx2(uint64_t seed, __m256i x[4], __m256i y[4])
{
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int round = 0; round < 10; round++) {
        __m256i vk0 = _mm256_set1_epi32((int)k0), vk1 = _mm256_set1_epi32((int)k1);
        vs_philox_round_avx2(x, vk0, vk1);
        vs_philox_round_avx2(y, vk0, vk1);
        k0 += VS_PHILOX_W0;
        k1 += VS_PHILOX_W1;
    }
}

static inline void vs_store16_avx2(uint32_t *w[4], int base, const __m256i x[4], const __m256i y[4])
{
    for (int j = 0; j < 4; j++) {
        _mm256_storeu_si256((__m256i *)(w[j] + base), x[j]);
        _mm256_storeu_si256((__m256i *)(w[j] + base + 8), y[j]);
    }
}

/* As vs_philox_arrays: counters read from the arrays, words written back. */
static inline void vs_philox_arrays_avx2(uint64_t seed, int n, uint32_t *w0, uint32_t *w1,
                                         uint32_t *w2, uint32_t *w3)
{
    uint32_t *w[4] = {w0, w1, w2, w3};
    for (int base = 0; base < n; base += 16) {
        __m256i x[4], y[4];
        for (int j = 0; j < 4; j++) {
            x[j] = _mm256_loadu_si256((const __m256i *)(w[j] + base));
            y[j] = _mm256_loadu_si256((const __m256i *)(w[j] + base + 8));
        }
        vs_philox16_avx2(seed, x, y);
        vs_store16_avx2(w, base, x, y);
    }
}

/* As vs_philox_blocks: the consecutive tag-0 counters are made in registers. */
static inline void vs_philox_blocks_avx2(uint64_t seed, uint64_t stream, uint64_t b0, int n,
                                         uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), eight = _mm256_set1_epi32(8);
    uint32_t *w[4] = {w0, w1, w2, w3};
    for (int base = 0; base < n; base += 16) {
        uint64_t b = b0 + (uint64_t)base;
        if ((uint32_t)b > 0xFFFFFFFFu - 15u) {   /* the low word wraps inside this group */
            vs_philox_blocks(seed, stream, b, 16, w0 + base, w1 + base, w2 + base, w3 + base);
            continue;
        }
        __m256i x[4], y[4];
        x[0] = _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)b), iota);
        y[0] = _mm256_add_epi32(x[0], eight);
        x[1] = y[1] = _mm256_set1_epi32((int)(uint32_t)(b >> 32));
        x[2] = y[2] = _mm256_set1_epi32((int)(uint32_t)stream);
        x[3] = y[3] = _mm256_set1_epi32((int)(uint32_t)(stream >> 32));
        vs_philox16_avx2(seed, x, y);
        vs_store16_avx2(w, base, x, y);
    }
}

#endif
