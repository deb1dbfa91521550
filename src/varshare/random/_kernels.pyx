# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Thin nogil bridge to the C fill kernels; all validation happens in Python."""

from cpython.exc cimport PyErr_CheckSignals
from libc.stdint cimport int64_t, uint32_t, uint64_t, uintptr_t

cdef extern from "omp_shim.h" nogil:
    int VS_OPENMP
    int omp_get_max_threads()

cdef extern from "philox.h" nogil:
    void vs_philox4x32_10(const uint32_t *ctr, const uint32_t *key, uint32_t *out)

cdef extern from "fill.h" nogil:
    enum: VS_MAXDIM
    ctypedef struct vs_uniform_range:
        double minval, maxval, lo, hi
    ctypedef struct vs_integer_range:
        int64_t min
        uint64_t range
    ctypedef struct vs_normal_params:
        double mean, stddev
    ctypedef struct vs_affine:
        double scale, shift
    ctypedef union vs_params:
        vs_uniform_range uniform
        vs_integer_range integer
        vs_normal_params normal
        vs_affine affine
    ctypedef struct vs_request:
        int dist, dtype
        uint64_t seed, stream
        vs_params p
        int ndim
        int64_t shape[VS_MAXDIM]
        int64_t gstride[VS_MAXDIM]
        int64_t ostride[VS_MAXDIM]
        uint64_t g0
        char *out
    int vs_fill(const vs_request *r, int64_t begin, int64_t end, int nthreads)
    int vs_cpu_isa()
    int vs_set_isa(int isa)

cdef extern from "tf_fill.h" nogil:
    int vs_fill_tf(const vs_request *r, int64_t begin, int64_t end, int nthreads)

from varshare.random._params import Affine, IntegerRange, Normal, UniformRange

MAXDIM = VS_MAXDIM
OPENMP = VS_OPENMP

# Elements per parallel region: long fills return to Python between slices so that
# Ctrl-C is seen within a fraction of a second.
cdef int64_t SLICE = 1 << 24


# In vs_isa order; the emulated one runs the AVX-512 kernel's source on any CPU (tests).
ISA_NAMES = ("portable", "avx2", "avx512", "avx512-emulated")


def cpu_isa():
    """Name of the widest kernel this CPU can run."""
    return ISA_NAMES[vs_cpu_isa()]


def set_isa(str name):
    """Use the kernel for `name` (capped at what the CPU supports); returns the name in use."""
    return ISA_NAMES[vs_set_isa(ISA_NAMES.index(name))]


def omp_max_threads():
    return omp_get_max_threads()


cdef vs_params as_params(params) except *:
    """The C union member of a record of varshare.random._params."""
    cdef vs_params p
    if isinstance(params, UniformRange):
        p.uniform.minval, p.uniform.maxval, p.uniform.lo, p.uniform.hi = params
    elif isinstance(params, IntegerRange):
        p.integer.min, p.integer.range = params
    elif isinstance(params, Normal):
        p.normal.mean, p.normal.stddev = params
    elif isinstance(params, Affine):
        p.affine.scale, p.affine.shift = params
    else:
        raise TypeError(f"not a kernel parameter record: {params!r}")
    return p


def fill(int dist, int dtype, uintptr_t out, uint64_t g0, shape, gstride, ostride,
         uint64_t seed, uint64_t stream, params, int threads, bint tf=False):
    """Fill the window described by (g0, shape, gstride, ostride) at address `out`.

    `params` is the record of varshare.random._params for the mode; with `tf`,
    TensorFlow's algorithms (tf_fill.h)."""
    cdef vs_request r
    cdef int64_t total = 1, begin, end
    cdef int d
    r.dist, r.dtype, r.seed, r.stream = dist, dtype, seed, stream
    r.p = as_params(params)
    r.ndim = len(shape)
    if r.ndim > VS_MAXDIM:      # at most NumPy's rank; the checks upstream make it so
        raise ValueError(f"a window of rank {r.ndim} exceeds the kernels' {VS_MAXDIM}")
    for d in range(r.ndim):
        r.shape[d], r.gstride[d], r.ostride[d] = shape[d], gstride[d], ostride[d]
        total *= shape[d]
    r.g0 = g0
    r.out = <char *>out
    begin = 0
    while begin < total:
        end = min(total, begin + SLICE)
        with nogil:
            if tf:
                vs_fill_tf(&r, begin, end, threads)
            else:
                vs_fill(&r, begin, end, threads)
        PyErr_CheckSignals()
        begin = end


def philox_blocks(const uint32_t[:, ::1] ctr, const uint32_t[:, ::1] key, uint32_t[:, ::1] out):
    """Raw Philox4x32-10 of n counters (n, 4) with n keys (n, 2)."""
    cdef Py_ssize_t i
    with nogil:
        for i in range(ctr.shape[0]):
            vs_philox4x32_10(&ctr[i, 0], &key[i, 0], &out[i, 0])
