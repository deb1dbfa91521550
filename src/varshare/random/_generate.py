"""The public random functions: validate, describe the window, call the kernel once."""

from __future__ import annotations

import math
import operator
from typing import Sequence, Union

import numpy as np

from . import _kernels
from ._threads import reserve

ShapeLike = Union[int, Sequence[int]]
Window = Union[slice, Sequence[slice], None]

MAX_INDEX = 1 << 56          # element indices share counter word 1 with the redraw tag
_UNIFORM, _NORMAL, _TRUNCATED = 0, 1, 2
_CODES = {np.dtype(np.float16): 0, np.dtype(np.float32): 1, np.dtype(np.float64): 2,
          np.dtype(np.int32): 3, np.dtype(np.int64): 4}
_FLOATS = tuple(t for t in _CODES if t.kind == "f")


# ------------------------------------------------------------------ argument checks

def _as_int(x: object, name: str) -> int:
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got bool")
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(x).__name__}") from None


def _as_u64(x: object, name: str) -> int:
    x = _as_int(x, name)
    if not 0 <= x < 1 << 64:
        raise ValueError(f"{name} must be in [0, 2**64), got {x}")
    return x


def _as_shape(shape: ShapeLike) -> tuple[int, ...]:
    dims = (shape,) if not isinstance(shape, (tuple, list)) and np.ndim(shape) == 0 else tuple(shape)
    dims = tuple(_as_int(d, "shape") for d in dims)
    if any(d < 0 for d in dims):
        raise ValueError(f"shape must not be negative, got {dims}")
    return dims


def _as_real(x: object, name: str) -> float:
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def _as_dtype(dtype: object, out: np.ndarray | None, allowed: tuple, func: str) -> np.dtype:
    if out is not None and not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if dtype is None:
        dtype = np.float32 if out is None else out.dtype
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype {dtype!r} is not a dtype") from None
    if dt not in allowed:
        names = ", ".join(str(t) for t in allowed)
        raise TypeError(f"Unsupported dtype {dt} for {func}: use one of {names}")
    return dt


