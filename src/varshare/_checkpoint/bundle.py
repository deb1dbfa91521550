"""A bundle: the ``PREFIX.index`` table of entries and the ``PREFIX.data-*`` files.

:class:`BundleReader` reads one, taking tensors straight from memory maps of the data
files after checking their bounds and crc32c.  Writing is split so that many processes
can write one checkpoint, as TF's sharded ``Saver`` and ``MergeBundles`` do:
:class:`ShardWriter` writes one data file and returns its entries, :func:`merge_entries`
joins the entries of several, :func:`write_index` writes the index.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType

import numpy as np

from varshare._checkpoint import crc, slices
from varshare._checkpoint.messages import (
    Entry, Header, decode_entry, decode_header, dtype_code, dtype_name, encode_entry,
    encode_header, numpy_dtype)
from varshare._checkpoint.ordered_code import slice_key
from varshare._checkpoint.slices import Box
from varshare._checkpoint.table import read_table, write_table
from varshare._checkpoint.wire import Corrupt
from varshare._edges.out_of_core import WINDOW_BYTES, windows
from varshare.errors import CheckpointError

_HEADER_KEY = b""
_SLICE_KEY_START = b"\x00"  # slice keys begin with OrderedCode's 0; names never do


def index_path(prefix: str) -> str:
    """The index file of the checkpoint ``prefix``."""
    return prefix + ".index"


def data_path(prefix: str, shard_id: int, num_shards: int) -> str:
    """The data file ``shard_id`` of ``num_shards`` of the checkpoint ``prefix``."""
    return f"{prefix}.data-{shard_id:05d}-of-{num_shards:05d}"


def _nbytes(dtype: np.dtype, shape: Sequence[int]) -> int:
    return math.prod(shape) * dtype.itemsize


class BundleReader:
    """The entries of a checkpoint, and its tensors read from the data files.

    Everything from the files is checked before use; a problem is a
    :class:`~varshare.errors.CheckpointError` (a ValueError) naming the file and the entry.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.index_file = index_path(prefix)
        with open(self.index_file, "rb") as file:
            data = file.read()
        try:
            items = read_table(data)
            if not items or items[0][0] != _HEADER_KEY:
                raise Corrupt("no header entry")
            self.header = decode_header(items[0][1])
            self._entries = {key: decode_entry(value) for key, value in items[1:]}
            self.names = [key.decode() for key in self._entries
                          if not key.startswith(_SLICE_KEY_START)]
        except (Corrupt, UnicodeDecodeError) as err:
            raise CheckpointError(f"checkpoint index {self.index_file} is corrupt or "
                                  f"truncated: {err}") from None
        if self.header.endianness != 0 or self.header.num_shards < 1:
            raise CheckpointError(f"checkpoint index {self.index_file}: unsupported header "
                                  f"{self.header} (big-endian or no data files)")
        self._maps: dict[int, np.ndarray] = {}

    def error(self, name: str, problem: str, file: str | None = None) -> CheckpointError:
        """The error for ``problem`` with the entry ``name``, naming ``file`` (default: the
        index)."""
        return CheckpointError(f"checkpoint {file or self.index_file}: {name}: {problem}")

    def has(self, name: str) -> bool:
        """Whether the checkpoint holds a tensor ``name``."""
        key = name.encode()
        return not key.startswith(_SLICE_KEY_START) and key in self._entries

    def entry(self, name: str) -> Entry:
        """The entry of the tensor ``name`` (KeyError if absent)."""
        return self._entries[name.encode()]

    def dtype(self, name: str) -> np.dtype | None:
        """The NumPy dtype of ``name``, or None for strings and other non-numbers."""
        return numpy_dtype(self.entry(name).dtype)

    def pieces(self, name: str) -> list[tuple[Box, Entry]]:
        """The stored parts of ``name`` with their boxes: the whole tensor, or its slices
        (checked to match the tensor and to cover it exactly once)."""
        entry = self.entry(name)
        if not entry.slices:
            return [(slices.whole(entry.shape), entry)]
        found = []
        try:
            for extents in entry.slices:
                box = slices.resolve(extents, entry.shape)
                part = self._entries.get(slice_key(name, extents))
                if part is None:
                    raise Corrupt(f"the slice {list(extents)} has no entry")
                if part.dtype != entry.dtype or part.shape != slices.shape_of(box):
                    raise Corrupt(f"the slice {list(extents)} holds {dtype_name(part.dtype)} "
                                  f"{part.shape}")
                found.append((box, part))
            slices.check_cover([box for box, _ in found], entry.shape)
        except Corrupt as err:
            raise self.error(name, str(err)) from None
        return found

    def array(self, name: str, entry: Entry) -> np.ndarray:
        """The stored values of ``entry`` (a part of ``name``), read-only, mapped from
        its data file once its bounds are checked (the crc is not: see :meth:`verify`)."""
        dtype = numpy_dtype(entry.dtype)
        if dtype is None:
            raise self.error(name, f"it holds {dtype_name(entry.dtype)} tensors, which "
                                    f"varshare does not read")
        if entry.shard_id >= self.header.num_shards:
            raise self.error(name, f"data file {entry.shard_id} of "
                                    f"{self.header.num_shards} does not exist")
        file = data_path(self.prefix, entry.shard_id, self.header.num_shards)
        if entry.size != _nbytes(dtype, entry.shape):
            raise self.error(name, f"{entry.size} bytes stored for {dtype} {entry.shape}",
                              file)
        if entry.size == 0:
            return np.zeros(entry.shape, dtype)
        data = self._map(entry.shard_id, file)
        if entry.offset + entry.size > data.size:
            raise self.error(name, f"bytes {entry.offset}..{entry.offset + entry.size} "
                                    f"are past the end of the file ({data.size} bytes)", file)
        return data[entry.offset:entry.offset + entry.size].view(dtype).reshape(entry.shape)

    def _map(self, shard_id: int, file: str) -> np.ndarray:
        if shard_id not in self._maps:
            try:
                empty = os.path.getsize(file) == 0
                self._maps[shard_id] = (np.zeros(0, np.uint8) if empty
                                        else np.memmap(file, np.uint8, "r"))
            except OSError as err:
                raise CheckpointError(f"checkpoint {self.prefix}: cannot read data file "
                                      f"{file}: {err}") from None
        return self._maps[shard_id]

    def verify(self, name: str, entry: Entry, values: np.ndarray,
               on_bytes: Callable[[int], None] | None = None) -> None:
        """Raise unless ``values`` (from :meth:`array`) match the entry's crc32c."""
        if crc.mask(crc.extend(0, values, on_bytes)) != entry.crc32c:
            file = data_path(self.prefix, entry.shard_id, self.header.num_shards)
            raise self.error(name, f"its data at byte {entry.offset} fails the crc32c "
                                    f"check (the file is corrupt)", file)

    def read(self, name: str) -> np.ndarray:
        """The whole tensor ``name`` as a new array, assembled from its slices if it has
        them; every byte read is crc-checked."""
        full = slices.whole(self.entry(name).shape)
        sources = []
        for box, entry in self.pieces(name):
            values = self.array(name, entry)
            self.verify(name, entry, values)
            sources.append((box, values))
        out = np.empty(slices.shape_of(full), sources[0][1].dtype)
        for box, values in sources:
            out[slices.index(box, full)] = values
        return out


