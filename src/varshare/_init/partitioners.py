"""TF 1.x partitioners: how many shards a variable gets along one axis.

A partitioner is called as ``partitioner(shape, dtype)`` and returns the number of
shards per axis, e.g. ``[4, 1]``; only one axis is ever split.  The shard counts
follow TF 1.x's formulas exactly.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

from varshare._core.dtypes import as_dtype
from varshare.errors import AxisError

__all__ = ["fixed_size_partitioner", "variable_axis_size_partitioner",
           "min_max_variable_partitioner"]

Partitioner = Callable[..., list[int]]


def _fully_defined(shape: Sequence[int | None]) -> Sequence[int]:
    if None in shape:
        raise ValueError(f"shape is not fully defined: {tuple(shape)}")
    return shape  # type: ignore[return-value]


def _axis_length(shape: Sequence[int], axis: int) -> int:
    """The length of ``shape`` along ``axis`` (negative axes count from the end)."""
    if not -len(shape) <= axis < len(shape):
        raise AxisError(
            f"Cannot partition variable along axis {axis} when shape is only {tuple(shape)}")
    return shape[axis]


def _split(shape: Sequence[int], axis: int, shards: int) -> list[int]:
    """``[1, ..., shards, ..., 1]`` with ``shards`` at ``axis``."""
    partitions = [1] * len(shape)
    partitions[axis] = shards
    return partitions


def _element_size(dtype: Any, bytes_per_string_element: int) -> int:
    dtype = as_dtype(dtype)
    # Strings have no fixed size; TF lets the caller estimate it.
    return bytes_per_string_element if dtype.kind in "OSU" else dtype.itemsize


def fixed_size_partitioner(num_shards: int, axis: int = 0) -> Partitioner:
    """Split ``axis`` into ``num_shards`` shards (fewer if the axis is shorter).

    As in TF, a count below one is accepted here and refused by ``get_variable``.
    """

    def partitioner(shape: Sequence[int], dtype: Any = None, **unused: Any) -> list[int]:
        return _split(shape, axis, min(num_shards, _axis_length(shape, axis)))

    return partitioner


def variable_axis_size_partitioner(max_shard_bytes: int, axis: int = 0,
                                   bytes_per_string_element: int = 16,
                                   max_shards: int | None = None) -> Partitioner:
    """Split ``axis`` so that each shard holds at most ``max_shard_bytes``.

    A shard is never thinner than one slice along ``axis``, so shards may exceed
    the limit; ``max_shards`` (if set) caps the count and takes precedence.
    """
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError(
            "Both max_shard_bytes and bytes_per_string_element must be positive. "
            f"Currently, max_shard_bytes is {max_shard_bytes} and "
            f"bytes_per_string_element is {bytes_per_string_element}")
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def partitioner(shape: Sequence[int], dtype: Any) -> list[int]:
        shape = _fully_defined(shape)
        length = _axis_length(shape, axis)
        element_size = _element_size(dtype, bytes_per_string_element)
        # Float arithmetic exactly as TF, so the counts agree at the boundaries.
        bytes_per_slice = (math.prod(shape) / length) * element_size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        shards = math.ceil(length / slices_per_shard)
        if max_shards:
            shards = min(max_shards, shards)
        return _split(shape, axis, shards)

    return partitioner


def min_max_variable_partitioner(max_partitions: int = 1, axis: int = 0,
                                 min_slice_size: int = 256 << 10,
                                 bytes_per_string_element: int = 16) -> Partitioner:
    """Split ``axis`` into shards of at least ``min_slice_size`` bytes each.

    At most ``max_partitions`` shards, at most one per slice along ``axis``, and
    at least one.
    """

    def partitioner(shape: Sequence[int], dtype: Any) -> list[int]:
        shape = _fully_defined(shape)
        length = _axis_length(shape, axis)
        total_bytes = math.prod(shape) * _element_size(dtype, bytes_per_string_element)
        wanted = math.ceil(total_bytes / min_slice_size)
        return _split(shape, axis, max(1, min(length, max_partitions, wanted)))

    return partitioner