def _as_window(window: Window, shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(start, extent) per axis of the window; axes not named are taken whole."""
    if window is None:
        window = ()
    elif isinstance(window, slice):
        window = (window,)
    window = tuple(window)
    if len(window) > len(shape):
        raise ValueError(f"window has {len(window)} axes but shape {shape} has {len(shape)}")
    starts, extents = [], []
    for axis, dim in enumerate(shape):
        s = window[axis] if axis < len(window) else slice(None)
        if not isinstance(s, slice):
            raise TypeError(f"window entries must be slices, got {type(s).__name__} on axis {axis}")
        if s.step not in (None, 1):
            raise ValueError(f"window step must be 1, got {s.step} on axis {axis}")
        start, stop, _ = s.indices(dim)
        starts.append(start)
        extents.append(max(0, stop - start))
    return tuple(starts), tuple(extents)


def _check_out(out: object, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"out has dtype {out.dtype}, expected {dtype}")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, expected {shape}")
    if not out.flags.writeable:
        raise ValueError("out is read-only")
    return out


def _float_bounds(minval: float, maxval: float, dtype: np.dtype) -> tuple[float, float]:
    """The smallest dtype value >= minval and the largest < maxval."""
    lo, hi = dtype.type(minval), dtype.type(maxval)
    if float(lo) < minval:
        lo = np.nextafter(lo, dtype.type(np.inf))
    if float(hi) >= maxval:
        hi = np.nextafter(hi, dtype.type(-np.inf))
    if lo > hi:
        raise ValueError(f"no {dtype} value lies in [minval, maxval) = [{minval!r}, {maxval!r})")
    return float(lo), float(hi)


def _compute_type(dtype: np.dtype) -> type:
    return np.float64 if dtype == np.float64 else np.float32


def _check_representable(dtype: np.dtype, **values: float) -> None:
    with np.errstate(over="ignore"):
        for name, v in values.items():
            if not np.isfinite(_compute_type(dtype)(v)) or (
                    dtype == np.float16 and abs(v) > float(np.finfo(np.float16).max)):
                raise ValueError(f"{name}={v!r} is outside the {dtype} range")


# ------------------------------------------------------------------ geometry

def _layout(full: tuple[int, ...], starts, extents, offset: int, out: np.ndarray):
    """(g0, extents, global strides, out strides) with unit axes dropped and runs merged."""
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


def _generate(kind: int, shape, seed, dtype, stream, offset, window, out, threads,
              params: tuple[float, float, float, float, int, int], tf: bool = False
              ) -> np.ndarray:
    full = _as_shape(shape)
    starts, extents = _as_window(window, full)
    size = math.prod(full)
    if offset + size > MAX_INDEX:
        raise ValueError(f"offset + size must be <= 2**56, got {offset} + {size}")
    if out is None:
        out = np.empty(extents, dtype)
    else:
        _check_out(out, extents, dtype)
    count = math.prod(extents)
    if count:
        g0, wshape, gstride, ostride = _layout(full, starts, extents, offset, out)
        a, b, lo, hi, imin, irange = params
        with reserve(count, threads) as nthreads:
            _kernels.fill(kind, _CODES[dtype], out.__array_interface__["data"][0], g0, wshape,
                          gstride, ostride, seed, stream, a, b, lo, hi, imin, irange, nthreads, tf)
    return out


def _tf_module(algorithm: str):
    """None for algorithm="varshare"; for "tf", the module of TensorFlow's algorithms."""
    if algorithm == "varshare":
        return None
    if algorithm == "tf":
        from . import _tf  # imported here: _tf builds on this module
        return _tf
    raise ValueError(f"algorithm must be 'varshare' or 'tf', got {algorithm!r}")


def _common(seed, stream, offset) -> tuple[int, int, int]:
    seed, stream = _as_u64(seed, "seed"), _as_u64(stream, "stream")
    offset = _as_int(offset, "offset")
    if offset < 0:
        raise ValueError(f"offset must be >= 0, got {offset}")
    return seed, stream, offset


# ------------------------------------------------------------------ public functions

def uniform(shape: ShapeLike, seed: int, minval: float = 0.0, maxval: float = 1.0,
            dtype=None, *, stream: int = 0, offset: int = 0, window: Window = None,
            out: np.ndarray | None = None, threads: int | None = None,
            algorithm: str = "varshare") -> np.ndarray:
    """Uniform values in ``[minval, maxval)``, element ``i`` a pure function of (seed, stream, i).

    Parameters
    ----------
    shape : int or sequence of int
        Shape of the whole array; element ``i`` is its flat C-order index plus ``offset``.
    seed, stream : int in [0, 2**64)
        Philox key and stream (counter words 2-3).
    minval, maxval : number
        The half-open range. For int32/int64 both must be integers.
    dtype : float16, float32 (default), float64, int32 or int64
        Defaults to ``out.dtype`` when ``out`` is given.
    offset : int
        Added to every element index: ``uniform(n, s)[a:b] == uniform(b - a, s, offset=a)``.
    window : slice or tuple of slices, optional
        Generate only ``full[window]`` (step 1), in time proportional to the window.
    out : ndarray, optional
        Filled in place (any layout, e.g. a Fortran-order array or ``np.memmap``).
    threads : int, optional
        Thread count (default: :func:`get_num_threads`); results never depend on it.
    algorithm : "varshare" (default) or "tf"
        "tf": TensorFlow's random op instead (docs/tf-mode.md); ``seed`` and ``stream`` are
        then the op's ``seed`` and ``seed2`` attributes.

    Returns
    -------
    ndarray
        ``out``, or a new C-ordered array of the window's shape.
    """
    tf = _tf_module(algorithm)
    if tf:
        return tf.uniform(shape, seed, minval, maxval, dtype, stream=stream, offset=offset,
                          window=window, out=out, threads=threads)
    seed, stream, offset = _common(seed, stream, offset)
    dt = _as_dtype(dtype, out, tuple(_CODES), "uniform")
    if dt.kind == "i":
        lo_i, hi_i = (_as_integral(v, name) for v, name in ((minval, "minval"), (maxval, "maxval")))
        info = np.iinfo(dt)
        if lo_i >= hi_i:
            raise ValueError(f"minval must be < maxval, got {lo_i} >= {hi_i}")
        if lo_i < info.min or hi_i > info.max + 1 or hi_i - lo_i >= 1 << 64:
            raise ValueError(f"[minval, maxval) = [{lo_i}, {hi_i}) does not fit {dt}")
        params = (0.0, 0.0, 0.0, 0.0, lo_i, hi_i - lo_i)
    else:
        mn, mx = _as_real(minval, "minval"), _as_real(maxval, "maxval")
        if mn >= mx:
            raise ValueError(f"minval must be < maxval, got {mn!r} >= {mx!r}")
        _check_representable(dt, minval=mn, maxval=mx)
        ct = _compute_type(dt)
        with np.errstate(over="ignore"):
            if not np.isfinite(ct(mx) - ct(mn)):
                raise ValueError(f"maxval - minval overflows {ct.__name__}")
        params = (mn, mx, *_float_bounds(mn, mx, dt), 0, 0)
    return _generate(_UNIFORM, shape, seed, dt, stream, offset, window, out,
                     threads, params)


def _as_integral(x: object, name: str) -> int:
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    return _as_int(x, name)


def _normal_like(kind: int, func: str, shape, seed, mean, stddev, dtype, stream, offset,
                 window, out, threads, algorithm) -> np.ndarray:
    tf = _tf_module(algorithm)
    if tf:
        return getattr(tf, func)(shape, seed, mean, stddev, dtype, stream=stream, offset=offset,
                                 window=window, out=out, threads=threads)
    seed, stream, offset = _common(seed, stream, offset)
    dt = _as_dtype(dtype, out, _FLOATS, func)
    mean, stddev = _as_real(mean, "mean"), _as_real(stddev, "stddev")
    if stddev < 0:
        raise ValueError(f"stddev must be >= 0, got {stddev!r}")
    _check_representable(dt, mean=mean, stddev=stddev)
    return _generate(kind, shape, seed, dt, stream, offset, window, out, threads,
                     (mean, stddev, 0.0, 0.0, 0, 0))


def normal(shape: ShapeLike, seed: int, mean: float = 0.0, stddev: float = 1.0, dtype=None, *,
           stream: int = 0, offset: int = 0, window: Window = None,
           out: np.ndarray | None = None, threads: int | None = None,
           algorithm: str = "varshare") -> np.ndarray:
    """Normal values ``mean + stddev * z`` (Box-Muller on Philox); keywords as :func:`uniform`.

    dtype is float16, float32 (default) or float64.
    """
    return _normal_like(_NORMAL, "normal", shape, seed, mean, stddev, dtype, stream, offset,
                        window, out, threads, algorithm)


def truncated_normal(shape: ShapeLike, seed: int, mean: float = 0.0, stddev: float = 1.0,
                     dtype=None, *, stream: int = 0, offset: int = 0, window: Window = None,
                     out: np.ndarray | None = None, threads: int | None = None,
                     algorithm: str = "varshare") -> np.ndarray:
    """Normal values with ``|z| <= 2``: an element outside is redrawn from its own counters.

    The redraw of element ``i`` uses only blocks derived from ``i`` (see
    docs/random-algorithms.md), so no element depends on another. Keywords as :func:`uniform`.
    """
    return _normal_like(_TRUNCATED, "truncated_normal", shape, seed, mean, stddev, dtype, stream,
                        offset, window, out, threads, algorithm)


def philox4x32(counter, key) -> np.ndarray:
    """Raw Philox4x32-10 blocks: ``counter[..., 4]`` and ``key[..., 2]`` uint32, broadcast."""
    ctr = _as_words(counter, 4, "counter")
    k = _as_words(key, 2, "key")
    batch = np.broadcast_shapes(ctr.shape[:-1], k.shape[:-1])
    ctr2 = np.ascontiguousarray(np.broadcast_to(ctr, batch + (4,)).reshape(-1, 4))
    k2 = np.ascontiguousarray(np.broadcast_to(k, batch + (2,)).reshape(-1, 2))
    out = np.empty_like(ctr2)
    _kernels.philox_blocks(ctr2, k2, out)
    return out.reshape(batch + (4,))


def _as_words(x, n: int, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
    if a.ndim == 0 or a.shape[-1] != n:
        raise ValueError(f"{name} must have shape (..., {n}), got {a.shape}")
    if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
        raise ValueError(f"{name} words must be in [0, 2**32)")
    return a.astype(np.uint32)
