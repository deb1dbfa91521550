/* The chunk kernel for any CPU (baseline instruction set of the build). */
#include "kernels.h"

void vs_chunk_portable(const vs_request *r, uint64_t b0, int nblocks, void *buf)
{
    vs_chunk(r, b0, nblocks, buf);
}
