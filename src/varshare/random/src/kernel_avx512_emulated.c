/* The AVX-512 unit's 16-lane kernel for any CPU: the same source with 64-byte vectors, which
 * the compiler lowers to the baseline instruction set (slowly).  It lets the tests check the
 * bits of the AVX-512 kernel's logic where AVX-512 is absent (VARSHARE_ISA=avx512-emulated);
 * the dispatcher never selects it. */
#include "fill.h"

#define VS_VECTOR_BYTES 64
#include "kernels.h"

void vs_chunk_avx512_emulated(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    vs_chunk(r, G0, ngroups, buf);
}
