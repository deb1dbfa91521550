/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), header-only.  Checked against the Random123 known-answer vectors.
 *
 * The round is written once per lane width: for one block (vs_philox_round) and for a
 * register of blocks (vs_philox_round_v), in GCC/Clang vector extensions of the register
 * width of the unit's instruction set, so one source serves every ISA. */
#ifndef VS_PHILOX_H
#define VS_PHILOX_H

#include <stdint.h>
#include <string.h>

#if !defined(__GNUC__)
#error "varshare's kernels need GCC or Clang (vector extensions); on Windows use clang-cl or MinGW"
#endif
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#define VS_PHILOX_M0 0xD2511F53u
#define VS_PHILOX_M1 0xCD9E8D57u
#define VS_PHILOX_W0 0x9E3779B9u
#define VS_PHILOX_W1 0xBB67AE85u

/* ------------------------------------------------------------------ one block */

static inline void vs_philox_round(uint32_t c[4], uint32_t k0, uint32_t k1)
{
    uint64_t p0 = (uint64_t)VS_PHILOX_M0 * c[0], p1 = (uint64_t)VS_PHILOX_M1 * c[2];
    uint32_t n0 = (uint32_t)(p1 >> 32) ^ c[1] ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c[3] ^ k1;
    c[1] = (uint32_t)p1;
    c[3] = (uint32_t)p0;
    c[0] = n0;
    c[2] = n2;
}

/* out = Philox4x32-10(ctr, key).  out may alias ctr. */
static inline void vs_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                    uint32_t out[4])
{
    uint32_t c[4] = {ctr[0], ctr[1], ctr[2], ctr[3]}, k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++, k0 += VS_PHILOX_W0, k1 += VS_PHILOX_W1)
        vs_philox_round(c, k0, k1);
    memcpy(out, c, sizeof c);
}

/* Counter of block b with redraw tag `tag` on `stream` (docs/random-algorithms.md §1). */
static inline void vs_counter(uint64_t b, uint32_t tag, uint64_t stream, uint32_t ctr[4])
{
    ctr[0] = (uint32_t)b;
    ctr[1] = (uint32_t)(b >> 32) | (tag << 24);
    ctr[2] = (uint32_t)stream;
    ctr[3] = (uint32_t)(stream >> 32);
}

/* ------------------------------------------------------------------ 16 blocks
 * A group of 16 blocks is held as VS_REGS vectors of VS_LANES words per Philox word: the
 * native register width of the unit's instruction set (AVX-512: one register of 16,
 * AVX2: two of 8, SSE2: four of 4).  A unit may set VS_VECTOR_BYTES itself: 64 without
 * AVX-512 compiles the AVX-512 unit's exact 16-lane logic with the compiler's own
 * lowering (slow, for testing it on any CPU). */
#ifndef VS_VECTOR_BYTES
#if defined(__AVX512F__)
#define VS_VECTOR_BYTES 64
#elif defined(__AVX2__)
#define VS_VECTOR_BYTES 32
#else
#define VS_VECTOR_BYTES 16
#endif
#endif
#define VS_LANES (VS_VECTOR_BYTES / 4)
#define VS_REGS (16 / VS_LANES)

typedef uint32_t vs_u32v __attribute__((vector_size(VS_VECTOR_BYTES)));
typedef uint64_t vs_u64v __attribute__((vector_size(VS_VECTOR_BYTES)));
/* The same, for loads and stores at any address. */
typedef uint32_t vs_u32v_unaligned __attribute__((vector_size(VS_VECTOR_BYTES), aligned(4)));

#define VS_LO32 0xFFFFFFFFull

/* Per 64-bit lane, the product of the low 32 bits of a and of m: the ISA's unsigned
 * even-lane multiply (compilers turn the generic form into a 64 x 64-bit multiply, three
 * times the work). */
static inline vs_u64v vs_mul_even(vs_u64v a, vs_u64v m)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return (vs_u64v)_mm512_mul_epu32((__m512i)a, (__m512i)m);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX2__)
    return (vs_u64v)_mm256_mul_epu32((__m256i)a, (__m256i)m);
#elif VS_VECTOR_BYTES == 16 && defined(__SSE2__)
    return (vs_u64v)_mm_mul_epu32((__m128i)a, (__m128i)m);
#else
    return (a & VS_LO32) * (m & VS_LO32);
#endif
}

/* The even 32-bit lanes of a and the odd ones of b: one blend where the ISA has it. */
static inline vs_u32v vs_even_odd(vs_u32v a, vs_u32v b)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    return (vs_u32v)_mm512_mask_blend_epi32(0xAAAA, (__m512i)a, (__m512i)b);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX2__)
    return (vs_u32v)_mm256_blend_epi32((__m256i)a, (__m256i)b, 0xAA);
#else
    return (vs_u32v)(((vs_u64v)a & VS_LO32) | ((vs_u64v)b & ~VS_LO32));
#endif
}

/* hi and lo 32-bit halves of a[i] * m: the even lanes' products and the odd lanes' (moved
 * down) are recombined, lane order kept. */
static inline void vs_mulhilo_v(vs_u32v a, uint32_t m, vs_u32v *hi, vs_u32v *lo)
{
    const vs_u64v mv = (vs_u64v){0} + m, a64 = (vs_u64v)a;
    const vs_u64v even = vs_mul_even(a64, mv), odd = vs_mul_even(a64 >> 32, mv);
    *hi = vs_even_odd((vs_u32v)(even >> 32), (vs_u32v)odd);
    *lo = vs_even_odd((vs_u32v)even, (vs_u32v)(odd << 32));
}

