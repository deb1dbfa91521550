/* The chunk kernel compiled for AVX-512 (F, DQ, BW, VL); chosen at run time. */
#include "fill.h"

#if VS_HAVE_X86_DISPATCH
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl")
#include "kernels.h"

void vs_chunk_avx512(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    vs_chunk(r, G0, ngroups, buf);
}
#pragma GCC pop_options
#endif