class ShardWriter:
    """Writes the data file ``shard_id`` of ``num_shards`` of a checkpoint, tensors back
    to back, and collects their entries for the index (see :func:`write_index`).

    The file is written as ``<name>.partial`` and renamed by :meth:`close`; leaving the
    ``with`` block by an exception removes it.
    """

    def __init__(self, prefix: str, shard_id: int = 0, num_shards: int = 1, *,
                 on_bytes: Callable[[int], None] | None = None) -> None:
        self.path = data_path(prefix, shard_id, num_shards)
        self.entries: dict[bytes, Entry] = {}
        self._shard_id = shard_id
        self._on_bytes = on_bytes
        self._offset = 0
        self._file = open(self.path + ".partial", "wb")
        self._checksummer = ThreadPoolExecutor(1)   # one thread for all the file's tensors

    def add(self, name: str, values: np.ndarray) -> None:
        """Append the whole tensor ``name``."""
        self.entries[name.encode()] = self._write(values)

    def add_slice(self, name: str, full_shape: Sequence[int], box: Box,
                  values: np.ndarray) -> None:
        """Append ``values``, the part ``box`` of the tensor ``name`` of ``full_shape``,
        and list the slice in the tensor's full-name entry."""
        extents = slices.extents(box)
        self.entries[slice_key(name, extents)] = self._write(values)
        key = name.encode()
        full = self.entries.get(key) or Entry(dtype_code(values.dtype), tuple(full_shape))
        self.entries[key] = full._replace(slices=full.slices + (extents,))

    def _write(self, values: np.ndarray) -> Entry:
        """Stream ``values`` in C order, a window at a time, little-endian.

        A thread checksums each window while it is written (the checksum releases the GIL;
        ``tofile`` measured faster than ``file.write``), so the crc costs little time."""
        dtype = values.dtype.newbyteorder("<")
        checksum = 0
        for start, shape in windows(values.shape, dtype.itemsize, WINDOW_BYTES):
            window = np.ascontiguousarray(
                values[tuple(slice(s, s + n) for s, n in zip(start, shape))], dtype)
            summed = self._checksummer.submit(crc.extend, checksum, window)
            window.tofile(self._file)
            checksum = summed.result()
            if self._on_bytes is not None:
                self._on_bytes(window.nbytes)
        size = _nbytes(dtype, values.shape)
        entry = Entry(dtype_code(dtype), values.shape, self._shard_id, self._offset, size,
                      crc.mask(checksum))
        self._offset += size
        return entry

    def close(self) -> dict[bytes, Entry]:
        """Finish the file (renamed into place) and return the entries.

        Not fsynced, as TF and ``np.save`` do not: the rename keeps a partial file from
        view, and restore's crc32c checks catch what a crash could leave."""
        self._checksummer.shutdown()
        self._file.close()
        os.replace(self.path + ".partial", self.path)
        return self.entries

    def abort(self) -> None:
        """Remove the partial file."""
        self._checksummer.shutdown()
        self._file.close()
        os.remove(self.path + ".partial")

    def __enter__(self) -> ShardWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


