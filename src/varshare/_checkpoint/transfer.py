"""Variables to a bundle and back: what each checkpoint name holds, saving it, and
restoring it into any partitioning after checking everything."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import numpy as np

from varshare._checkpoint import slices
from varshare._checkpoint.bundle import BundleReader, ShardWriter, write_index
from varshare._checkpoint.messages import Entry, dtype_code, dtype_name
from varshare._checkpoint.slices import Box
from varshare._edges.checkpoint_names import by_name
from varshare._edges.out_of_core import WINDOW_BYTES, Progress, windows
from varshare._scope.variables import PartitionedVariable, Variable
from varshare.errors import CheckpointError


class Target(NamedTuple):
    """A checkpoint name and the variables that hold it: one whole variable, or shards,
    each with its box in the full ``shape``."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    parts: tuple[tuple[Box, Variable], ...]

    @property
    def variable_name(self) -> str:
        """The name of the variable in the graph (the full name for shards)."""
        info = self.parts[0][1].save_slice_info
        return self.parts[0][1].op.name if info is None else info.full_name

    @property
    def partitioned(self) -> bool:
        """Whether the parts are shards (stored as slices)."""
        return self.parts[0][1].save_slice_info is not None


def target(name: str, parts: list[Variable]) -> Target:
    """The target ``name`` held by one variable or by shards (with slice info)."""
    info = parts[0].save_slice_info
    if info is None:
        return Target(name, parts[0].shape, parts[0].dtype,
                      ((slices.whole(parts[0].shape), parts[0]),))
    boxes = []
    for part in parts:
        part_info = part.save_slice_info
        if part_info is None or part_info.full_shape != info.full_shape or \
                part.dtype != parts[0].dtype:
            raise ValueError(f"the shards of {name} disagree on their full shape or dtype")
        boxes.append((tuple((o, o + n) for o, n in zip(part_info.var_offset,
                                                      part_info.var_shape)), part))
    return Target(name, tuple(info.full_shape), parts[0].dtype, tuple(boxes))


def targets_of(var_list: Any) -> list[Target]:
    """The targets of a Saver's ``var_list``: None (all global variables), a list of
    variables and partitioned variables, or a dict from checkpoint name to a variable,
    a partitioned variable or a list of shards."""
    if not isinstance(var_list, Mapping):
        return [target(name, parts) for name, parts in by_name(var_list).items()]
    found = []
    for name, value in var_list.items():
        if isinstance(value, Variable):
            parts = [value]
        elif isinstance(value, (PartitionedVariable, list, tuple)) and value and all(
                isinstance(v, Variable) for v in value):
            parts = list(value)
        else:
            raise TypeError(f"var_list[{name!r}] must be a Variable, a PartitionedVariable "
                            f"or a list of shards, got {type(value).__name__}")
        found.append(target(name, parts))
    return found


def save(prefix: str, targets: Iterable[Target], progress: bool) -> None:
    """Write ``targets`` as the checkpoint ``prefix`` (one data file, then the index)."""
    targets = sorted(targets, key=lambda t: t.name.encode())
    total = sum(v.numpy().nbytes for t in targets for _, v in t.parts)
    bar = Progress(total, progress, "save")
    try:
        with ShardWriter(prefix, on_bytes=bar.update) as writer:
            for t in targets:
                for box, part in t.parts:
                    if t.partitioned:
                        writer.add_slice(t.name, t.shape, box, part.numpy())
                    else:
                        writer.add(t.name, part.numpy())
        write_index(prefix, writer.entries)
    finally:
        bar.close()


def restore(reader: BundleReader, targets: Iterable[Target], progress: bool) -> None:
    """Assign every target its value from ``reader``, after checking names, dtypes, shapes,
    slice coverage and the crc32c of every stored part read; on any problem raise a
    CheckpointError listing them all, with nothing assigned."""
    problems: list[str] = []
    copies = []  # (variable, its box, a stored part's box, their common box, the part's values)
    needed = {}  # the stored parts read, to check: (name, box) -> (entry, values)
    for t in targets:
        try:
            for part_box, entry, values in _stored(reader, t):
                for box, variable in t.parts:
                    common = slices.intersect(box, part_box)
                    if common is not None:
                        copies.append((variable, box, part_box, common, values))
                        needed[t.name, part_box] = (entry, values)
        except CheckpointError as err:
            problems.append(str(err) + _into(t))
    total = (sum(v.nbytes for _, v in needed.values())
             + sum(math.prod(slices.shape_of(common)) * v.itemsize
                   for _, _, _, common, v in copies))
    bar = Progress(total, progress, "restore")
    try:
        for (name, _), (entry, values) in needed.items():
            try:
                reader.verify(name, entry, values, bar.update)
            except CheckpointError as err:
                problems.append(str(err))
        if problems:
            raise CheckpointError(f"cannot restore from checkpoint {reader.prefix}, nothing "
                                  f"was assigned:\n  " + "\n  ".join(problems))
        for variable, box, part_box, common, values in copies:
            _copy(variable.numpy()[slices.index(common, box)],
                  values[slices.index(common, part_box)], bar)
    finally:
        bar.close()


def _into(t: Target) -> str:
    """Names the variable in an error about ``t`` when the checkpoint calls it otherwise."""
    return "" if t.variable_name == t.name else f" (restoring variable {t.variable_name})"


def _stored(reader: BundleReader, t: Target) -> list[tuple[Box, Entry, np.ndarray]]:
    """The stored parts of ``t.name`` (box, entry, values), once its dtype and full shape
    are checked against the target's."""
    if not reader.has(t.name):
        raise reader.error(t.name, f"Key {t.name} not found in checkpoint")
    entry = reader.entry(t.name)
    if entry.dtype != dtype_code(t.dtype):
        raise reader.error(t.name, f"expected dtype {dtype_name(dtype_code(t.dtype))} does "
                                   f"not equal original dtype {dtype_name(entry.dtype)}")
    if entry.shape != t.shape:
        raise reader.error(t.name, f"shape {list(t.shape)} in the graph does not match the "
                                   f"shape stored in checkpoint: {list(entry.shape)}")
    return [(box, part, reader.array(t.name, part)) for box, part in reader.pieces(t.name)]


def _copy(out: np.ndarray, values: np.ndarray, bar: Progress) -> None:
    """``out[...] = values`` a window at a time (mapped pages are read as they go)."""
    for start, shape in windows(out.shape, out.itemsize, WINDOW_BYTES):
        window: tuple[Any, ...] = (*(slice(s, s + n) for s, n in zip(start, shape)), ...)
        out[window] = values[window]
        bar.update(math.prod(shape) * out.itemsize)
