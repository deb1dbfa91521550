/* Fill a strided window of a random array: the one entry point the Cython layer calls. */
#ifndef VS_FILL_H
#define VS_FILL_H

#include <stdint.h>

#define VS_MAXDIM 64

enum vs_dist { VS_UNIFORM = 0, VS_NORMAL = 1, VS_TRUNCATED_NORMAL = 2 };
enum vs_dtype { VS_F16 = 0, VS_F32 = 1, VS_F64 = 2, VS_I32 = 3, VS_I64 = 4 };

typedef struct {
    int dist, dtype;
    uint64_t seed, stream;
    /* uniform float: minval, maxval, clamp bounds; normal: mean, stddev */
    double a, b, lo, hi;
    /* uniform integer: minval and maxval - minval */
    int64_t imin;
    uint64_t irange;
    /* the window: element (i_0, ..., i_{n-1}) has global index g0 + sum i_d * gstride[d]
       and lives at out + sum i_d * ostride[d] (bytes) */
    int ndim;
    int64_t shape[VS_MAXDIM], gstride[VS_MAXDIM], ostride[VS_MAXDIM];
    uint64_t g0;
    char *out;
} vs_request;

/* Fill the elements begin .. end-1 (C order over the window) with up to nthreads threads.
 * Returns the number of threads used. */
int vs_fill(const vs_request *r, int64_t begin, int64_t end, int nthreads);

#endif
