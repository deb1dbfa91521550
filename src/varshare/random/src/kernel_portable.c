/* The chunk kernel for any CPU (baseline instruction set of the build). */
#include "kernels.h"

void vs_chunk_portable(const vs_request *r, uint64_t G0, int ngroups, void *buf)
{
    vs_chunk(r, G0, ngroups, buf);
}
