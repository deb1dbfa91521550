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
"""

from __future__ import annotations

import contextlib
import operator
import secrets
import threading
from typing import Iterator

from ._graph import get_default_graph

DEFAULT_GRAPH_SEED = 87654321
_MOD = 2**64

# Per thread: nesting depth of variable_creation() and its op seed -> pair cache.
_state = threading.local()


def _as_seed(value: object, name: str) -> int:
    try:
        return operator.index(value) % _MOD
    except TypeError:
        raise TypeError(f"{name} must be an integer or None, got {value!r}") from None


def _draw(op_seed: int | None) -> tuple[int, int]:
    """Apply the TF 1.x rule once, consuming the graph counter or OS entropy."""
    graph = get_default_graph()
    graph_seed = graph.seed
    if graph_seed is not None:
        if op_seed is None:
            op_seed = graph.random_op_count
            graph.random_op_count += 1
        return _as_seed(graph_seed, "graph seed"), _as_seed(op_seed, "seed")
    if op_seed is not None:
        return DEFAULT_GRAPH_SEED, _as_seed(op_seed, "seed")
    return secrets.randbits(64), secrets.randbits(64)


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
def variable_creation() -> Iterator[None]:
    """Make every initializer call inside share one seed draw per op seed.

    The variable store wraps the creation of each (possibly partitioned)
    variable in it, so that all shards are windows of the same random array.
    """
    outermost = getattr(_state, "cache", None) is None
    if outermost:
        _state.cache = {}
    try:
        yield
    finally:
        if outermost:
            _state.cache = None
