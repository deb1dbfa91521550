"""One tensor's initialisation, checked before anything is written: the memory to write
(the tensor, or a DTensor's local shard), its window of the full tensor, and the recipe."""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import NamedTuple

import torch

from varshare._core.checks import as_shape
from varshare._init.recipe import Recipe
from varshare._torch.host import host_array, host_dtype
from varshare._torch.placement import is_dtensor, local_window
from varshare._torch.streams import draws


class Fill(NamedTuple):
    """Write ``recipe``'s block at ``start`` into ``tensor`` (a plain tensor)."""

    tensor: torch.Tensor
    recipe: Recipe
    start: tuple[int, ...]

    def run(self) -> None:
        """Compute the block into the tensor's memory (or its host stand-in)."""
        with host_array(self.tensor) as out:
            self.recipe.fill(self.start, out)


def prepare(tensor: torch.Tensor, initializer: Callable, seed: int, name: str | None,
            full_shape: Sequence[int] | None = None,
            offset: Sequence[int] | None = None) -> Fill:
    """The checked :class:`Fill` of ``tensor``: a DTensor's local shard at its global
    offset, or a tensor as the window of ``full_shape`` at ``offset`` (default: the whole)."""
    if is_dtensor(tensor):
        if full_shape is not None or offset is not None:
            raise ValueError("a DTensor knows its global shape and its shard's offset: "
                             "give neither full_shape nor offset")
        local, start = local_window(tensor)
        full = tuple(tensor.shape)
    else:
        local = tensor
        full, start = _window(tuple(tensor.shape), full_shape, offset)
    recipe = Recipe.bound(initializer, full, host_dtype(local), draws(initializer, seed, name))
    # An empty window raises what the initializer would (parameters, dtype, shape) now,
    # before any tensor is written (orthogonal computes its matrix for it: twice in all).
    recipe.window((0,) * len(full), (0,) * len(full))
    return Fill(local, recipe, start)


def _window(shape: tuple[int, ...], full_shape: Sequence[int] | None,
            offset: Sequence[int] | None) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(full_shape, offset)`` checked: ``shape`` at ``offset`` lies inside ``full_shape``."""
    full = shape if full_shape is None else as_shape(full_shape)
    start = (0,) * len(full) if offset is None else tuple(operator.index(o) for o in offset)
    if not (len(shape) == len(full) == len(start)) or any(
            o < 0 or o + s > d for o, s, d in zip(start, shape, full)):
        raise ValueError(f"a tensor of shape {shape} at offset {start} does not fit in "
                         f"full_shape {full}")
    return full, start
