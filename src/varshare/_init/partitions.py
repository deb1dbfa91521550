"""Partition arithmetic, in one place: how a partitioner's answer cuts a variable, which
axis a shard is cut along, and where each shard sits (TF 1.x's rules and ``_PartitionInfo``).
"""

from __future__ import annotations

import operator
from typing import Any, Callable, NamedTuple, Sequence

from varshare.errors import PartitionError


class PartitionInfo:
    """The full shape of a partitioned variable and the offset of one shard.

    Initializers receive it as ``partition_info`` so that a shard can be generated
    as exactly its window of the whole variable.
    """

    __slots__ = ("_full_shape", "_var_offset")

    def __init__(self, full_shape: Sequence[int], var_offset: Sequence[int]):
        full_shape = tuple(int(d) for d in full_shape)
        var_offset = tuple(int(o) for o in var_offset)
        if len(full_shape) != len(var_offset):
            raise ValueError(
                f"full_shape {full_shape} and var_offset {var_offset} differ in rank")
        if any(not 0 <= o <= d for o, d in zip(var_offset, full_shape)):
            raise ValueError(f"var_offset {var_offset} lies outside full_shape {full_shape}")
        self._full_shape = full_shape
        self._var_offset = var_offset

    @property
    def full_shape(self) -> tuple[int, ...]:
        return self._full_shape

    @property
    def var_offset(self) -> tuple[int, ...]:
        return self._var_offset

    def single_offset(self, shape: Sequence[int]) -> int:
        """The offset along the one axis the shard is sliced on (0 if unsliced)."""
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self._var_offset[dim]

    def single_slice_dim(self, shape: Sequence[int]) -> int | None:
        """The one axis along which ``shape`` is a slice of the full shape, or None."""
        shape = tuple(shape)
        if len(shape) != len(self._full_shape):
            raise ValueError(
                f"Expected equal length, but received shape={shape} of length {len(shape)} "
                f"while full_shape={self._full_shape} is of length {len(self._full_shape)}.")
        for o, s, d in zip(self._var_offset, shape, self._full_shape):
            if o + s > d:
                raise ValueError(
                    f"With var_offset={self._var_offset}, shape={shape} exceeds "
                    f"full_shape={self._full_shape}.")
        return sliced_axis(self._full_shape, shape)

    def window(self, shape: Sequence[int]) -> tuple[slice, ...]:
        """The shard's slice of the full variable, one ``slice`` per axis."""
        return tuple(slice(o, o + s) for o, s in zip(self._var_offset, shape))

    def __repr__(self) -> str:
        return f"PartitionInfo(full_shape={self._full_shape}, var_offset={self._var_offset})"


def sliced_axis(full_shape: Sequence[int], shard_shape: Sequence[int]) -> int | None:
    """The one axis along which ``shard_shape`` is cut from ``full_shape``; None if the
    shard is the whole. A cut along several axes is a ValueError (TF's text)."""
    sliced = [i for i, (s, d) in enumerate(zip(shard_shape, full_shape)) if s != d]
    if len(sliced) > 1:
        raise ValueError(
            f"Cannot use single_slice_dim() with shape={tuple(shard_shape)} and "
            f"full_shape={tuple(full_shape)} since slicing on more than one dimension.")
    return sliced[0] if sliced else None


def partitions_of(partitioner: Callable, shape: tuple[int | None, ...] | None,
                  dtype: Any) -> list[int]:
    """The partitions per axis that ``partitioner`` gives a variable, checked as TF does:
    one count per axis, all >= 1, more than one on at most one axis."""
    if shape is None or None in shape:
        raise PartitionError(f"Shape of a new partitioned variable must be fully defined, "
                             f"but instead was {'<unknown>' if shape is None else shape}.")
    if not shape:
        raise PartitionError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, (list, tuple)):
        raise PartitionError(f"Partitioner must return a sequence, but saw: {slicing}")
    if len(slicing) != len(shape):
        raise PartitionError(f"Partitioner returned a partition list that does not match the "
                             f"Variable's rank: {slicing} vs. {shape}")
    slicing = [operator.index(p) for p in slicing]     # a float count is TF's TypeError
    if any(p < 1 for p in slicing):
        raise PartitionError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise PartitionError(f"Can only slice a variable along one dimension: shape: {shape}, "
                             f"partitioning: {slicing}")
    return slicing


class Shard(NamedTuple):
    """One shard of a partitioned variable: its name, shape and place in the whole."""

    name: str
    shape: tuple[int, ...]
    partition_info: PartitionInfo


def shard_layout(name: str, shape: tuple[int, ...], partitions: Sequence[int]) -> list[Shard]:
    """The shards of variable ``name`` cut by ``partitions``, as TF cuts them: ``name/part_i``
    in order along the partitioned axis, the first ``size % n`` one element longer.

    Every shard must start inside the variable, as TF requires: no empty shards, and no
    partitioning of a variable with a zero-length axis.
    """
    axis = next((i for i, p in enumerate(partitions) if p > 1), 0)
    n = partitions[axis]
    small, extra = divmod(shape[axis], n)
    shards, offset = [], 0
    for i in range(n):
        size = small + (i < extra)
        start = (0,) * axis + (offset,) + (0,) * (len(shape) - axis - 1)
        for o, d in zip(start, shape):
            if not 0 <= o < d:
                raise PartitionError(
                    f"Expected 0 <= offset < shape but found offset={o}, shape={d} for "
                    f"var_offset={list(start)}, full_shape={list(shape)}")
        shards.append(Shard(f"{name}/part_{i}", shape[:axis] + (size,) + shape[axis + 1:],
                            PartitionInfo(shape, start)))
        offset += size
    return shards
