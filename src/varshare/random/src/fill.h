/* Fill a strided window of a random array: the one entry point the Cython layer calls. */
#ifndef VS_FILL_H
#define VS_FILL_H

#include <stdint.h>

/* Window rank after unit axes are dropped and runs merged (at most the array's rank, which
 * NumPy caps at 64). */
#define VS_MAXDIM 64
#define VS_CHUNK 1024                  /* elements per kernel call (a multiple of 4) */

/* Per-ISA kernels exist where GCC/Clang can target x86 extensions function by function. */
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
#define VS_HAVE_X86_DISPATCH 1
#else
#define VS_HAVE_X86_DISPATCH 0
#endif

enum vs_dist { VS_UNIFORM = 0, VS_NORMAL = 1, VS_TRUNCATED_NORMAL = 2 };
enum vs_dtype { VS_F16 = 0, VS_F32 = 1, VS_F64 = 2, VS_I32 = 3, VS_I64 = 4 };

/* The transform's parameters, one record per mode (random/_params.py mirrors them). */
typedef struct { double minval, maxval, lo, hi; } vs_uniform_range;  /* float uniform, clamped
                                                                         to [lo, hi] */
typedef struct { int64_t min; uint64_t range; } vs_integer_range;    /* min + [0, range) */
typedef struct { double mean, stddev; } vs_normal_params;            /* mean + stddev * z */
typedef struct { double scale, shift; } vs_affine;                   /* TF: raw * scale + shift */
typedef union {
    vs_uniform_range uniform;        /* varshare, float uniform */
    vs_integer_range integer;        /* both algorithms, int32/int64 uniform */
    vs_normal_params normal;         /* varshare, (truncated) normal */
    vs_affine affine;                /* TF, every float distribution */
} vs_params;

typedef struct {
    int dist, dtype;
    uint64_t seed, stream;
    vs_params p;                     /* the member that dist, dtype and the algorithm select */
    /* the window: element (i_0, ..., i_{n-1}) has global index g0 + sum i_d * gstride[d]
       and lives at out + sum i_d * ostride[d] (bytes) */
    int ndim;
    int64_t shape[VS_MAXDIM], gstride[VS_MAXDIM], ostride[VS_MAXDIM];
    uint64_t g0;
    char *out;
} vs_request;

/* The kernels, narrowest first; the emulated one is the AVX-512 kernel's source for any CPU
 * (for tests: the dispatcher never picks it). */
enum vs_isa { VS_ISA_PORTABLE = 0, VS_ISA_AVX2 = 1, VS_ISA_AVX512 = 2, VS_ISA_AVX512_EMULATED = 3 };

/* Values of block groups G0 .. G0+ngroups-1 (16 blocks each: 64 elements of the 32-bit
 * family, 32 of the 64-bit family; at most VS_CHUNK elements) in the output dtype, into buf:
 * one implementation per ISA, identical bits. */
void vs_chunk_portable(const vs_request *r, uint64_t G0, int ngroups, void *buf);
void vs_chunk_avx2(const vs_request *r, uint64_t G0, int ngroups, void *buf);
void vs_chunk_avx512(const vs_request *r, uint64_t G0, int ngroups, void *buf);
void vs_chunk_avx512_emulated(const vs_request *r, uint64_t G0, int ngroups, void *buf);

/* The best ISA this CPU supports (VS_ISA_*). */
int vs_cpu_isa(void);

/* Use `isa` from now on (capped at what the CPU supports; the emulated kernel runs
 * anywhere); returns the ISA in use.  A fill that is running keeps the kernel it started
 * with: every kernel gives the same bits, so a change mid-call could not change them, and
 * none is half-read. */
int vs_set_isa(int isa);

/* Values of `ngroups` output groups from group G0 on, in the output dtype, into buf (at most
 * VS_CHUNK elements; buf may be unaligned). */
typedef void (*vs_chunk_fn)(const vs_request *r, uint64_t G0, int ngroups, void *buf);

/* Fill the window elements begin .. end-1 (C order) with up to nthreads threads, from
 * `chunk`, whose groups hold `group` elements (a divisor of VS_CHUNK).  Returns the number
 * of threads used. */
int vs_walk(const vs_request *r, vs_chunk_fn chunk, int group, int64_t begin, int64_t end,
            int nthreads);

/* vs_walk with varshare's algorithms on the selected ISA. */
int vs_fill(const vs_request *r, int64_t begin, int64_t end, int nthreads);

static inline int vs_item_size(int dtype)
{
    static const int sizes[] = {2, 4, 8, 4, 8};
    return sizes[dtype];
}

#endif
