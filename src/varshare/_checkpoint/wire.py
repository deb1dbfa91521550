"""The protobuf wire format, as far as two small messages need: varints and fields.

Decoding is strict and bounded: a varint has at most 10 bytes and fits 64 bits, a field
never runs past its buffer.  Problems are :class:`Corrupt` errors, which the bundle reader
turns into errors that name the file.
"""

from __future__ import annotations

from collections.abc import Iterator

VARINT, FIXED64, BYTES, FIXED32 = 0, 1, 2, 5
_U64 = 1 << 64


class Corrupt(ValueError):
    """The bytes are not what the format allows (the message says what and where)."""


def varint(value: int) -> bytes:
    """``value`` as a varint; negative ints as their 64-bit two's complement (as protobuf's
    int32/int64 fields)."""
    value %= _U64
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def read_varint(data: bytes, pos: int) -> tuple[int, int]:
    """The varint at ``data[pos:]`` and the position after it."""
    value = 0
    for shift in range(0, 70, 7):
        if pos >= len(data):
            raise Corrupt("a varint runs past the end of its buffer")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if value >= _U64:
                raise Corrupt("a varint overflows 64 bits")
            return value, pos
    raise Corrupt("a varint is longer than 10 bytes")


def signed(value: int) -> int:
    """A decoded int64 field as a signed number."""
    return value - _U64 if value >= 1 << 63 else value


def fields(data: bytes) -> Iterator[tuple[int, int, int | bytes]]:
    """``(field number, wire type, value)`` of each field of a message: an int for
    varints and fixed-size fields, bytes for length-delimited ones."""
    pos = 0
    while pos < len(data):
        key, pos = read_varint(data, pos)
        number, kind = key >> 3, key & 7
        if kind == VARINT:
            value, pos = read_varint(data, pos)
            yield number, kind, value
            continue
        size = {FIXED64: 8, FIXED32: 4}.get(kind)
        if kind == BYTES:
            size, pos = read_varint(data, pos)
        if size is None or number == 0:
            raise Corrupt(f"unknown wire type {kind} or field number 0")
        if pos + size > len(data):
            raise Corrupt("a field runs past the end of its message")
        chunk = data[pos:pos + size]
        pos += size
        yield number, kind, chunk if kind == BYTES else int.from_bytes(chunk, "little")


def field_varint(number: int, value: int, *, keep_zero: bool = False) -> bytes:
    """A varint field, left out when ``value`` is 0 (proto3's default) unless
    ``keep_zero`` (a member of a ``oneof`` is written whenever it is set)."""
    return varint(number << 3 | VARINT) + varint(value) if value or keep_zero else b""


def field_bytes(number: int, payload: bytes) -> bytes:
    """A length-delimited field (a string or a nested message), written even when empty."""
    return varint(number << 3 | BYTES) + varint(len(payload)) + payload


def field_fixed32(number: int, value: int) -> bytes:
    """A fixed32 field, left out when ``value`` is 0."""
    return varint(number << 3 | FIXED32) + value.to_bytes(4, "little") if value else b""
