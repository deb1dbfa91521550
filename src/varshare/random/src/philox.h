/* Philox4x32-10 (Salmon, Moraes, Dror, Shaw: "Parallel random numbers: as easy as
 * 1, 2, 3", SC'11), header-only.  Checked against the Random123 known-answer vectors. */
#ifndef VS_PHILOX_H
#define VS_PHILOX_H

#include <stdint.h>

#define VS_PHILOX_M0 0xD2511F53u
#define VS_PHILOX_M1 0xCD9E8D57u
#define VS_PHILOX_W0 0x9E3779B9u
#define VS_PHILOX_W1 0xBB67AE85u

/* One block: out = Philox4x32-10(ctr, key).  out may alias ctr. */
static inline void vs_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                    uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)VS_PHILOX_M0 * c0;
        uint64_t p1 = (uint64_t)VS_PHILOX_M1 * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += VS_PHILOX_W0;
        k1 += VS_PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/* Counter of block b with redraw tag `tag` on `stream` (docs/random-algorithms.md §1). */
static inline void vs_counter(uint64_t b, uint32_t tag, uint64_t stream, uint32_t ctr[4])
{
    ctr[0] = (uint32_t)b;
    ctr[1] = (uint32_t)(b >> 32) | (tag << 24);
    ctr[2] = (uint32_t)stream;
    ctr[3] = (uint32_t)(stream >> 32);
}

/* Many blocks at once, structure of arrays: counters c0..c3[i] in, words out, in place.
 * The rounds run over groups of VS_PHILOX_LANES blocks with the lane loops innermost, so
 * that compilers keep the blocks in vector registers; the arrays hold n rounded up to a
 * whole group. */
#define VS_PHILOX_LANES 16

static inline void vs_philox_arrays(uint64_t seed, int n, uint32_t *w0, uint32_t *w1,
                                    uint32_t *w2, uint32_t *w3)
{
    for (int base = 0; base < n; base += VS_PHILOX_LANES) {
        uint32_t *c0 = w0 + base, *c1 = w1 + base, *c2 = w2 + base, *c3 = w3 + base;
        uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
        for (int round = 0; round < 10; round++) {
            for (int i = 0; i < VS_PHILOX_LANES; i++) {
                uint64_t p0 = (uint64_t)VS_PHILOX_M0 * c0[i];
                uint64_t p1 = (uint64_t)VS_PHILOX_M1 * c2[i];
                uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[i] ^ k0;
                uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3[i] ^ k1;
                c1[i] = (uint32_t)p1;
                c3[i] = (uint32_t)p0;
                c0[i] = n0;
                c2[i] = n2;
            }
            k0 += VS_PHILOX_W0;
            k1 += VS_PHILOX_W1;
        }
    }
}

/* Tag-0 blocks b0 .. b0+n-1 into w0..w3 (same rounding-up rule as vs_philox_arrays). */
static inline void vs_philox_blocks(uint64_t seed, uint64_t stream, uint64_t b0, int n,
                                    uint32_t *w0, uint32_t *w1, uint32_t *w2, uint32_t *w3)
{
    for (int i = 0; i < n; i++) {
        uint32_t ctr[4];
        vs_counter(b0 + (uint64_t)i, 0, stream, ctr);
        w0[i] = ctr[0]; w1[i] = ctr[1]; w2[i] = ctr[2]; w3[i] = ctr[3];
    }
    vs_philox_arrays(seed, n, w0, w1, w2, w3);
}

#endif
