"""crc32c (Castagnoli) of buffers of any size, and the mask LevelDB-style files store it under.

The C implementation comes from ``google-crc32c`` (the ``train`` extra), imported on first
use.  It takes ``bytes`` or read-only buffers, so arrays are read in place (about 12 GB/s), 1 MiB
at a time: it holds the GIL while it runs, and short calls let a writing thread go on.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np

_PIECE = 1 << 20
_MASK_DELTA = 0xA282EAD8
_U32 = 0xFFFFFFFF


def _google_crc32c() -> ModuleType:
    try:
        import google_crc32c
    except ImportError as err:
        raise ImportError('TF checkpoints need google-crc32c: pip install "varshare[train]"'
                          ) from err
    return google_crc32c


def extend(crc: int, data: Any, on_bytes: Callable[[int], None] | None = None) -> int:
    """The crc32c of the bytes so far (``crc``) followed by ``data`` (bytes or an array,
    read in C order); ``on_bytes(n)`` is told of each piece done."""
    if isinstance(data, bytes):
        return int(_google_crc32c().extend(crc, data))
    flat = np.ascontiguousarray(data).reshape(-1).view(np.uint8)
    flat = flat.view()
    flat.flags.writeable = False     # google-crc32c reads read-only buffers in place
    extend_ = _google_crc32c().extend
    for start in range(0, flat.size, _PIECE):
        crc = extend_(crc, flat[start:start + _PIECE])
        if on_bytes is not None:
            on_bytes(min(_PIECE, flat.size - start))
    return int(crc)


def mask(crc: int) -> int:
    """The stored form of a crc (rotated and offset, so a crc of data holding crcs differs)."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & _U32


def unmask(masked: int) -> int:
    """The crc that ``mask`` turned into ``masked``."""
    rotated = (masked - _MASK_DELTA) & _U32
    return ((rotated >> 17) | (rotated << 15)) & _U32
