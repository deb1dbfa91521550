/* The chunk kernel compiled for AVX2 (x86-64 with GCC/Clang); chosen at run time. */
#include "fill.h"

#if VS_HAVE_X86_DISPATCH
#pragma GCC push_options
#pragma GCC target("avx2")
#include "kernels.h"

void vs_chunk_avx2(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    vs_chunk(r, G0, ngroups, buf);
}
#pragma GCC pop_options
#endif