def merge_entries(shards: Iterable[Mapping[bytes, Entry]]) -> dict[bytes, Entry]:
    """The entries of several :class:`ShardWriter` s as one index: the slices of a tensor
    written by several shards are listed in its one full-name entry."""
    merged: dict[bytes, Entry] = {}
    for entries in shards:
        for key, entry in entries.items():
            seen = merged.get(key)
            if seen is None:
                merged[key] = entry
            elif seen.slices and entry.slices and (seen.dtype, seen.shape) == (
                    entry.dtype, entry.shape):
                merged[key] = seen._replace(slices=seen.slices + entry.slices)
            else:
                raise ValueError(f"two shards hold the tensor {key!r} with conflicting "
                                 f"entries")
    return merged


def write_index(prefix: str, entries: Mapping[bytes, Entry], num_shards: int = 1) -> None:
    """Write the index of the checkpoint ``prefix`` (as ``.partial``, then renamed)."""
    path = index_path(prefix)
    items = [(_HEADER_KEY, encode_header(Header(num_shards)))]
    items += [(key, encode_entry(entries[key])) for key in sorted(entries)]
    try:
        with open(path + ".partial", "wb") as file:
            write_table(file, items)
        os.replace(path + ".partial", path)
    except BaseException:
        if os.path.exists(path + ".partial"):
            os.remove(path + ".partial")
        raise

