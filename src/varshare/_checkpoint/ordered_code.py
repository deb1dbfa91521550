"""The index keys of stored slices: TF's OrderedCode encoding of (0, name, rank, extents).

Keys sort bytewise in the order of their parts, and the leading 0 byte sorts every slice
before the plain names.  Only encoding is needed: a reader looks slices up by the key
built from the extents the full-name entry lists.
"""

from __future__ import annotations

from collections.abc import Sequence

# OrderedCode's string terminator, and the escapes of the two bytes it uses.
_TERMINATOR = b"\x00\x01"
_ESCAPES = {0x00: b"\x00\xff", 0xFF: b"\xff\x00"}


def num_increasing(value: int) -> bytes:
    """An unsigned number: its byte count, then its bytes, most significant first."""
    body = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([len(body)]) + body


def string(value: bytes) -> bytes:
    """A byte string with 0x00 and 0xff escaped, then a terminator."""
    return b"".join(_ESCAPES.get(b, bytes([b])) for b in value) + _TERMINATOR


def signed_num_increasing(value: int) -> bytes:
    """A signed 64-bit number in ``n`` bytes: ``n`` copies of the inverted sign bit as
    a length prefix, then the sign bit and the two's complement value (n = 1 holds
    -64..63, each further byte 7 bits more)."""
    magnitude = ~value if value < 0 else value
    length = max(1, (magnitude.bit_length() + 7) // 7)  # 7n - 1 value bits, one sign bit
    word = value % (1 << 8 * length)
    prefix = ((1 << length) - 1) << (8 * length - length)  # n leading one bits
    return (word ^ prefix).to_bytes(length, "big")


def slice_key(name: str, extents: Sequence[tuple[int, int]]) -> bytes:
    """The key of the slice ``extents`` (``(start, length)`` per dimension, length -1 for
    the whole dimension) of the tensor ``name``."""
    parts = [num_increasing(0), string(name.encode()), num_increasing(len(extents))]
    for start, length in extents:
        parts += [signed_num_increasing(start), signed_num_increasing(length)]
    return b"".join(parts)
