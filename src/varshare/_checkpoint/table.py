"""The sorted key/value table of a bundle's ``.index`` file (LevelDB's table layout, as in
TF's ``tensorflow/core/lib/io``).

Layout: data blocks of prefix-compressed entries, each followed by a compression byte and
a masked crc32c; an empty metaindex block; an index block mapping a separator key per
data block to its ``(offset, size)``; a 48-byte footer ending in a magic number.  The
writer reproduces TF's bytes (block cuts, restart points, separator keys); the reader
checks every length, handle, checksum and the key order before it trusts them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import BinaryIO

from varshare._checkpoint import crc
from varshare._checkpoint.wire import Corrupt, read_varint, varint

BLOCK_SIZE = 256 << 10     # a data block is cut once it holds this much
RESTART_INTERVAL = 16      # a full key every 16 entries of a data block
FOOTER_SIZE = 48           # two block handles, zero padding to 40 bytes, the magic
MAGIC = struct.pack("<Q", 0xDB4775248B80FB57)
_NO_COMPRESSION, _SNAPPY = 0, 1
_TRAILER_SIZE = 5          # compression byte + masked crc32c


class _Block:
    """Builds one block: entries sharing key prefixes, then the restart offsets."""

    def __init__(self, restart_interval: int) -> None:
        self._interval = restart_interval
        self._buffer = bytearray()
        self._restarts = [0]
        self._count = 0  # entries since the last restart
        self._last_key = b""

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self._count < self._interval:
            limit = min(len(key), len(self._last_key))
            while shared < limit and key[shared] == self._last_key[shared]:
                shared += 1
        else:
            self._restarts.append(len(self._buffer))
            self._count = 0
        self._buffer += (varint(shared) + varint(len(key) - shared) + varint(len(value))
                         + key[shared:] + value)
        self._last_key = key
        self._count += 1

    def size_estimate(self) -> int:
        return len(self._buffer) + 4 * len(self._restarts) + 4

    def empty(self) -> bool:
        return not self._buffer

    def finish(self) -> bytes:
        return bytes(self._buffer) + struct.pack(f"<{len(self._restarts) + 1}I",
                                                 *self._restarts, len(self._restarts))


def write_table(file: BinaryIO, items: Iterable[tuple[bytes, bytes]]) -> None:
    """Write ``items`` (keys strictly increasing) as a table to ``file``."""
    position = 0

    def write_block(block: _Block) -> bytes:
        """Append ``block`` and its trailer; return its handle."""
        nonlocal position
        contents = block.finish() + bytes([_NO_COMPRESSION])
        file.write(contents + struct.pack("<I", crc.mask(crc.extend(0, contents))))
        handle = varint(position) + varint(len(contents) - 1)
        position += len(contents) + _TRAILER_SIZE - 1
        return handle

    data, index = _Block(RESTART_INTERVAL), _Block(1)
    last_key, pending = None, None  # pending: the handle of a block awaiting its index key
    for key, value in items:
        if last_key is not None and key <= last_key:
            raise ValueError(f"table keys must increase: {key!r} after {last_key!r}")
        if pending is not None:
            index.add(_separator(last_key or b"", key), pending)
            pending = None
        data.add(key, value)
        last_key = key
        if data.size_estimate() >= BLOCK_SIZE:
            pending, data = write_block(data), _Block(RESTART_INTERVAL)
    if not data.empty():
        pending = write_block(data)
    if pending is not None:
        index.add(_successor(last_key or b""), pending)
    handles = write_block(_Block(RESTART_INTERVAL)) + write_block(index)
    file.write(handles + bytes(FOOTER_SIZE - len(MAGIC) - len(handles)) + MAGIC)


def _separator(start: bytes, limit: bytes) -> bytes:
    """A short key >= ``start`` and < ``limit``: ``start`` cut after its first differing
    byte, that byte incremented, when that stays below ``limit``."""
    common = 0
    while common < min(len(start), len(limit)) and start[common] == limit[common]:
        common += 1
    if common < min(len(start), len(limit)):
        byte = start[common]
        if byte < 0xFF and byte + 1 < limit[common]:
            return start[:common] + bytes([byte + 1])
    return start


def _successor(key: bytes) -> bytes:
    """A short key >= ``key``: cut after its first byte that is not 0xff, incremented."""
    for i, byte in enumerate(key):
        if byte != 0xFF:
            return key[:i] + bytes([byte + 1])
    return key


def read_table(data: bytes) -> list[tuple[bytes, bytes]]:
    """Every ``(key, value)`` of the table ``data`` (a whole file), in key order."""
    if len(data) < FOOTER_SIZE or data[-len(MAGIC):] != MAGIC:
        raise Corrupt("not a table: too short or no magic number at the end")
    body_end = len(data) - FOOTER_SIZE
    footer = data[body_end:-len(MAGIC)]
    _, pos = _handle(footer, 0, body_end)  # the metaindex block: nothing TF needs in it
    index = _block(data, *_handle(footer, pos, body_end)[0])
    items: list[tuple[bytes, bytes]] = []
    for _, handle in _entries(index):
        items += _entries(_block(data, *_handle(handle, 0, body_end)[0]))
    for (before, _), (after, _) in zip(items, items[1:]):
        if after <= before:
            raise Corrupt(f"keys out of order or repeated: {after!r} after {before!r}")
    return items


def _handle(data: bytes, pos: int, limit: int) -> tuple[tuple[int, int], int]:
    """The block handle at ``data[pos:]`` (checked to end before ``limit``), and the
    position after it."""
    offset, pos = read_varint(data, pos)
    size, pos = read_varint(data, pos)
    if offset + size + _TRAILER_SIZE > limit:
        raise Corrupt(f"a block handle ({offset}, {size}) points past the end of the file")
    return (offset, size), pos


def _block(data: bytes, offset: int, size: int) -> bytes:
    """The contents of the block at ``offset``, its checksum and compression checked."""
    end = offset + size
    kind = data[end]
    (stored,) = struct.unpack_from("<I", data, end + 1)
    if crc.unmask(stored) != crc.extend(0, data[offset:end + 1]):
        raise Corrupt(f"the block at byte {offset} fails its crc32c check")
    if kind == _SNAPPY:
        raise Corrupt("snappy-compressed blocks (very old TF files) are not supported")
    if kind != _NO_COMPRESSION:
        raise Corrupt(f"unknown block compression {kind}")
    return data[offset:end]


def _entries(block: bytes) -> list[tuple[bytes, bytes]]:
    """The ``(key, value)`` entries of a block's contents."""
    if len(block) < 4:
        raise Corrupt("a block too short for its restart count")
    (restarts,) = struct.unpack_from("<I", block, len(block) - 4)
    end = len(block) - 4 - 4 * restarts
    if end < 0:
        raise Corrupt(f"a block of {len(block)} bytes declares {restarts} restart points")
    entries, key, pos = [], b"", 0
    while pos < end:
        shared, pos = read_varint(block, pos)
        unshared, pos = read_varint(block, pos)
        size, pos = read_varint(block, pos)
        if shared > len(key) or pos + unshared + size > end:
            raise Corrupt("a block entry runs past its block or shares a missing prefix")
        key = key[:shared] + block[pos:pos + unshared]
        pos += unshared
        entries.append((key, block[pos:pos + size]))
        pos += size
    return entries
