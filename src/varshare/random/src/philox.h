/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), header-only.  Checked against the Random123 known-answer vectors.
 *
 * The round is written for one block (vs_philox_round) and for a register of blocks, in
 * GCC/Clang vector extensions of the register width of the unit's instruction set, so one
 * source serves every ISA: on 64-bit lanes (vs_philox_round_v), and for AVX2's 16
 * registers also on 32-bit lanes (vs_philox_round_packed), which need half the registers. */
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
/* The same, for loads and stores at any address; and half as many 32-bit lanes. */
typedef uint32_t vs_u32v_unaligned __attribute__((vector_size(VS_VECTOR_BYTES), aligned(4)));
typedef uint32_t vs_u32h_unaligned __attribute__((vector_size(VS_VECTOR_BYTES / 2), aligned(4)));

/* During the rounds a word of 16 blocks is held as VS_WIDE registers of 64-bit lanes, block
 * i's word in the low half of lane i of the group's blocks (a 32-bit value in a 64-bit
 * lane): the ISA's even-lane multiply gives both halves of the round's product in one lane
 * and reads only the low half of its operands, so the high halves need never be cleared
 * and a round is two multiplies, two shifts and two three-way XORs per register. */
#define VS_WIDE (2 * VS_REGS)

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

/* One round on one register of blocks: vs_philox_round, lane-wise; only low halves count. */
static inline void vs_philox_round_v(vs_u64v c[4], uint32_t k0, uint32_t k1)
{
    const vs_u64v p0 = vs_mul_even(c[0], (vs_u64v){0} + VS_PHILOX_M0);
    const vs_u64v p1 = vs_mul_even(c[2], (vs_u64v){0} + VS_PHILOX_M1);
    c[0] = (p1 >> 32) ^ c[1] ^ k0;
    c[1] = p1;
    c[2] = (p0 >> 32) ^ c[3] ^ k1;
    c[3] = p0;
}

/* The rounds are unrolled (in vs_philox_v and vs_philox_flight_packed): a round moves each
 * word to another slot, which a loop must undo with register copies (measured: uniform
 * float32 8% faster on AVX-512 and AVX2 unrolled, 33% on SSE2).  Not in the AVX-512 source
 * compiled for other CPUs (tests only), which unrolled takes twice as long to compile. */
#if VS_VECTOR_BYTES == 64 && !defined(__AVX512F__)
enum { VS_ROUND_UNROLL = 1 };
#else
enum { VS_ROUND_UNROLL = 10 };      /* an enum: #pragma GCC unroll does not expand macros */
#endif

/* Philox4x32-10 of nregs registers of counters in place; the registers' rounds interleave,
 * which hides the multiplies' latency. */
static inline void vs_philox_v(vs_u64v (*c)[4], int nregs, uint64_t seed)
{
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
#pragma GCC unroll VS_ROUND_UNROLL
    for (int round = 0; round < 10; round++, k0 += VS_PHILOX_W0, k1 += VS_PHILOX_W1)
        for (int r = 0; r < nregs; r++) vs_philox_round_v(c[r], k0, k1);
}

/* The counters of blocks b[i], i < 16, with redraw `tag`: block indices stay below 2**56,
 * so the tag's bits are free. */
static inline void vs_counters_wide(const vs_u64v b[VS_WIDE], uint32_t tag, uint64_t stream,
                                    vs_u64v c[VS_WIDE][4])
{
    for (int r = 0; r < VS_WIDE; r++) {
        c[r][0] = b[r];
        c[r][1] = b[r] >> 32 | (uint64_t)tag << 24;
        c[r][2] = (vs_u64v){0} + (uint32_t)stream;
        c[r][3] = (vs_u64v){0} + (uint32_t)(stream >> 32);
    }
}

/* The tag-0 counters of `groups` groups of consecutive blocks from b, VS_WIDE registers a
 * group. */
static inline void vs_counters_tag0(uint64_t b, int groups, uint64_t stream, vs_u64v (*c)[4])
{
    vs_u64v iota = {0};
    for (int i = 0; i < VS_LANES / 2; i++) iota[i] = (uint64_t)i;
    for (int g = 0; g < groups; g++) {
        vs_u64v blocks[VS_WIDE];
        for (int r = 0; r < VS_WIDE; r++)
            blocks[r] = b + (uint64_t)((g * VS_WIDE + r) * VS_LANES / 2) + iota;
        vs_counters_wide(blocks, 0, stream, c + g * VS_WIDE);
    }
}