/* One round on one register of blocks: the same steps as vs_philox_round, lane-wise. */
static inline void vs_philox_round_v(vs_u32v c[4], uint32_t k0, uint32_t k1)
{
    vs_u32v hi0, lo0, hi1, lo1;
    vs_mulhilo_v(c[0], VS_PHILOX_M0, &hi0, &lo0);
    vs_mulhilo_v(c[2], VS_PHILOX_M1, &hi1, &lo1);
    c[0] = hi1 ^ c[1] ^ k0;
    c[1] = lo1;
    c[2] = hi0 ^ c[3] ^ k1;
    c[3] = lo0;
}

/* Philox4x32-10 of a group of 16 counters in place (c[r][j]: word j of register r's
 * blocks); the registers' rounds interleave, which hides the multiplies' latency. */
static inline void vs_philox_v(vs_u32v (*c)[4], int nregs, uint64_t seed)
{
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int round = 0; round < 10; round++, k0 += VS_PHILOX_W0, k1 += VS_PHILOX_W1)
        for (int r = 0; r < nregs; r++) vs_philox_round_v(c[r], k0, k1);
}

static inline void vs_philox16(vs_u32v c[VS_REGS][4], uint64_t seed)
{
    vs_philox_v(c, VS_REGS, seed);
}

/* The counters of the tag-0 blocks b .. b+15, built in registers; a wrap of the low word
 * carries into the high one lane by lane. */
static inline void vs_counters16(uint64_t b, uint64_t stream, vs_u32v c[VS_REGS][4])
{
    vs_u32v iota;
    for (int i = 0; i < VS_LANES; i++) iota[i] = (uint32_t)i;
    for (int r = 0; r < VS_REGS; r++) {
        const uint32_t lo = (uint32_t)b + (uint32_t)(r * VS_LANES);
        c[r][0] = lo + iota;
        /* a true compare is all ones: minus it adds the carry */
        c[r][1] = (uint32_t)((b + (uint64_t)(r * VS_LANES)) >> 32) - (vs_u32v)(c[r][0] < lo);
        c[r][2] = (vs_u32v){0} + (uint32_t)stream;
        c[r][3] = (vs_u32v){0} + (uint32_t)(stream >> 32);
    }
}

/* The counters of redraw `tag` of the blocks g + idx[i], i < 16 (0 <= idx[i] < 2**31; block
 * indices stay below 2**56, so a carry never reaches the tag's bits). */
static inline void vs_counters_at(uint64_t g, const int32_t *idx, uint32_t tag, uint64_t stream,
                                  vs_u32v c[VS_REGS][4])
{
    const uint32_t lo = (uint32_t)g, hi = (uint32_t)(g >> 32) | tag << 24;
    for (int r = 0; r < VS_REGS; r++) {
        c[r][0] = lo + *(const vs_u32v_unaligned *)(idx + r * VS_LANES);
        c[r][1] = hi - (vs_u32v)(c[r][0] < lo);
        c[r][2] = (vs_u32v){0} + (uint32_t)stream;
        c[r][3] = (vs_u32v){0} + (uint32_t)(stream >> 32);
    }
}

/* Word j of the group's block i to wj[base + i]. */
static inline void vs_store16(const vs_u32v c[VS_REGS][4], int base, uint32_t *w0,
                              uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    uint32_t *w[4] = {w0, w1, w2, w3};
    for (int r = 0; r < VS_REGS; r++)
        for (int j = 0; j < 4; j++)
            *(vs_u32v_unaligned *)(w[j] + base + r * VS_LANES) = c[r][j];
}

/* ------------------------------------------------------------------ many blocks, as arrays
 * Structure of arrays: word j of block i in wj[i].  n is rounded up to a multiple of 16:
 * the arrays must hold that many. */
#define VS_PHILOX_LANES 16
/* Groups whose rounds interleave: one group's round leaves the multipliers idle while it
 * waits on their latency.  As many as the registers hold (measured): 4 groups of one
 * register on AVX-512's 32, 2 groups of two on AVX2's 16; SSE2's four-register group
 * already fills its 16. */
#ifndef VS_IN_FLIGHT
#define VS_IN_FLIGHT (VS_VECTOR_BYTES == 64 ? 4 : VS_VECTOR_BYTES == 32 ? 2 : 1)
#endif

/* The words of the tag-0 blocks of `groups` groups (at most VS_IN_FLIGHT) from block
 * b0 + base, to the arrays from index base; the groups' rounds interleave. */
static inline void vs_philox_groups(uint64_t seed, uint64_t stream, uint64_t b0, int base,
                                    int groups, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                                    uint32_t *w3)
{
    vs_u32v c[VS_IN_FLIGHT * VS_REGS][4];
    for (int g = 0; g < groups; g++)
        vs_counters16(b0 + (uint64_t)(base + g * VS_PHILOX_LANES), stream, c + g * VS_REGS);
    vs_philox_v(c, groups * VS_REGS, seed);
    for (int g = 0; g < groups; g++)
        vs_store16(c + g * VS_REGS, base + g * VS_PHILOX_LANES, w0, w1, w2, w3);
}

/* The words of the tag-0 blocks b0 .. b0+n-1. */
static inline void vs_philox_blocks(uint64_t seed, uint64_t stream, uint64_t b0, int n,
                                    uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    int base = 0;
    for (; base + VS_IN_FLIGHT * VS_PHILOX_LANES <= n; base += VS_IN_FLIGHT * VS_PHILOX_LANES)
        vs_philox_groups(seed, stream, b0, base, VS_IN_FLIGHT, w0, w1, w2, w3);
    for (; base < n; base += VS_PHILOX_LANES)
        vs_philox_groups(seed, stream, b0, base, 1, w0, w1, w2, w3);
}

#endif
