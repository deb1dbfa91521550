"""Initialise arrays larger than memory, one window of bounded size at a time.

>>> import varshare as vs
>>> table = vs.init_to_file(vs.truncated_normal_initializer(stddev=0.02, seed=7),
...                         (1000, 64), "float32", "/tmp/table.npy", progress=False)
>>> bool((table[:10] == vs.truncated_normal_initializer(stddev=0.02, seed=7)(
...     (1000, 64), "float32")[:10]).all())
True

Each window is the initializer's own ``partition_info`` window of the full array, so the
result is bit-identical to ``initializer(shape, dtype)`` computed in memory, whatever the
window size.  :func:`init_to_file` computes, writes and flushes one window at a time, so its
resident memory stays about one window (default 64 MiB) whatever the file size.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from varshare._core import checks
from varshare._init.recipe import Recipe

WINDOW_BYTES = 64 << 20
# Work that has run this long (seconds) gets a progress bar, if tqdm is installed.
_PROGRESS_AFTER = 1.0

Window = tuple[tuple[int, ...], tuple[int, ...]]  # (start, shape)


def init_to_file(initializer: Callable, shape: Sequence[int], dtype: Any,
                 path: str | os.PathLike, *, window_bytes: int = WINDOW_BYTES,
                 progress: bool = True) -> np.memmap:
    """Write ``initializer(shape, dtype)`` to the ``.npy`` file ``path`` in bounded memory.

    The file is built as ``<path>.partial`` and renamed to ``path`` once complete, so
    an interrupted run never leaves a half-written ``path``.

    Args:
      initializer: ``init(shape, dtype=None, partition_info=None)``, e.g.
        ``vs.truncated_normal_initializer(seed=1)``; unseeded ones draw their seed once.
      shape: of the whole array.
      dtype: of the whole array.
      path: the ``.npy`` file to create (replaced if it exists).
      window_bytes: largest window computed at once (at least one element is).
      progress: show a tqdm bar once the work has taken a second (if tqdm is installed
        and stderr is a terminal); False never does.

    Returns:
      The file, memory-mapped read-write (pages are read only when touched).
    """
    recipe = Recipe.of(initializer, shape, dtype)
    path = os.fspath(path)
    partial = path + ".partial"
    header = np.lib.format.open_memmap(partial, "w+", recipe.dtype, recipe.shape)
    data_start = header.offset
    del header

    try:
        with open(partial, "r+b") as file:
            def write(start: tuple[int, ...], shape: tuple[int, ...]) -> None:
                block = recipe.window(start, shape)     # one window alive at a time
                if block.size:
                    flat = int(np.ravel_multi_index(start, recipe.shape))
                    _pwrite(file.fileno(), block, data_start + flat * block.itemsize)
                    os.fdatasync(file.fileno())

            _each_window(recipe, write, window_bytes, progress, os.path.basename(path))
        os.replace(partial, path)
    except BaseException:
        os.remove(partial)
        raise
    return np.lib.format.open_memmap(path, "r+")


def initialize_into(out: np.ndarray, initializer: Callable, *,
                    window_bytes: int = WINDOW_BYTES, progress: bool = True) -> np.ndarray:
    """Fill ``out`` with ``initializer(out.shape, out.dtype)``, one window at a time.

    ``out`` is any writable array: an ``np.memmap`` (flushed at the end), an array
    of any layout, a view.  Initializers with a ``fill`` method (varshare's) write each
    window in place; others use one window of extra memory.  The pages of a memmap ``out``
    count as the process's (file-backed, reclaimable) memory while it stays mapped:
    use :func:`init_to_file` to keep that flat too.  Arguments as :func:`init_to_file`.
    """
    checks.check_array(out)
    recipe = Recipe.of(initializer, out.shape, out.dtype)

    def fill(start: tuple[int, ...], shape: tuple[int, ...]) -> None:
        recipe.fill(start, out[tuple(slice(s, s + n) for s, n in zip(start, shape))])

    _each_window(recipe, fill, window_bytes, progress, "initialize")
    if isinstance(out, np.memmap):
        out.flush()
    return out


def _pwrite(fd: int, block: np.ndarray, position: int) -> None:
    """Write ``block``'s C-order bytes at ``position`` (writes, not a mapping: no page
    faults, and the file's pages never count as this process's memory)."""
    data = np.ascontiguousarray(block).data.cast("B")
    while data:
        written = os.pwrite(fd, data, position)
        data, position = data[written:], position + written


def _each_window(recipe: Recipe, handle: Callable[[tuple[int, ...], tuple[int, ...]], None],
                 window_bytes: int, progress: bool, label: str) -> None:
    """``handle(start, shape)`` every window of ``recipe`` in C order, with progress."""
    window_bytes = checks.as_count(window_bytes, "window_bytes", minimum=1)
    bar = Progress(math.prod(recipe.shape) * recipe.dtype.itemsize, progress, label)
    try:
        for start, shape in windows(recipe.shape, recipe.dtype.itemsize, window_bytes):
            handle(start, shape)
            bar.update(math.prod(shape) * recipe.dtype.itemsize)
    finally:
        bar.close()


def windows(shape: tuple[int, ...], itemsize: int, window_bytes: int) -> Iterator[Window]:
    """C-order tiles of ``shape``: each a contiguous run of at most ``window_bytes``
    (or one element), as ``(start, shape)``.

    Whole trailing sub-arrays are grouped along the outermost axis that lets them fit;
    axes before it advance one index at a time.
    """
    axis, inner = len(shape), itemsize  # shape[axis:] is `inner` bytes and fits
    while axis and inner * shape[axis - 1] <= window_bytes:
        axis -= 1
        inner *= shape[axis]
    if axis == 0:
        yield (0,) * len(shape), shape
        return
    split = axis - 1  # tiled in runs of `step` indices
    step = max(1, window_bytes // inner)
    for outer in np.ndindex(shape[:split]):
        for lo in range(0, shape[split], step):
            yield ((*outer, lo) + (0,) * (len(shape) - axis),
                   (1,) * split + (min(step, shape[split] - lo),) + shape[axis:])


class Progress:
    """A tqdm bar over ``total`` bytes that appears once the work has run a second."""

    def __init__(self, total: int, enabled: bool, label: str) -> None:
        self._total, self._enabled, self._label = total, enabled, label
        self._done, self._bar, self._start = 0, None, time.perf_counter()

    def update(self, n: int) -> None:
        self._done += n
        if self._bar is not None:
            self._bar.update(n)
        elif self._enabled and time.perf_counter() - self._start > _PROGRESS_AFTER:
            self._enabled = False  # one attempt
            try:
                from tqdm import tqdm
            except ImportError:
                return
            self._bar = tqdm(total=self._total, initial=self._done, desc=self._label,
                             unit="B", unit_scale=True, unit_divisor=1024, disable=None)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
