"""Which Philox key and stream a tensor's initializer uses: the rule of ``streams="by_name"``.

The key is the ``seed`` given (as a graph seed); the stream is the initializer's own op
seed if it has one (TF's ``(G, S)``), else :func:`~varshare._core.seeding.name_stream` of
the tensor's fully qualified name. Values then depend on the name alone, never on how many
tensors were initialised before.
"""

from __future__ import annotations

from collections.abc import Callable

from varshare._core.seeding import by_name_draw, check_seed

Draws = dict  # {op seed: (seed, stream)}, as the variable store records them


def draws(initializer: Callable, seed: int, name: str | None) -> Draws:
    """The seed draws ``initializer`` replays for the tensor ``name`` under ``seed``.

    An initializer without a ``seed`` attribute (zeros, constants, functions) draws nothing.
    """
    if seed is None or isinstance(seed, bool):
        raise TypeError(f"seed must be an integer, got {seed!r}")
    check_seed(seed)
    if not hasattr(initializer, "seed"):
        return {}
    if initializer.seed is None and name is None:
        raise ValueError("an unseeded random initializer needs name=: its stream is "
                         "derived from the tensor's name")
    return {initializer.seed: by_name_draw(seed, initializer.seed, name or "")}
