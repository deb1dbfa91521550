"""TF 1.x dtype names as NumPy dtypes, and TF's rules for inferring a value's dtype."""

from __future__ import annotations

import builtins
from typing import Any

import numpy as np

from varshare._core.checks import dtype_error

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)

# Python scalar types map as in TF: float -> float32, int -> int32.
_PYTHON_TYPES = {builtins.float: float32, builtins.int: int32, builtins.bool: bool_}


def as_dtype(type_value: Any) -> np.dtype:
    """Convert a dtype-like (NumPy dtype, type, name, TF-style object) to a NumPy dtype.

    >>> as_dtype(float), as_dtype("float64"), as_dtype(int)
    (dtype('float32'), dtype('float64'), dtype('int32'))
    """
    if type(type_value) is np.dtype:  # The common case, kept fast for get_variable.
        return type_value
    if type_value in _PYTHON_TYPES:
        return _PYTHON_TYPES[type_value]
    # TF DType objects (and ours, in ported code) expose the NumPy type.
    type_value = getattr(type_value, "as_numpy_dtype", type_value)
    try:
        return np.dtype(type_value)
    except TypeError:
        raise dtype_error(type_value) from None


def is_floating(dtype: np.dtype) -> bool:
    """Whether ``dtype`` is a real floating-point type."""
    return dtype.kind == "f"


def to_array(value: Any, dtype: Any = None) -> np.ndarray:
    """Convert a constant to an array as ``tf.convert_to_tensor`` would.

    Arrays (and objects with ``__array__``, such as variables) keep their dtype.
    Python floats (and empty lists) become float32, Python ints int32 unless
    they need int64.
    """
    if dtype is not None:
        return np.asarray(value, dtype=as_dtype(dtype))
    array = np.asarray(value)
    if hasattr(value, "__array__"):
        return array
    if array.dtype.kind == "O":
        raise TypeError(f"Failed to convert elements of {value} to Tensor. Consider casting "
                        f"elements to a supported type. See "
                        f"https://www.tensorflow.org/api_docs/python/tf/dtypes for supported "
                        f"TF dtypes.")
    if array.dtype == float64 or array.size == 0:
        return array.astype(float32)
    if array.dtype.kind == "i" and _INT32.min <= array.min() and array.max() <= _INT32.max:
        return array.astype(int32)
    return array


_INT32 = np.iinfo(np.int32)
