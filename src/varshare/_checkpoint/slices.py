"""Boxes of a tensor: where stored slices lie, what a requested window needs of them, and
whether a set of slices covers the tensor exactly once."""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from varshare._checkpoint.messages import Extents
from varshare._checkpoint.wire import Corrupt

# A box: (start, stop) per dimension.
Box = tuple[tuple[int, int], ...]
# Checking coverage marks a grid of the distinct slice boundaries; more cells than this
# would mean slices cut far finer than any partitioner does.
_MAX_GRID_CELLS = 1 << 22


def whole(shape: Sequence[int]) -> Box:
    """The box of the whole tensor."""
    return tuple((0, size) for size in shape)


def resolve(extents: Extents, shape: Sequence[int]) -> Box:
    """The box of a stored slice (length -1: the whole dimension), checked to lie in
    ``shape``."""
    box = tuple((0, size) if length == -1 else (start, start + length)
                for (start, length), size in zip(extents, shape))
    if len(box) != len(shape) or any(stop > size for (_, stop), size in zip(box, shape)):
        raise Corrupt(f"a slice {list(extents)} outside the shape {tuple(shape)}")
    return box


def extents(box: Box) -> Extents:
    """``box`` as stored extents, ``(start, length)`` per dimension."""
    return tuple((start, stop - start) for start, stop in box)


def shape_of(box: Box) -> tuple[int, ...]:
    """The shape of the values in ``box``."""
    return tuple(stop - start for start, stop in box)


def intersect(a: Box, b: Box) -> Box | None:
    """The common part of two boxes, or None if they share no element."""
    box = tuple((max(a0, b0), min(a1, b1)) for (a0, a1), (b0, b1) in zip(a, b))
    return box if all(start < stop for start, stop in box) else None


def index(box: Box, origin: Box) -> tuple[Any, ...]:
    """``box`` as an index into an array holding the box ``origin`` (a view, also of a
    0-d array)."""
    return (*(slice(start - o, stop - o) for (start, stop), (o, _) in zip(box, origin)), ...)


def check_cover(boxes: Sequence[Box], shape: Sequence[int]) -> None:
    """Raise :class:`Corrupt` unless ``boxes`` cover ``shape`` exactly once (no gap, no
    overlap)."""
    if math.prod(shape) == 0:
        return
    cuts = [sorted({0, size, *(b[axis][i] for b in boxes for i in (0, 1))})
            for axis, size in enumerate(shape)]
    grid = tuple(len(c) - 1 for c in cuts)
    if math.prod(grid) > _MAX_GRID_CELLS:
        raise Corrupt(f"{len(boxes)} slices cut too finely to check their coverage")
    count = np.zeros(grid, np.int32)
    for box in boxes:
        count[tuple(slice(bisect.bisect_left(c, start), bisect.bisect_left(c, stop))
                    for c, (start, stop) in zip(cuts, box))] += 1
    if (count == 0).any():
        raise Corrupt("its slices leave a gap")
    if (count > 1).any():
        raise Corrupt("its slices overlap")
