"""Argument checks shared by every layer: one wording and one exception class per mistake.

=======================================  ===================  ==================================
mistake                                  exception            message
=======================================  ===================  ==================================
a value of the wrong type                ``TypeError``        ``{name} must be {kind}, got {type}``
a value out of its range                 ``ValueError``       ``{name} must be {rule}, got {value}``
an unsupported or unknown dtype          ``DTypeError``       ``Unsupported dtype {dtype} for
                                         (a ``TypeError``     {what}: use one of {dtypes}``
                                         and ``ValueError``)
an ``out=`` array that does not fit      ``TypeError`` (not   ``out has dtype X, expected Y``
                                         an array, dtype),    ``out has shape X, expected Y``
                                         ``ValueError``
=======================================  ===================  ==================================

Each check returns the value in canonical form, so callers never convert twice.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Sequence
from typing import Any, Union

import numpy as np

from varshare.errors import DTypeError

ShapeLike = Union[int, Sequence[int]]
PartialShape = Union[tuple[Union[int, None], ...], None]
Window = Union[slice, Sequence[slice], None]


def as_int(x: Any, name: str) -> int:
    """``x`` as a Python int; bools and non-integers are a TypeError."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, got bool")
    try:
        return operator.index(x)
    except TypeError:
        raise TypeError(f"{name} must be an int, got {type(x).__name__}") from None


def as_integral(x: object, name: str) -> int:
    """``x`` as an int; a float with an integral value (``5.0``) is accepted."""
    if isinstance(x, (float, np.floating)) and float(x).is_integer():
        return int(x)
    return as_int(x, name)


def as_uint64(x: object, name: str) -> int:
    """``x`` as an int in ``[0, 2**64)``."""
    x = as_int(x, name)
    if not 0 <= x < 1 << 64:
        raise ValueError(f"{name} must be in [0, 2**64), got {x}")
    return x


def as_count(x: object, name: str, minimum: int = 0) -> int:
    """``x`` as an int ``>= minimum`` (an offset, a size)."""
    x = as_int(x, name)
    if x < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {x}")
    return x


def as_choice(value: str, choices: Sequence[str], name: str) -> str:
    """``value`` if it is one of ``choices``, else ValueError listing them.

    >>> as_choice("tf", ("varshare", "tf"), "algorithm")
    'tf'
    """
    if value not in choices:
        raise ValueError(f"{name} must be {' or '.join(map(repr, choices))}, got {value!r}")
    return value


def as_real(x: object, name: str) -> float:
    """``x`` (a Python or NumPy real number, not a bool) as a finite float."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"{name} must be finite, got {x}")
    return x


def as_shape(shape: ShapeLike, name: str = "shape") -> tuple[int, ...]:
    """A fully known shape: an int or a sequence of ints, none negative."""
    return _dims(shape, name, unknown=False)  # type: ignore[return-value]


def as_partial_shape(shape: Any) -> PartialShape:
    """A shape that may be unknown (None) or have unknown dimensions (None entries), as
    TF's ``TensorShape`` accepts: None, an int, or a sequence of ints and Nones."""
    return None if shape is None else _dims(shape, "shape", unknown=True)


def _dims(shape: Any, name: str, unknown: bool) -> tuple[int | None, ...]:
    scalar = not isinstance(shape, (tuple, list)) and np.ndim(shape) == 0
    try:
        if isinstance(shape, (str, bytes)):
            raise TypeError
        dims = tuple(None if unknown and d is None else as_int(d, name)
                     for d in ((shape,) if scalar else shape))
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints, got {shape!r}") from None
    if any(d is not None and d < 0 for d in dims):
        raise ValueError(f"{name} must not be negative, got {dims}")
    return dims


def as_window(window: Window, shape: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(start, extent)`` per axis of ``window`` (slices of step 1) in ``shape``; axes it
    does not name are taken whole."""
    if window is None:
        window = ()
    elif isinstance(window, slice):
        window = (window,)
    window = tuple(window)
    if len(window) > len(shape):
        raise ValueError(f"window must have at most {len(shape)} axes, got {len(window)}")
    starts, extents = [], []
    for axis, dim in enumerate(shape):
        s = window[axis] if axis < len(window) else slice(None)
        if not isinstance(s, slice):
            raise TypeError(f"window entries must be slices, got {type(s).__name__} "
                            f"on axis {axis}")
        if s.step not in (None, 1):
            raise ValueError(f"window step must be 1, got {s.step} on axis {axis}")
        start, stop, _ = s.indices(dim)
        starts.append(start)
        extents.append(max(0, stop - start))
    return tuple(starts), tuple(extents)


def dtype_error(value: object) -> DTypeError:
    """The error for a value that names no dtype (TF's wording)."""
    return DTypeError(f"Cannot convert value {value!r} to a dtype.")


def as_numpy_dtype(value: object) -> np.dtype:
    """``np.dtype(value)`` (NumPy's meaning of ``float``, ``int``, names)."""
    try:
        return np.dtype(value)  # type: ignore[call-overload]
    except TypeError:
        raise dtype_error(value) from None


def check_dtype(dtype: np.dtype, allowed: Iterable[np.dtype], what: str,
                message: str | None = None) -> np.dtype:
    """``dtype`` if it is ``allowed`` for ``what``, else DTypeError (with ``message``, where
    the TF-facing API keeps TF's own text)."""
    allowed = tuple(allowed)
    if dtype not in allowed:
        names = ", ".join(t.name for t in allowed)
        raise DTypeError(message or f"Unsupported dtype {dtype.name} for {what}: "
                                    f"use one of {names}")
    return dtype


def check_array(out: object, name: str = "out") -> np.ndarray:
    """``out`` if it is a writable NumPy array."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy array, got {type(out).__name__}")
    if not out.flags.writeable:
        raise ValueError(f"{name} is read-only")
    return out


def check_out(out: object, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """``out`` if it is a writable array of ``shape`` and ``dtype``."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy array, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"out has dtype {out.dtype}, expected {dtype}")
    if out.shape != shape:
        raise ValueError(f"out has shape {out.shape}, expected {shape}")
    return check_array(out)
