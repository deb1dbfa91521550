"""The two messages of a bundle's index, ``BundleHeaderProto`` and ``BundleEntryProto``,
encoded by hand (tensor_bundle.proto, tensor_shape.proto, tensor_slice.proto), and TF's
dtype codes (types.proto).

Encoding writes the fields in number order and leaves zeros out, as TF's serializer does,
so an index varshare writes is byte-identical to TF's.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from varshare._core.optional import require
from varshare._checkpoint.wire import (
    VARINT, Corrupt, field_bytes, field_fixed32, field_varint, fields, signed)

# A slice: (start, length) per dimension, length -1 for the whole dimension.
Extents = tuple[tuple[int, int], ...]

# TF DataType codes of the dtypes NumPy holds natively; bfloat16 needs ml_dtypes.
_NUMPY_CODES = {1: "float32", 2: "float64", 3: "int32", 4: "uint8", 5: "int16", 6: "int8",
                8: "complex64", 9: "int64", 10: "bool", 17: "uint16", 18: "complex128",
                19: "float16", 22: "uint32", 23: "uint64"}
BFLOAT16 = 14
# The other codes TF writes: their tensors are not numbers (or are quantized types).
_OTHER_CODES = {7: "string", 11: "qint8", 12: "quint8", 13: "qint32", 15: "qint16",
                16: "quint16", 20: "resource", 21: "variant"}
_TF_NAMES = {1: "float", 2: "double", 19: "half"}  # where TF's names are not NumPy's
_CODES = {np.dtype(name): code for code, name in _NUMPY_CODES.items()}
_LITTLE_ENDIAN = 0
_MAX_RANK = 254  # TF's limit


class Header(NamedTuple):
    """``BundleHeaderProto``: how many data files, their byte order, the format version."""

    num_shards: int
    endianness: int = _LITTLE_ENDIAN
    producer: int = 1
    min_consumer: int = 0


class Entry(NamedTuple):
    """``BundleEntryProto``: where a tensor's bytes are (``shard_id``, ``offset``, ``size``,
    masked ``crc32c``) or, for a partitioned tensor's full name, its ``slices``."""

    dtype: int
    shape: tuple[int, ...]
    shard_id: int = 0
    offset: int = 0
    size: int = 0
    crc32c: int = 0
    slices: tuple[Extents, ...] = ()


def dtype_code(dtype: np.dtype) -> int:
    """TF's code for ``dtype``."""
    if dtype.name == "bfloat16":
        return BFLOAT16
    try:
        return _CODES[dtype.newbyteorder("=")]
    except KeyError:
        raise ValueError(f"dtype {dtype} has no TF checkpoint encoding") from None


def dtype_name(code: int) -> str:
    """TF's name of the dtype code ``code`` (as its error messages spell it)."""
    return (_TF_NAMES.get(code) or _NUMPY_CODES.get(code) or _OTHER_CODES.get(code)
            or ("bfloat16" if code == BFLOAT16 else f"unknown dtype code {code}"))


def numpy_dtype(code: int) -> np.dtype | None:
    """The NumPy dtype of TF's dtype ``code`` (little-endian), or None if NumPy holds no
    such numbers (strings, quantized types, resources); bfloat16 needs ml_dtypes."""
    if code == BFLOAT16:
        ml_dtypes = require("ml_dtypes", "bfloat16 tensors need ml_dtypes", "train")
        return np.dtype(ml_dtypes.bfloat16)
    name = _NUMPY_CODES.get(code)
    return None if name is None else np.dtype(name).newbyteorder("<")


def encode_header(header: Header) -> bytes:
    """The header's bytes (the value of the index key ``b""``)."""
    version = (field_varint(1, header.producer) + field_varint(2, header.min_consumer))
    return (field_varint(1, header.num_shards) + field_varint(2, header.endianness)
            + field_bytes(3, version))


def decode_header(data: bytes) -> Header:
    """The header from its bytes."""
    version = next((v for n, _, v in fields(data) if n == 3 and isinstance(v, bytes)), b"")
    return Header(signed(_int_field(data, 1, 0)), _int_field(data, 2, 0),
                  signed(_int_field(version, 1, 0)), signed(_int_field(version, 2, 0)))


def encode_entry(entry: Entry) -> bytes:
    """The entry's bytes (the value of a tensor's index key)."""
    shape = b"".join(field_bytes(2, field_varint(1, size)) for size in entry.shape)
    return (field_varint(1, entry.dtype) + field_bytes(2, shape)
            + field_varint(3, entry.shard_id) + field_varint(4, entry.offset)
            + field_varint(5, entry.size) + field_fixed32(6, entry.crc32c)
            + b"".join(field_bytes(7, _encode_slice(s)) for s in entry.slices))


def _encode_slice(extents: Extents) -> bytes:
    # A whole dimension is an empty extent; a bounded one has its length even when 0.
    return b"".join(field_bytes(1, b"" if length == -1 else (
        field_varint(1, start) + field_varint(2, length, keep_zero=True)))
        for start, length in extents)


def decode_entry(data: bytes) -> Entry:
    """The entry from its bytes: every number checked to be in range."""
    ints: dict[int, int] = {}
    shape: tuple[int, ...] = ()
    slices = []
    for number, kind, value in fields(data):
        if isinstance(value, int):
            ints[number] = value
        elif number == 2:
            shape = _decode_shape(value)
        elif number == 7:
            slices.append(_decode_slice(value))
    dtype, crc = ints.get(1, 0), ints.get(6, 0)
    shard_id, offset, size = (signed(ints.get(n, 0)) for n in (3, 4, 5))
    if dtype not in _NUMPY_CODES and dtype not in _OTHER_CODES and dtype != BFLOAT16:
        raise Corrupt(f"unknown dtype code {dtype}")
    if min(shard_id, offset, size) < 0:
        raise Corrupt("a negative shard id, offset or size")
    if any(len(s) != len(shape) for s in slices):
        raise Corrupt("a slice whose rank differs from the tensor's")
    return Entry(dtype, shape, shard_id, offset, size, crc, tuple(slices))


def _repeated(data: bytes, number: int) -> list[bytes]:
    """The payloads of the length-delimited field ``number``, in order."""
    return [v for n, k, v in fields(data) if n == number and isinstance(v, bytes)]


def _decode_shape(data: bytes) -> tuple[int, ...]:
    if any(n == 3 and v for n, k, v in fields(data) if k == VARINT):
        raise Corrupt("a shape of unknown rank")
    dims = _repeated(data, 2)
    if len(dims) > _MAX_RANK:
        raise Corrupt(f"a shape of rank {len(dims)}")
    shape = tuple(signed(_int_field(dim, 1, 0)) for dim in dims)
    if any(size < 0 for size in shape):
        raise Corrupt(f"a shape with a negative dimension: {shape}")
    return shape


def _decode_slice(data: bytes) -> Extents:
    extents = []
    for extent in _repeated(data, 1):
        start = signed(_int_field(extent, 1, 0))
        length = signed(_int_field(extent, 2, -1 % (1 << 64)))
        if start < 0 or length < -1 or (length == -1 and start != 0):
            raise Corrupt(f"a slice extent ({start}, {length})")
        extents.append((start, length))
    return tuple(extents)


def _int_field(data: bytes, number: int, default: int) -> int:
    """The last varint field ``number`` of a message (protobuf's rule), or ``default``."""
    value = default
    for n, kind, v in fields(data):
        if n == number and kind == VARINT:
            assert isinstance(v, int)
            value = v
    return value
