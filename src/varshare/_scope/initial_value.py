"""The value a new variable (or shard) starts with: its initializer called as TF calls it.

An initializer is a callable ``init(shape, dtype=None, partition_info=None)``, a callable of
no arguments (then the shape comes from its result), or a constant. Without one, floats get
``uniform_unit_scaling_initializer()`` (in TF mode TF 1.x's own default,
``glorot_uniform_initializer()``, so that the values are TF's), integers and bools zeros.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Callable, Sequence, cast

import numpy as np

from varshare._core import dtypes
from varshare._core.checks import PartialShape
from varshare._core.graph import get_default_graph
from varshare._init.initializers import glorot_uniform_initializer, uniform_unit_scaling_initializer
from varshare._init.partitions import PartitionInfo


def initial_value(name: str, shape: PartialShape, dtype: np.dtype, initializer: Any,
                  partition_info: PartitionInfo | None, validate_shape: bool) -> np.ndarray:
    """The value of variable (or shard) ``name`` of ``shape`` from ``initializer``."""
    if initializer is None:
        if shape is None:
            raise ValueError(f"Variable {name} did not get an initializer, so its `shape` "
                             f"argument must be specified.")
        initializer = default_initializer(name, dtype)
    if not callable(initializer):  # A constant keeps its own dtype, as in TF; copy it.
        value = dtypes.to_array(initializer)
        if partition_info is None:
            return np.array(value)
        shard_shape = cast(tuple[int, ...], shape)     # a shard's shape is always known
        return np.array(value[partition_info.window(shard_shape)])
    if shape is None or None in shape:      # only a callable of no arguments can say
        if not _needs_no_arguments(initializer):
            raise ValueError(_INVALID_INITIALIZER)
        value = dtypes.to_array(initializer())
        if shape is not None and validate_shape and not (len(shape) == value.ndim and all(
                d is None or d == n for d, n in zip(shape, value.shape))):
            raise ValueError(f"In this `tf.Variable` creation, the initial value's shape "
                             f"({value.shape}) is not compatible with the explicitly supplied "
                             f"`shape` argument ({shape}).")
        return value
    if partition_info is not None and accepts(initializer, "partition_info"):
        value = initializer(shape, dtype=dtype, partition_info=partition_info)
    else:
        value = initializer(shape, dtype=dtype)
    value = np.asarray(value, dtype=dtype)
    if validate_shape and value.shape != shape:
        raise ValueError(f"The initializer of variable {name} returned shape {value.shape}, "
                         f"but shape {shape} was specified.")
    return value


# TF 2.21's text (it names Keras initializers, which varshare has not).
_INVALID_INITIALIZER = (
    "The initializer passed is not valid. It should be a callable with no arguments and the "
    "shape should not be provided or an instance of `tf.keras.initializers.*' and `shape` "
    "should be fully defined.")


def default_initializer(name: str, dtype: np.dtype) -> Callable:
    """Unit-scaling uniform (TF mode: glorot uniform) for floats, zeros for integers and
    bools."""
    if dtypes.is_floating(dtype):
        if get_default_graph().seeds.current_algorithm() == "tf":
            return glorot_uniform_initializer()
        return uniform_unit_scaling_initializer()
    if dtype.kind in "iub":
        return _zeros
    raise ValueError(f"An initializer for variable {name} of {dtype} is required")


def _zeros(shape: Sequence[int], dtype: Any = None, partition_info: Any = None) -> np.ndarray:
    return np.zeros(shape, dtype)


def accepts(fn: Callable, argument: str) -> bool:
    """Whether ``fn`` takes keyword ``argument`` (by name or through ``**kwargs``)."""
    parameters = _parameters(fn)
    return parameters is not None and (argument in parameters or any(
        p.kind is p.VAR_KEYWORD for p in parameters.values()))


def _needs_no_arguments(fn: Callable) -> bool:
    parameters = _parameters(fn)
    return parameters is not None and all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in parameters.values())


def _parameters(fn: Callable) -> Mapping[str, Any] | None:
    """``fn``'s parameters, or None where Python cannot tell (e.g. some builtins)."""
    import inspect   # here, not at module level: it costs import time most users never pay
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None
