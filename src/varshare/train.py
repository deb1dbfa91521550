"""TF 1.x name-based checkpoints without TensorFlow: ``tf.compat.v1.train`` on varshare.

>>> import varshare as vs, tempfile, os
>>> with vs.variable_scope("layer"):
...     w = vs.get_variable("w", [3, 2], initializer=vs.ones_initializer())
>>> saver = vs.train.Saver()
>>> prefix = saver.save(None, os.path.join(tempfile.mkdtemp(), "model.ckpt"), global_step=1)
>>> os.path.basename(prefix)
'model.ckpt-1'
>>> w.assign(w.numpy() * 0)  # doctest: +ELLIPSIS
<varshare.Variable 'layer/w:0' ...>
>>> saver.restore(None, prefix)
>>> float(w.numpy().sum())
6.0
>>> vs.train.list_variables(os.path.dirname(prefix))
[('layer/w', [3, 2])]

The files are TF's own (``PREFIX.index`` + ``PREFIX.data-00000-of-00001`` and the
directory's ``checkpoint`` file): TF reads what varshare writes and the other way round,
partitioned variables included, into any partitioning.  Reading checks every length,
offset and crc32c against the file before use, so a corrupt or hostile file is a
:class:`~varshare.errors.CheckpointError` (a ``ValueError``) naming the file, never a
crash.  Needs ``pip install "varshare[train]"`` (crc32c; ml_dtypes for bfloat16).
See ``docs/tf-checkpoints.md``.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from varshare._checkpoint import assignment_map as _assignment_map
from varshare._checkpoint import state as _state
from varshare._checkpoint import transfer
from varshare._checkpoint.bundle import BundleReader, index_path
from varshare._checkpoint.state import CheckpointState
from varshare._scope.store import get_variable_store
from varshare._scope.variables import Variable
from varshare.errors import CheckpointError

__all__ = ["Saver", "CheckpointReader", "CheckpointState", "load_checkpoint",
           "list_variables", "latest_checkpoint", "get_checkpoint_state",
           "init_from_checkpoint"]


class Saver:
    """Saves and restores variables as TF 1.x's ``tf.compat.v1.train.Saver`` does.

    Args:
      var_list: None (all global variables), a list of Variables and
        PartitionedVariables, or a dict from checkpoint name to a Variable, a
        PartitionedVariable or a list of shards.  Shards are saved as TF saves them:
        a full-name entry listing the slices, then one entry per slice.
      max_to_keep: how many recent checkpoints this Saver keeps; older ones are
        deleted.  None or 0 keeps every file (the state file then lists the latest).
      sharded: accepted for TF compatibility: with one host there is one data file
        either way, as in TF on one device.
      pad_step_number: write the step as 8 digits (``model-00000003``).
      save_relative_paths: write the paths in the state file relative to its directory.
      allow_empty: an empty ``var_list`` is an error unless True.
      progress: show a tqdm bar for saves and restores that take over a second (if tqdm
        is installed); False never does.
    """

    def __init__(self, var_list: Any = None, *, max_to_keep: int | None = 5,
                 sharded: bool = False, pad_step_number: bool = False,
                 save_relative_paths: bool = False, allow_empty: bool = False,
                 progress: bool = True) -> None:
        del sharded
        self._targets = transfer.targets_of(var_list)
        if not self._targets and not allow_empty:
            raise ValueError("No variables to save")
        self._max_to_keep = max_to_keep
        self._pad_step_number = pad_step_number
        self._save_relative_paths = save_relative_paths
        self._progress = progress
        self._last_checkpoints: list[str] = []

    @property
    def last_checkpoints(self) -> list[str]:
        """The checkpoints this Saver wrote and still keeps, oldest first."""
        return list(self._last_checkpoints)

    def save(self, sess: Any, save_path: str | os.PathLike, global_step: Any = None,
             latest_filename: str | None = None, meta_graph_suffix: str = "meta",
             write_meta_graph: bool = True, write_state: bool = True) -> str:
        """Write the variables to the checkpoint ``save_path`` (``-<global_step>`` appended
        if given) and return its prefix.

        ``sess`` is ignored (pass None); no ``.meta`` graph is written whatever
        ``write_meta_graph`` says (varshare has no graph protos).  ``write_state``
        updates the directory's ``checkpoint`` file (``latest_filename``) and deletes
        checkpoints beyond ``max_to_keep``.
        """
        del sess, meta_graph_suffix, write_meta_graph
        prefix = os.fspath(save_path)
        if global_step is not None:
            step = int(np.asarray(global_step))
            prefix += f"-{step:08d}" if self._pad_step_number else f"-{step}"
        directory = os.path.dirname(prefix)
        if directory:
            os.makedirs(directory, exist_ok=True)
        transfer.save(prefix, self._targets, self._progress)
        if write_state:
            self._remember(prefix, latest_filename)
        return prefix

    def _remember(self, prefix: str, latest_filename: str | None) -> None:
        """Record ``prefix`` as the latest, delete the oldest beyond ``max_to_keep``, and
        write the state file."""
        if prefix in self._last_checkpoints:
            self._last_checkpoints.remove(prefix)
        self._last_checkpoints.append(prefix)
        if self._max_to_keep:
            while len(self._last_checkpoints) > self._max_to_keep:
                _delete(self._last_checkpoints.pop(0))
        directory = os.path.dirname(prefix) or "."
        kept = self._last_checkpoints if self._max_to_keep else [prefix]
        _state.write_state(directory, self._state_path(directory, prefix),
                           [self._state_path(directory, p) for p in kept], latest_filename)

    def _state_path(self, directory: str, prefix: str) -> str:
        # A relative prefix is relative to the working directory, the state file's to its
        # directory; absolute ones are kept unless save_relative_paths (as TF).
        if self._save_relative_paths or not os.path.isabs(prefix):
            return os.path.relpath(prefix, directory)
        return prefix

    def restore(self, sess: Any, save_path: str | os.PathLike | None) -> None:
        """Assign the variables their values in the checkpoint ``save_path``.

        Everything is checked first (names, dtypes, shapes, slice coverage, the crc32c
        of every byte read); on any problem a CheckpointError (a ValueError) names the
        variables and the file, and no variable changes.  ``sess`` is ignored.
        """
        del sess
        if save_path is None:
            raise ValueError("Can't load save_path when it is None.")
        prefix = os.fspath(save_path)
        if not os.path.exists(index_path(prefix)):
            raise ValueError(f"The passed save_path is not a valid checkpoint: {prefix}")
        transfer.restore(BundleReader(prefix), self._targets, self._progress)


def _delete(prefix: str) -> None:
    """Remove the files of the checkpoint ``prefix``."""
    for path in [index_path(prefix), prefix + ".meta", *glob.glob(glob.escape(prefix)
                                                                  + ".data-?????-of-?????")]:
        if os.path.exists(path):
            os.remove(path)


class CheckpointReader:
    """Reads the tensors of a checkpoint (from :func:`load_checkpoint`), as TF's
    ``CheckpointReader``; tensors come from memory maps of the data files, checked."""

    def __init__(self, prefix: str) -> None:
        self._bundle = BundleReader(prefix)

    def has_tensor(self, name: str) -> bool:
        """Whether the checkpoint holds ``name``."""
        return self._bundle.has(name)

    def get_tensor(self, name: str) -> np.ndarray:
        """The tensor ``name`` as a new array (partitioned ones assembled from their
        slices, every byte crc-checked).  Strings are not read (a CheckpointError)."""
        if not self._bundle.has(name):
            raise CheckpointError(f"Key {name} not found in checkpoint {self._bundle.prefix}")
        return self._bundle.read(name)

    def get_variable_to_shape_map(self) -> dict[str, list[int]]:
        """``{name: shape as a list}`` of every tensor, sorted by name."""
        return {name: list(self._bundle.entry(name).shape) for name in self._bundle.names}

    def get_variable_to_dtype_map(self) -> dict[str, np.dtype]:
        """``{name: NumPy dtype}`` of every tensor, sorted by name: bfloat16 is
        ``ml_dtypes.bfloat16``; strings (and other non-numbers) are ``object``, as
        ``tf.string.as_numpy_dtype``."""
        return {name: self._bundle.dtype(name) or np.dtype(object)
                for name in self._bundle.names}


def _prefix(ckpt_dir_or_file: str | os.PathLike) -> str:
    """The checkpoint prefix of a directory (its latest) or of a prefix."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given "
                             f"directory {path}")
        return latest
    if not os.path.exists(index_path(path)):
        raise CheckpointError(f"Unsuccessful TensorSliceReader constructor: Failed to find "
                              f"any matching files for {path}")
    return path


