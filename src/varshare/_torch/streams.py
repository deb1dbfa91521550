"""Which Philox key and stream a tensor's initializer uses: the rule of ``streams="by_name"``.

The key is the ``seed`` given (as a graph seed); the stream is the initializer's own op
seed if it has one (TF's ``(G, S)``), else :func:`~varshare._core.seeding.name_stream` of
the tensor's fully qualified name. Values then depend on the name alone, never on how many
tensors were initialised before.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from varshare._core.seeding import name_stream

_MOD = 2**64

Draws = dict  # {op seed: (seed, stream)}, as the variable store records them


def draws(initializer: Callable, seed: int, name: str | None) -> Draws:
    """The seed draws ``initializer`` replays for the tensor ``name`` under ``seed``.

    An initializer without a ``seed`` attribute (zeros, constants, functions) draws nothing.
    """
    key = _as_word(seed, "seed")
    if not hasattr(initializer, "seed"):
        return {}
    op_seed = initializer.seed
    if op_seed is None:
        if name is None:
            raise ValueError("an unseeded random initializer needs name=: its stream is "
                             "derived from the tensor's name")
        return {None: (key, name_stream(name))}
    return {op_seed: (key, _as_word(op_seed, "initializer seed"))}


def _as_word(value: object, what: str) -> int:
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, got {value!r}")
    try:
        return operator.index(value) % _MOD  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{what} must be an integer, got {value!r}") from None
