"""The ``checkpoint`` file of a directory: TF's ``CheckpointState`` in protobuf text format,
naming the latest checkpoint and every one kept, oldest first."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import NamedTuple

STATE_FILENAME = "checkpoint"
_FIELD = re.compile(r'^\s*(\w+)\s*:\s*"((?:[^"\\]|\\.)*)"\s*$')
_ESCAPE = re.compile(rb"\\(?:([0-7]{1,3})|x([0-9a-fA-F]{1,2})|(.))")
_SIMPLE = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b'"': b'"', b"'": b"'", b"\\": b"\\"}


class CheckpointState(NamedTuple):
    """The latest checkpoint and all kept ones (paths as written: relative ones are
    relative to the directory)."""

    model_checkpoint_path: str
    all_model_checkpoint_paths: tuple[str, ...]


def _unescape(text: str) -> str:
    def one(match: re.Match) -> bytes:
        octal, hexa, char = match.groups()
        if octal or hexa:
            return bytes([int(octal, 8) if octal else int(hexa, 16)])
        return _SIMPLE.get(char, b"\\" + char)

    return _ESCAPE.sub(one, text.encode()).decode(errors="surrogateescape")


def _escape(path: str) -> str:
    out = []
    for byte in path.encode(errors="surrogateescape"):
        char = chr(byte)
        out.append("\\" + char if char in "\"'\\" else char if 32 <= byte < 127
                   else f"\\{byte:03o}")
    return "".join(out)


def read_state(directory: str, filename: str | None = None) -> CheckpointState | None:
    """The state in ``directory`` (None if there is no state file or it names no
    checkpoint); fields other than the two paths (TF 2's timestamps) are ignored."""
    try:
        with open(os.path.join(directory, filename or STATE_FILENAME)) as file:
            lines = file.read().splitlines()
    except (FileNotFoundError, NotADirectoryError):
        return None
    latest, kept = None, []
    for line in lines:
        match = _FIELD.match(line)
        if match and match.group(1) == "model_checkpoint_path":
            latest = _unescape(match.group(2))
        elif match and match.group(1) == "all_model_checkpoint_paths":
            kept.append(_unescape(match.group(2)))
    return None if latest is None else CheckpointState(latest, tuple(kept))


def write_state(directory: str, latest: str, kept: Sequence[str],
                filename: str | None = None) -> None:
    """Replace the state file of ``directory`` (written whole, then renamed)."""
    path = os.path.join(directory, filename or STATE_FILENAME)
    text = f'model_checkpoint_path: "{_escape(latest)}"\n' + "".join(
        f'all_model_checkpoint_paths: "{_escape(p)}"\n' for p in kept)
    with open(path + ".partial", "w") as file:
        file.write(text)
    os.replace(path + ".partial", path)


def resolve(directory: str, path: str) -> str:
    """A path of the state file as a path (relative ones are relative to the directory)."""
    return path if os.path.isabs(path) else os.path.join(directory, path)