def load_checkpoint(ckpt_dir_or_file: str | os.PathLike) -> CheckpointReader:
    """A reader of the checkpoint ``ckpt_dir_or_file``: a prefix, or a directory (its
    latest checkpoint)."""
    return CheckpointReader(_prefix(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file: str | os.PathLike) -> list[tuple[str, list[int]]]:
    """``[(name, shape), ...]`` of the checkpoint, sorted by name, as
    ``tf.train.list_variables`` (partitioned variables once, with the full shape)."""
    return sorted(load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map().items())


def get_checkpoint_state(checkpoint_dir: str | os.PathLike,
                         latest_filename: str | None = None) -> CheckpointState | None:
    """The state file of ``checkpoint_dir`` (None if absent), its relative paths made
    relative to the working directory, as TF's."""
    directory = os.fspath(checkpoint_dir)
    found = _state.read_state(directory, latest_filename)
    if found is None:
        return None
    return CheckpointState(
        _state.resolve(directory, found.model_checkpoint_path),
        tuple(_state.resolve(directory, p) for p in found.all_model_checkpoint_paths))


def latest_checkpoint(checkpoint_dir: str | os.PathLike,
                      latest_filename: str | None = None) -> str | None:
    """The prefix of the latest checkpoint named by the directory's state file, or None
    if there is none or its index file is missing."""
    found = get_checkpoint_state(checkpoint_dir, latest_filename)
    if found is None or not os.path.exists(index_path(found.model_checkpoint_path)):
        return None
    return found.model_checkpoint_path


def init_from_checkpoint(ckpt_dir_or_file: str | os.PathLike,
                         assignment_map: Mapping[str, Any], *, progress: bool = True
                         ) -> None:
    """Assign existing variables from a checkpoint, as TF 1.x's ``init_from_checkpoint``
    with its assignment-map rules and errors (``'old/': 'new/'``, ``'old/v': 'new/v'``,
    ``'/': 'scope/'``, a Variable or PartitionedVariable as a value).

    TF sets initializers; varshare's variables hold values, so they are assigned at
    once, after every check passed (nothing changes on an error).
    """
    reader = load_checkpoint(ckpt_dir_or_file)
    store: dict[str, Variable] = get_variable_store().variables
    targets = _assignment_map.targets(assignment_map, reader.get_variable_to_shape_map(),
                                      store, os.fspath(ckpt_dir_or_file))
    transfer.restore(reader._bundle, targets, progress)
