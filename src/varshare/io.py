"""Checkpoints keyed by TF 1.x names, in the safetensors format or as ``.npz``.

>>> import varshare as vs
>>> with vs.variable_scope("layer"):
...     w = vs.get_variable("w", [3, 2], initializer=vs.ones_initializer())
>>> vs.io.save("/tmp/model.npz")
['layer/w']
>>> w.assign(w.numpy() * 0)  # doctest: +ELLIPSIS
<varshare.Variable 'layer/w:0' ...>
>>> vs.io.restore("/tmp/model.npz")
['layer/w']
>>> float(w.numpy().sum())
6.0

The format follows the file name: ``.safetensors`` (needs ``pip install
"varshare[io]"``) or ``.npz`` (NumPy only).  A variable is stored under its op name
(``scope/var``, no ``:0``); a partitioned variable either whole under its own name, or
as one entry per shard (``scope/var/part_0``, ...) with TF's slice spec recorded in
the file's metadata.  Either form restores into any partitioning.

Arrays are made C-contiguous before writing (safetensors 0.8 writes F-order and
strided arrays as garbage).  A file is written as ``<path>.partial`` and renamed when
complete.  ``restore`` reads and checks everything (names, shapes, dtypes, slices)
before it assigns anything, and reports every mismatch at once.  A truncated or corrupt
file is an error; ``.npz`` members also carry a CRC-32, whereas safetensors has no
checksum, so flipped bits inside its data go unnoticed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from types import ModuleType

import numpy as np

from varshare._core.optional import require
from varshare._edges.checkpoint_names import VariableLike, by_name, full_value
from varshare._scope.variables import Variable
from varshare.errors import CheckpointError

__all__ = ["save", "restore"]

_METADATA_KEY = "varshare"          # safetensors __metadata__ entry / .npz member
_FORMATS = (".safetensors", ".npz")


def save(path: str | os.PathLike, variables: Iterable[VariableLike] | None = None, *,
         slices: bool = False) -> list[str]:
    """Write ``variables`` (default: all global variables) to ``path``.

    Args:
      path: a ``.safetensors`` or ``.npz`` file, replaced if it exists.
      variables: Variables and PartitionedVariables (shards are grouped by name).
      slices: store each shard of a partitioned variable as its own entry with its
        slice spec, instead of the whole variable (no concatenated copy in memory).

    Returns:
      The names of the saved variables, sorted.
    """
    path = os.fspath(path)
    suffix = _suffix(path)
    arrays: dict[str, np.ndarray] = {}
    specs: dict[str, dict[str, str]] = {}
    groups = by_name(variables)
    for name, parts in groups.items():
        if slices and parts[0].save_slice_info is not None:
            for part in parts:
                info = part.save_slice_info
                assert info is not None                 # by_name never mixes the two kinds
                arrays[part.op.name] = part.numpy()
                specs[part.op.name] = {"name": name, "spec": info.spec}
        else:
            arrays[name] = full_value(parts)
    arrays = {k: np.asarray(v, order="C") for k, v in arrays.items()}  # keeps 0-d arrays
    metadata = json.dumps({"format": 1, "slices": specs})
    partial = path + ".partial"
    try:
        if suffix == ".npz":
            with open(partial, "wb") as f:
                entries = {**arrays, _METADATA_KEY: np.array(metadata)}
                np.savez(f, **entries)  # type: ignore[arg-type]  # (stub: allow_pickle)
        else:
            _safetensors().save_file(arrays, partial, metadata={_METADATA_KEY: metadata})
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise
    return sorted(groups)


def restore(path: str | os.PathLike, variables: Iterable[VariableLike] | None = None
            ) -> list[str]:
    """Assign the values stored in ``path`` to ``variables`` (default: all global ones).

    Every variable must be in the file, with its full shape and dtype; entries the
    file has beyond them are ignored.  On any problem nothing is assigned.

    Raises:
      CheckpointError: (a ValueError) the file is unreadable, truncated or corrupt, or
        does not match the variables (all mismatches are listed).

    Returns:
      The names of the restored variables, sorted.
    """
    path = os.fspath(path)
    stored = _read(path, _suffix(path))
    groups = by_name(variables)
    values, problems = {}, []
    for name, parts in sorted(groups.items()):
        info = parts[0].save_slice_info
        expected = parts[0].shape if info is None else tuple(info.full_shape)
        value = stored.get(name)
        if value is None:
            problems.append(f"{name}: not in the file")
        elif value.shape != expected:
            problems.append(f"{name}: shape {value.shape} in the file, {expected} in the graph")
        elif value.dtype != parts[0].dtype:
            problems.append(f"{name}: dtype {value.dtype} in the file, {parts[0].dtype} "
                            f"in the graph")
        else:
            values[name] = value
    if problems:
        raise CheckpointError(f"checkpoint {path} does not match the variables:\n  "
                              + "\n  ".join(problems))
    for name, parts in groups.items():
        for part in parts:
            _assign(part, values[name])
    return sorted(groups)


def _assign(part: Variable, value: np.ndarray) -> None:
    info = part.save_slice_info
    if info is not None:
        value = value[tuple(slice(o, o + n) for o, n in zip(info.var_offset, info.var_shape))]
    part.assign(value)


def _suffix(path: str) -> str:
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in _FORMATS:
        raise ValueError(f"path must end in .safetensors or .npz, got {path!r}")
    return suffix


def _safetensors() -> ModuleType:
    return require("safetensors.numpy", ".safetensors files need safetensors", "io")


def _read(path: str, suffix: str) -> dict[str, np.ndarray]:
    """Every variable in the file by name, shards assembled into whole arrays."""
    try:
        if suffix == ".npz":
            with np.load(path, allow_pickle=False) as npz:
                arrays = {name: npz[name] for name in npz.files}
            metadata = str(arrays.pop(_METADATA_KEY))
        else:
            with _safetensors().safe_open(path, framework="np") as f:
                arrays = {name: f.get_tensor(name) for name in f.keys()}
                metadata = f.metadata()[_METADATA_KEY]
        specs = json.loads(metadata)["slices"]
    except FileNotFoundError:
        raise
    except Exception as err:  # zip, safetensors, JSON and key errors alike
        raise CheckpointError(f"cannot read checkpoint {path}: it is truncated, corrupt or "
                              f"not written by varshare.io.save ({type(err).__name__}: "
                              f"{err})") from err
    return _assemble(path, arrays, specs)


def _assemble(path: str, arrays: dict[str, np.ndarray],
              specs: Mapping[str, Mapping[str, str]]) -> dict[str, np.ndarray]:
    """Replace the shard entries of ``arrays`` by their whole variables."""
    wholes: dict[str, np.ndarray] = {}
    filled: dict[str, int] = {}
    for key, spec in specs.items():
        shard = arrays.pop(key, None)
        full, window = _parse_spec(path, spec["spec"])
        if shard is None or shard.shape != tuple(s.stop - s.start for s in window):
            raise CheckpointError(f"checkpoint {path}: shard {key} is missing or does not "
                                  f"match its slice spec {spec['spec']!r}")
        whole = wholes.setdefault(spec["name"], np.empty(full, shard.dtype))
        if whole.shape != full or whole.dtype != shard.dtype:
            raise CheckpointError(f"checkpoint {path}: shards of {spec['name']} disagree on "
                                  f"the full shape or dtype")
        whole[window] = shard
        filled[spec["name"]] = filled.get(spec["name"], 0) + shard.size
    incomplete = sorted(n for n, w in wholes.items() if filled[n] != w.size)
    if incomplete:
        raise CheckpointError(f"checkpoint {path}: the shards of {incomplete} do not cover "
                              f"the whole variable")
    return {**arrays, **wholes}


def _parse_spec(path: str, spec: str) -> tuple[tuple[int, ...], tuple[slice, ...]]:
    """TF's slice spec ``"10 20 0,5:0,20"`` -> ((10, 20), (slice(0, 5), slice(0, 20)))."""
    try:
        *dims, slices = spec.split(" ")
        full = tuple(int(d) for d in dims)
        pairs = [tuple(int(x) for x in s.split(",")) for s in slices.split(":")]
        window = tuple(slice(o, o + n) for o, n in pairs)
        if len(window) != len(full) or any(
                not 0 <= w.start <= w.stop <= d for w, d in zip(window, full)):
            raise ValueError
    except ValueError:
        raise CheckpointError(f"checkpoint {path}: bad slice spec {spec!r}") from None
    return full, window