/* The counters of redraw `tag` of the blocks g + idx[i], i < 16 (0 <= idx[i] < 2**31). */
static inline void vs_counters_at(uint64_t g, const int32_t *idx, uint32_t tag, uint64_t stream,
                                  vs_u64v c[VS_WIDE][4])
{
    vs_u64v blocks[VS_WIDE];
    for (int r = 0; r < VS_WIDE; r++)
        blocks[r] = g + __builtin_convertvector(*(const vs_u32h_unaligned *)(idx + r * VS_LANES / 2), vs_u64v);
    vs_counters_wide(blocks, tag, stream, c);
}

/* The low halves of the lanes of a and then of b, as one register of 32-bit lanes. */
static inline vs_u32v vs_pack_lo(vs_u64v a, vs_u64v b)
{
#if VS_VECTOR_BYTES == 64 && defined(__AVX512F__)
    const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    return (vs_u32v)_mm512_permutex2var_epi32((__m512i)a, even, (__m512i)b);
#elif VS_VECTOR_BYTES == 32 && defined(__AVX2__)
    const __m256 lo = _mm256_shuffle_ps((__m256)a, (__m256)b, _MM_SHUFFLE(2, 0, 2, 0));
    return (vs_u32v)_mm256_permute4x64_epi64((__m256i)lo, _MM_SHUFFLE(3, 1, 2, 0));
#elif VS_VECTOR_BYTES == 16 && defined(__SSE2__)
    return (vs_u32v)_mm_shuffle_ps((__m128)a, (__m128)b, _MM_SHUFFLE(2, 0, 2, 0));
#else
    vs_u32v v;
    for (int i = 0; i < VS_LANES / 2; i++) {
        v[i] = (uint32_t)a[i];
        v[VS_LANES / 2 + i] = (uint32_t)b[i];
    }
    return v;
#endif
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
/* Groups in flight: their rounds interleave, since one register's round leaves the
 * multipliers idle while it waits on their latency; as many as the registers hold with the
 * round's temporaries (measured): two groups on AVX-512's 32 registers and in AVX2's
 * 32-bit-lane rounds, one in the 64-bit-lane rounds on AVX2 (VS_WIDE_FLIGHT) and on SSE2.
 * Registers whose rounds run together in the 64-bit-lane form: AVX2's and SSE2's 16 take a
 * quarter or an eighth of a group at a time. */
#ifndef VS_IN_FLIGHT
#define VS_IN_FLIGHT (VS_VECTOR_BYTES >= 32 ? 2 : 1)
#endif
#define VS_WIDE_FLIGHT (VS_VECTOR_BYTES == 64 ? VS_IN_FLIGHT : 1)
#define VS_ROUND_REGS (VS_VECTOR_BYTES == 64 ? 4 : 2)

/* vs_philox_v on nregs registers (a constant where this is inlined), VS_ROUND_REGS at a
 * time; unrolled, so that the indices into c are constants and c lives in registers. */
static inline __attribute__((always_inline)) void vs_philox_batched(vs_u64v (*c)[4], int nregs,
                                                                    uint64_t seed)
{
#pragma GCC unroll 16
    for (int r = 0; r < nregs; r += VS_ROUND_REGS)
        vs_philox_v(c + r, nregs - r < VS_ROUND_REGS ? nregs - r : VS_ROUND_REGS, seed);
}

/* The same, each batch's words then packed into registers of 32-bit lanes (w[r][j]: word j
 * of blocks VS_LANES r .. VS_LANES r + VS_LANES - 1).  Packing inside the batch loop keeps
 * GCC from jamming the batches' rounds into one loop, which would keep every batch's state
 * live at once (spills where there are 16 registers). */
static inline __attribute__((always_inline)) void vs_philox_packed(vs_u64v (*c)[4], int nregs,
                                                                   uint64_t seed, vs_u32v (*w)[4])
{
#pragma GCC unroll 16
    for (int r = 0; r < nregs; r += VS_ROUND_REGS) {
        const int batch = nregs - r < VS_ROUND_REGS ? nregs - r : VS_ROUND_REGS;
        vs_philox_v(c + r, batch, seed);
        for (int p = r; p < r + batch; p += 2)
            for (int j = 0; j < 4; j++) w[p / 2][j] = vs_pack_lo(c[p][j], c[p + 1][j]);
    }
}

/* With AVX2's 16 registers, the rounds for the arrays and the fused float32 uniform run on
 * registers of 32-bit lanes instead, each product's halves recombined by blends: half the
 * registers of the 64-bit-lane form, which spills there (measured against it: uniform
 * float32 15%, normal float32 4%, truncated normal 5% faster; on SSE2 it was slower). */
#if VS_VECTOR_BYTES == 32 && defined(__AVX2__)
/* One round on one register of 32-bit lanes: hi and lo of each product from the even lanes'
 * products and the odd lanes' (moved down), lane order kept. */
static inline void vs_philox_round_packed(vs_u32v c[4], uint32_t k0, uint32_t k1)
{
    vs_u32v hi[2], lo[2];
    for (int k = 0; k < 2; k++) {
        const vs_u64v m = (vs_u64v){0} + (k ? VS_PHILOX_M1 : VS_PHILOX_M0), a = (vs_u64v)c[2 * k];
        const vs_u64v even = vs_mul_even(a, m), odd = vs_mul_even(a >> 32, m);
        hi[k] = (vs_u32v)_mm256_blend_epi32((__m256i)(even >> 32), (__m256i)odd, 0xAA);
        lo[k] = (vs_u32v)_mm256_blend_epi32((__m256i)even, (__m256i)(odd << 32), 0xAA);
    }
    c[0] = hi[1] ^ c[1] ^ k0;
    c[1] = lo[1];
    c[2] = hi[0] ^ c[3] ^ k1;
    c[3] = lo[0];
}

/* The tag-0 words of `groups` groups of blocks from b in c (VS_REGS registers a group),
 * counters built in registers (a wrap of the low word carries into the high one lane by
 * lane); the groups' rounds interleave. */
static inline void vs_philox_flight_packed(uint64_t seed, uint64_t stream, uint64_t b, int groups,
                                           vs_u32v (*c)[4])
{
    vs_u32v iota = {0};
    for (int i = 0; i < VS_LANES; i++) iota[i] = (uint32_t)i;
    for (int r = 0; r < groups * VS_REGS; r++) {
        const uint32_t lo = (uint32_t)b + (uint32_t)(r * VS_LANES);
        c[r][0] = lo + iota;
        /* a true compare is all ones: minus it adds the carry */
        c[r][1] = (uint32_t)((b + (uint64_t)(r * VS_LANES)) >> 32) - (vs_u32v)(c[r][0] < lo);
        c[r][2] = (vs_u32v){0} + (uint32_t)stream;
        c[r][3] = (vs_u32v){0} + (uint32_t)(stream >> 32);
    }
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
#pragma GCC unroll VS_ROUND_UNROLL
    for (int round = 0; round < 10; round++, k0 += VS_PHILOX_W0, k1 += VS_PHILOX_W1)
        for (int r = 0; r < groups * VS_REGS; r++) vs_philox_round_packed(c[r], k0, k1);
}
#endif

/* Philox4x32-10 of a group's counters, its words out as registers of 32-bit lanes. */
static inline void vs_philox16(vs_u64v c[VS_WIDE][4], uint64_t seed, vs_u32v w[VS_REGS][4])
{
    vs_philox_packed(c, VS_WIDE, seed, w);
}

/* Philox4x32-10 of the tag-0 blocks of `groups` groups (at most VS_WIDE_FLIGHT; a constant
 * where this is inlined, so that the state stays in registers) from block b, as VS_WIDE
 * registers of 64-bit lanes a group in c; the groups' rounds interleave. */
static inline void vs_philox_wide(uint64_t seed, uint64_t stream, uint64_t b, int groups,
                                  vs_u64v c[][4])
{
    vs_counters_tag0(b, groups, stream, c);
    vs_philox_batched(c, groups * VS_WIDE, seed);
}

/* The same, the words as registers of 32-bit lanes in w[g]. */
static inline void vs_philox_flight(uint64_t seed, uint64_t stream, uint64_t b, int groups,
                                    vs_u32v w[][VS_REGS][4])
{
#if VS_VECTOR_BYTES == 32 && defined(__AVX2__)
    vs_philox_flight_packed(seed, stream, b, groups, w[0]);
#else
    vs_u64v c[VS_IN_FLIGHT * VS_WIDE][4];
    vs_counters_tag0(b, groups, stream, c);
    vs_philox_packed(c, groups * VS_WIDE, seed, w[0]);
#endif
}

/* The same, to the arrays from index base. */
static inline void vs_philox_groups(uint64_t seed, uint64_t stream, uint64_t b0, int base,
                                    int groups, uint32_t *w0, uint32_t *w1, uint32_t *w2,
                                    uint32_t *w3)
{
    vs_u32v w[VS_IN_FLIGHT][VS_REGS][4];
    vs_philox_flight(seed, stream, b0 + (uint64_t)base, groups, w);
    for (int g = 0; g < groups; g++)
        vs_store16(w[g], base + g * VS_PHILOX_LANES, w0, w1, w2, w3);
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
