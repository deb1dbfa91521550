/* Philox4x32-10 on AVX2: 8 blocks per register, two registers in flight.  Included only by
 * kernel_avx2.c (compiled for AVX2).  Same words as vs_philox_arrays. */
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

/* As vs_philox_arrays: 16 blocks per step, two registers in flight. */
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
        uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
        for (int round = 0; round < 10; round++) {
            __m256i vk0 = _mm256_set1_epi32((int)k0), vk1 = _mm256_set1_epi32((int)k1);
            vs_philox_round_avx2(x, vk0, vk1);
            vs_philox_round_avx2(y, vk0, vk1);
            k0 += VS_PHILOX_W0;
            k1 += VS_PHILOX_W1;
        }
        for (int j = 0; j < 4; j++) {
            _mm256_storeu_si256((__m256i *)(w[j] + base), x[j]);
            _mm256_storeu_si256((__m256i *)(w[j] + base + 8), y[j]);
        }
    }
}

#endif
