"""TF 1.x random seeding for initializers, mapped onto Philox keys and streams.

An initializer's values are fixed by two integers, as in TF 1.x:

* the **graph seed** ``G``, set with ``set_random_seed`` (``get_default_graph().seed``);
* the **op seed** ``S``, the initializer's ``seed`` argument.

They are resolved with TF 1.x's rule:

===========  ===========  =================================================
``G``        ``S``        resolved pair
===========  ===========  =================================================
set          set          ``(G, S)``
set          None         ``(G, n)``, ``n`` = the graph's count of unseeded
                          random initializations so far (0, 1, 2, ...)
None         set          ``(87654321, S)`` (TF's ``DEFAULT_GRAPH_SEED``)
None         None         fresh OS entropy: a new pair on every resolution
===========  ===========  =================================================

The resolved pair becomes the Philox-4x32-10 **key** and **stream** of
``varshare.random`` directly: ``seed = G mod 2**64``, ``stream = S mod 2**64``
(negative seeds wrap, as TF accepts them).  The map is injective, and different
streams never share a counter, so different ``(G, S)`` pairs never share random
numbers.  With OS entropy both words are 64 random bits from ``secrets``.

Unlike TF, seeds are not reduced modulo ``2**31 - 1``, so large seeds never alias
small ones, and the values are those of varshare's kernels, not TF's.

A partitioned variable calls its initializer once per shard, yet every shard must
be a window of the same whole.  The variable store therefore wraps each variable
creation in :func:`variable_creation`: inside it (nested uses join the outermost),
the first resolution for a given op seed draws from the counter or from entropy,
and later resolutions for the same op seed return the same pair.

TF mode (``random_algorithm("tf")``, ``Graph(random_algorithm="tf")`` or an initializer's
``algorithm="tf"``): :func:`tf_seeds` gives the ``(seed, seed2)`` of TF's ``get_seed``
instead (both reduced modulo ``2**31 - 1``, ``(0, 0)`` -> ``(0, 2**31 - 1)``), and every
call draws anew, shard by shard, as TF does (docs/tf-mode.md).
"""

from __future__ import annotations

import contextlib
import operator
import os
import threading
from typing import Iterator

from varshare._core.graph import check_random_algorithm, get_default_graph

DEFAULT_GRAPH_SEED = 87654321
_MOD = 2**64
_TF_MOD = 2**31 - 1          # TF's _MAXINT32: its seeds are reduced modulo this

# Per thread: the op seed -> pair cache of variable_creation(), and the stack of
# random_algorithm() blocks.
_state = threading.local()


def _as_seed(value: object, name: str, modulus: int = _MOD) -> int:
    try:
        return operator.index(value) % modulus
    except TypeError:
        raise TypeError(f"{name} must be an integer or None, got {value!r}") from None


def _resolve(op_seed: int | None) -> tuple[object, object] | None:
    """The TF 1.x rule on the raw seeds, consuming the graph counter; None if both unset."""
    graph = get_default_graph()
    if graph.seed is not None:
        if op_seed is None:
            op_seed = graph.random_op_count
            graph.random_op_count += 1
        return graph.seed, op_seed
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, op_seed
    return None


def _entropy64() -> int:
    """64 bits of fresh OS entropy."""
    return int.from_bytes(os.urandom(8), "little")


def _draw(op_seed: int | None, modulus: int = _MOD) -> tuple[int, int]:
    """Apply the TF 1.x rule once, seeds reduced modulo ``modulus``, or OS entropy."""
    pair = _resolve(op_seed)
    if pair is None:
        return _entropy64(), _entropy64()
    return _as_seed(pair[0], "graph seed", modulus), _as_seed(pair[1], "seed", modulus)


def tf_seeds(op_seed: int | None) -> tuple[int, int]:
    """TF 1.x's ``get_seed``: the ``(seed, seed2)`` attributes of TF's random op.

    Never cached: every call, so every shard of a partitioned variable, draws anew.
    Both seeds unset gives OS entropy, as TF's ops do for ``(0, 0)``.
    """
    seeds = _draw(op_seed, _TF_MOD)
    return (0, _TF_MOD) if seeds == (0, 0) else seeds


@contextlib.contextmanager
def random_algorithm(name: str) -> Iterator[None]:
    """Random initializers of this thread use ``name`` ("varshare" or "tf") in the block.

    The innermost block wins over outer ones and over ``Graph(random_algorithm=...)``;
    an initializer's own ``algorithm=`` wins over both.
    """
    check_random_algorithm(name, "name")
    stack = _state.__dict__.setdefault("algorithms", [])
    stack.append(name)
    try:
        yield
    finally:
        stack.pop()


def current_algorithm(explicit: str | None = None) -> str:
    """``explicit`` if given, else the innermost :func:`random_algorithm`, else the graph's."""
    if explicit is not None:
        return explicit
    stack = getattr(_state, "algorithms", None)
    return stack[-1] if stack else get_default_graph().random_algorithm


def check_seed(seed: object) -> int | None:
    """Return ``seed`` unchanged after checking it is an integer or None."""
    if seed is not None:
        _as_seed(seed, "seed")
    return seed


def kernel_seed(op_seed: int | None) -> tuple[int, int]:
    """The ``(seed, stream)`` pair of ``varshare.random`` for an initializer seed."""
    cache = getattr(_state, "cache", None)
    if cache is None:
        return _draw(op_seed)
    if op_seed not in cache:
        cache[op_seed] = _draw(op_seed)
    return cache[op_seed]


@contextlib.contextmanager
def variable_creation() -> Iterator[dict[int | None, tuple[int, int]]]:
    """Make every initializer call inside share one seed draw per op seed.

    The variable store wraps the creation of each (possibly partitioned)
    variable in it, so that all shards are windows of the same random array.
    Yields the draws so far, ``{op seed: (seed, stream)}``, for :func:`replaying`.
    """
    outermost = getattr(_state, "cache", None) is None
    if outermost:
        _state.cache = {}
    try:
        yield _state.cache
    finally:
        if outermost:
            _state.cache = None


@contextlib.contextmanager
def replaying(draws: dict[int | None, tuple[int, int]]) -> Iterator[None]:
    """Resolve op seeds to the recorded ``draws`` of a :func:`variable_creation`.

    Inside it an initializer recomputes exactly the values (or any window of them)
    it gave then, in any thread or process; other op seeds draw once, as inside
    ``variable_creation``.
    """
    saved = getattr(_state, "cache", None)
    _state.cache = dict(draws)
    try:
        yield
    finally:
        _state.cache = saved
