"""The one way into the C kernels: a window of a random array, filled by one kernel call.

The front ends (``_generate`` for varshare's algorithms, ``_tf`` for TensorFlow's) check
their parameters and build a record of ``_params``; :func:`fill` checks what every fill
shares (key, stream, offset, shape, window, ``out=``), describes the window to the kernel
and runs it on the thread budget.
"""

from __future__ import annotations

import math

import numpy as np

from varshare._core import checks
from varshare.random import _kernels
from varshare.random._params import Params
from varshare.random._threads import reserve

UNIFORM, NORMAL, TRUNCATED_NORMAL = 0, 1, 2          # the C enum vs_dist
DTYPE_CODES = {np.dtype(t): code for code, t in enumerate(       # the C enum vs_dtype
    (np.float16, np.float32, np.float64, np.int32, np.int64))}
FLOATS = tuple(t for t in DTYPE_CODES if t.kind == "f")
INTS = tuple(t for t in DTYPE_CODES if t.kind == "i")
MAX_INDEX = 1 << 56          # element indices share counter word 1 with the redraw tag


def fill(dist: int, shape: checks.ShapeLike, key: object, stream: object, offset: object,
         dtype: np.dtype, params: Params, window: checks.Window, out: np.ndarray | None,
         threads: int | None, tf: bool = False) -> np.ndarray:
    """Fill ``out`` (or a new array) with the ``window`` of the random array of ``shape``.

    Element ``i`` of the whole array (C order) is draw ``offset + i`` of the stream
    ``(key, stream)`` of distribution ``dist``, transformed by ``params``; with ``tf``, of
    TensorFlow's algorithms.
    """
    key, stream = checks.as_uint64(key, "seed"), checks.as_uint64(stream, "stream")
    offset = checks.as_count(offset, "offset")
    full = checks.as_shape(shape)
    starts, extents = checks.as_window(window, full)
    size = math.prod(full)
    if offset + size > MAX_INDEX:
        raise ValueError(f"offset + size must be <= 2**56, got {offset} + {size}")
    out = np.empty(extents, dtype) if out is None else checks.check_out(out, extents, dtype)
    count = math.prod(extents)
    if count:
        g0, wshape, gstride, ostride = _layout(full, starts, extents, offset, out)
        with reserve(count, threads) as nthreads:
            _kernels.fill(dist, DTYPE_CODES[dtype], out.__array_interface__["data"][0], g0,
                          wshape, gstride, ostride, key, stream, params, threads=nthreads,
                          tf=tf)
    return out


def output_dtype(dtype: object, out: np.ndarray | None, allowed: tuple[np.dtype, ...],
                 what: str) -> np.dtype:
    """``dtype`` (default: ``out``'s, else float32) if ``what`` supports it."""
    if out is not None:
        checks.check_array(out)
    if dtype is None:
        dtype = np.float32 if out is None else out.dtype
    return checks.check_dtype(checks.as_numpy_dtype(dtype), allowed, what)


def philox_blocks(counters: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Philox4x32-10 of ``counters`` (n, 4) under ``keys`` (n, 2), C-contiguous uint32."""
    out = np.empty_like(counters)
    _kernels.philox_blocks(counters, keys, out)
    return out


def _layout(full: tuple[int, ...], starts: tuple[int, ...], extents: tuple[int, ...],
            offset: int, out: np.ndarray) -> tuple[int, tuple, tuple, tuple]:
    """(g0, extents, global strides, out strides) with unit axes dropped and runs merged."""
    if extents == full and out.flags.c_contiguous:         # the whole array, in one run
        return offset, (out.size,), (1,), (out.itemsize,)
    gstrides = [1] * len(full)
    for d in range(len(full) - 2, -1, -1):
        gstrides[d] = gstrides[d + 1] * full[d + 1]
    g0 = offset + sum(s * g for s, g in zip(starts, gstrides))
    axes: list[list[int]] = []
    for n, g, o in zip(extents, gstrides, out.strides):
        if n == 1:
            continue
        if axes and axes[-1][1] == g * n and axes[-1][2] == o * n:
            axes[-1] = [axes[-1][0] * n, g, o]
        else:
            axes.append([n, g, o])
    if not axes or axes[-1][1] != 1:
        # the kernel walks rows of consecutive indices along the last axis
        axes.append([1, 1, out.itemsize])
    shape, gstride, ostride = (tuple(a[i] for a in axes) for i in range(3))
    return g0, shape, gstride, ostride
