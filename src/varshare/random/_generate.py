"""Front ends of varshare's own algorithms: check the parameters, build the kernel's record.

``algorithm="tf"`` hands a call to TensorFlow's algorithms (``_tf``) instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from varshare._core import checks
from varshare._core.seeding import check_random_algorithm
from varshare.random import _fill, _tf
from varshare.random._fill import FLOATS, NORMAL, TRUNCATED_NORMAL, UNIFORM
from varshare.random._params import IntegerRange, Normal, UniformRange

ShapeLike = checks.ShapeLike
Window = checks.Window
DTypeLike = Any   # a NumPy dtype, type or name; None for the default


def _is_tf(algorithm: str) -> bool:
    return check_random_algorithm(algorithm, "algorithm") == "tf"


def uniform(shape: ShapeLike, seed: int, minval: float = 0.0, maxval: float = 1.0,
            dtype: DTypeLike = None, *, stream: int = 0, offset: int = 0, window: Window = None,
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
    if _is_tf(algorithm):
        return _tf.uniform(shape, seed, minval, maxval, dtype, stream=stream, offset=offset,
                           window=window, out=out, threads=threads)
    dt = _fill.output_dtype(dtype, out, tuple(_fill.DTYPE_CODES), "uniform")
    params = _integer_range(minval, maxval, dt) if dt.kind == "i" else _uniform_range(
        minval, maxval, dt)
    return _fill.fill(UNIFORM, shape, seed, stream, offset, dt, params, window, out, threads)


def normal(shape: ShapeLike, seed: int, mean: float = 0.0, stddev: float = 1.0,
           dtype: DTypeLike = None, *, stream: int = 0, offset: int = 0, window: Window = None,
           out: np.ndarray | None = None, threads: int | None = None,
           algorithm: str = "varshare") -> np.ndarray:
    """Normal values ``mean + stddev * z`` (Box-Muller on Philox); keywords as :func:`uniform`.

    dtype is float16, float32 (default) or float64.
    """
    if _is_tf(algorithm):
        return _tf.normal(shape, seed, mean, stddev, dtype, stream=stream, offset=offset,
                          window=window, out=out, threads=threads)
    dt = _fill.output_dtype(dtype, out, FLOATS, "normal")
    return _fill.fill(NORMAL, shape, seed, stream, offset, dt, _normal(mean, stddev, dt),
                      window, out, threads)


def truncated_normal(shape: ShapeLike, seed: int, mean: float = 0.0, stddev: float = 1.0,
                     dtype: DTypeLike = None, *, stream: int = 0, offset: int = 0,
                     window: Window = None, out: np.ndarray | None = None,
                     threads: int | None = None, algorithm: str = "varshare") -> np.ndarray:
    """Normal values with ``|z| <= 2``: an element outside is redrawn from its own counters.

    The redraw of element ``i`` uses only blocks derived from ``i`` (see
    docs/random-algorithms.md), so no element depends on another. Keywords as :func:`uniform`.
    """
    if _is_tf(algorithm):
        return _tf.truncated_normal(shape, seed, mean, stddev, dtype, stream=stream,
                                    offset=offset, window=window, out=out, threads=threads)
    dt = _fill.output_dtype(dtype, out, FLOATS, "truncated_normal")
    return _fill.fill(TRUNCATED_NORMAL, shape, seed, stream, offset, dt,
                      _normal(mean, stddev, dt), window, out, threads)


def philox4x32(counter: Any, key: Any) -> np.ndarray:
    """Raw Philox4x32-10 blocks: ``counter[..., 4]`` and ``key[..., 2]`` uint32, broadcast."""
    ctr = _as_words(counter, 4, "counter")
    k = _as_words(key, 2, "key")
    batch = np.broadcast_shapes(ctr.shape[:-1], k.shape[:-1])
    blocks = _fill.philox_blocks(
        np.ascontiguousarray(np.broadcast_to(ctr, batch + (4,)).reshape(-1, 4)),
        np.ascontiguousarray(np.broadcast_to(k, batch + (2,)).reshape(-1, 2)))
    return blocks.reshape(batch + (4,))


# ------------------------------------------------------------------ parameters

def _integer_range(minval: object, maxval: object, dtype: np.dtype) -> IntegerRange:
    lo, hi = checks.as_integral(minval, "minval"), checks.as_integral(maxval, "maxval")
    info = np.iinfo(dtype)
    if lo >= hi:
        raise ValueError(f"minval must be < maxval, got {lo} >= {hi}")
    if lo < info.min or hi > info.max + 1 or hi - lo >= 1 << 64:
        raise ValueError(f"[minval, maxval) = [{lo}, {hi}) does not fit {dtype}")
    return IntegerRange(lo, hi - lo)


def _uniform_range(minval: object, maxval: object, dtype: np.dtype) -> UniformRange:
    mn, mx = checks.as_real(minval, "minval"), checks.as_real(maxval, "maxval")
    if mn >= mx:
        raise ValueError(f"minval must be < maxval, got {mn!r} >= {mx!r}")
    _check_representable(dtype, minval=mn, maxval=mx)
    ct = _compute_type(dtype)
    if max(abs(mn), abs(mx)) > _LARGEST[np.dtype(ct)] / 2:    # else the difference is finite
        with np.errstate(over="ignore"):
            if not np.isfinite(ct(mx) - ct(mn)):
                raise ValueError(f"maxval - minval overflows {ct.__name__}")
    return UniformRange(mn, mx, *_float_bounds(mn, mx, dtype))


def _normal(mean: object, stddev: object, dtype: np.dtype) -> Normal:
    mean, stddev = checks.as_real(mean, "mean"), checks.as_real(stddev, "stddev")
    if stddev < 0:
        raise ValueError(f"stddev must be >= 0, got {stddev!r}")
    _check_representable(dtype, mean=mean, stddev=stddev)
    return Normal(mean, stddev)


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
    largest = _LARGEST[dtype]
    for name, v in values.items():
        if abs(v) <= largest:           # the usual case, decided without NumPy scalars
            continue
        with np.errstate(over="ignore"):
            if not np.isfinite(_compute_type(dtype)(v)) or dtype == np.float16:
                raise ValueError(f"{name}={v!r} is outside the {dtype} range")


# The largest finite value of each float dtype: anything no larger in magnitude is finite in
# the type the kernels compute in (float16 computes in float32 and must stay within float16).
_LARGEST = {t: float(np.finfo(t).max) for t in (np.dtype(np.float16), np.dtype(np.float32),
                                                np.dtype(np.float64))}


def _as_words(x: Any, n: int, name: str) -> np.ndarray:
    a = np.asarray(x)
    if a.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integers, got dtype {a.dtype}")
    if a.ndim == 0 or a.shape[-1] != n:
        raise ValueError(f"{name} must have shape (..., {n}), got {a.shape}")
    if a.size and (a.min() < 0 or a.max() > 0xFFFFFFFF):
        raise ValueError(f"{name} words must be in [0, 2**32)")
    return a.astype(np.uint32)
