"""An initializer bound to a full shape, a dtype and its seed draws: any window on demand.

A :class:`Recipe` is what out-of-core and Dask initialisation ship around instead of
arrays: small, picklable, and every window it computes is bit-identical to the same
slice of ``initializer(shape, dtype)``, in any thread or process, in any order.
Element-local initializers (all but orthogonal) compute a window in time proportional
to it; ``orthogonal_initializer`` computes its whole matrix for every window.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from varshare._core.dtypes import as_dtype
from varshare._init.partitions import PartitionInfo
from varshare._core.checks import as_shape
from varshare._core.graph import get_default_graph
from varshare._core.seeding import random_algorithm, replaying


def windowable(initializer: Callable) -> bool:
    """Whether windows of ``initializer`` are slices of one array: not in TF mode, where
    every call draws anew, as TensorFlow does."""
    explicit = getattr(initializer, "algorithm", None)
    return get_default_graph().seeds.current_algorithm(explicit) != "tf"


class Recipe(NamedTuple):
    """``initializer`` over the array ``shape``/``dtype``, its op seeds drawn as ``seeds``."""

    initializer: Callable
    shape: tuple[int, ...]
    dtype: np.dtype
    seeds: dict[int | None, tuple[int, int]]

    @classmethod
    def of(cls, initializer: Callable, shape: Sequence[int], dtype: Any) -> Recipe:
        """Bind ``initializer`` now: its seeds are drawn once, by an empty-window call,
        so that even an unseeded initializer gives windows of one array."""
        recipe = cls.bound(initializer, shape, dtype, {})
        with get_default_graph().seeds.creating_variable() as seeds:
            recipe._call((0,) * len(recipe.shape), (0,) * len(recipe.shape))
            recipe.seeds.update(seeds)
        return recipe

    @classmethod
    def bound(cls, initializer: Callable, shape: Sequence[int], dtype: Any,
              seeds: dict[int | None, tuple[int, int]]) -> Recipe:
        """Bind ``initializer`` to given seed draws ``{op seed: (seed, stream)}``."""
        if not callable(initializer):
            raise TypeError(f"initializer must be callable, got {type(initializer).__name__}")
        shape = as_shape(shape)
        if not windowable(initializer):
            raise ValueError("a TF-mode initializer draws every window anew, as TensorFlow "
                             "does, so windows would not be slices of one array: use "
                             "algorithm='varshare'")
        return cls(initializer, shape, as_dtype(dtype), dict(seeds))

    def fill(self, start: Sequence[int], out: np.ndarray) -> np.ndarray:
        """Write the block of ``out.shape`` at ``start`` into ``out``: in place, with no
        temporary, for initializers with a ``fill`` method; else computed and copied."""
        fill = getattr(self.initializer, "fill", None)
        if fill is None:
            out[...] = self.window(start, out.shape)
            return out
        with replaying(self.seeds), random_algorithm("varshare"):
            return fill(out, PartitionInfo(self.shape, start))

    def window(self, start: Sequence[int], shape: Sequence[int]) -> np.ndarray:
        """The block of ``shape`` at ``start`` of the full array (a new array)."""
        with replaying(self.seeds), random_algorithm("varshare"):
            return self._call(start, tuple(shape))

    def _call(self, start: Sequence[int], shape: tuple[int, ...]) -> np.ndarray:
        value = self.initializer(shape, dtype=self.dtype,
                                 partition_info=PartitionInfo(self.shape, start))
        value = np.asarray(value, self.dtype)
        if value.shape != shape:
            raise ValueError(f"initializer returned shape {value.shape} for a window of "
                             f"shape {shape}: it must honour partition_info")
        return value
