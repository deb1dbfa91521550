"""Where a shard sits inside its full variable (TF 1.x ``_PartitionInfo``)."""

from __future__ import annotations

from typing import Sequence


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
        sliced = [i for i, (s, d) in enumerate(zip(shape, self._full_shape)) if s != d]
        if len(sliced) > 1:
            raise ValueError(
                f"Cannot use single_slice_dim() with shape={shape} and "
                f"full_shape={self._full_shape} since slicing on more than one dimension.")
        return sliced[0] if sliced else None

    def window(self, shape: Sequence[int]) -> tuple[slice, ...]:
        """The shard's slice of the full variable, one ``slice`` per axis."""
        return tuple(slice(o, o + s) for o, s in zip(self._var_offset, shape))

    def __repr__(self) -> str:
        return f"PartitionInfo(full_shape={self._full_shape}, var_offset={self._var_offset})"
