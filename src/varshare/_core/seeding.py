"""Which random algorithm and which seeds an initializer uses: TF 1.x's rule, owned here.

An initializer's values are fixed by two integers, as in TF 1.x:

* the **graph seed** ``G``, set with ``set_random_seed`` (``get_default_graph().seed``);
* the **op seed** ``S``, the initializer's ``seed`` argument.

Each graph holds a :class:`SeedState`: ``G``, the count of unseeded random initializations
so far and the graph's random algorithm. Only this module reads or changes it. The pair is
resolved with TF 1.x's rule:

===========  ===========  =================================================
``G``        ``S``        resolved pair
===========  ===========  =================================================
set          set          ``(G, S)``
set          None         ``(G, n)``, ``n`` = the graph's count of unseeded
                          random initializations so far (0, 1, 2, ...)
None         set          ``(87654321, S)`` (TF's ``DEFAULT_GRAPH_SEED``)
None         None         fresh OS entropy: a new pair on every resolution
===========  ===========  =================================================

varshare's algorithm (:meth:`SeedState.kernel_seed`) uses the pair as the Philox key and
stream of ``varshare.random`` directly: ``seed = G mod 2**64``, ``stream = S mod 2**64``
(negative seeds wrap, as TF accepts them). The map is injective and different streams never
share a counter, so different pairs never share random numbers. Unlike TF, nothing is
reduced modulo ``2**31 - 1``, so large seeds never alias small ones. OS entropy is 64 bits
from ``os.urandom`` for each word.

TF's algorithm (:meth:`SeedState.tf_seeds`) gives the ``(seed, seed2)`` attributes of TF's
random op instead: both reduced modulo ``2**31 - 1``, ``(0, 0)`` becoming
``(0, 2**31 - 1)``, as TF's ``get_seed``; with both seeds unset, 64 bits of OS entropy each,
as TF's kernels seed themselves then.

A partitioned variable calls its initializer once per shard, yet every shard must be a
window of the same whole. The variable store therefore creates each variable inside
:meth:`SeedState.creating_variable`: there (nested uses join the outermost) the first
resolution of an op seed draws, and later ones for the same op seed return the same pair.
If the creation fails, the count is restored, so later variables get the seeds they would
have had. In TF mode every call draws anew, shard by shard, as TF does (docs/tf-mode.md).

Which algorithm runs: an initializer's own ``algorithm=``, else the innermost
:func:`random_algorithm` block of this thread, else the graph's
(``Graph(random_algorithm=...)``).

Named streams (``set_random_seed(G, streams="by_name")`` or ``Graph(streams="by_name")``)
replace the count ``n`` by :func:`name_stream` of the variable being created, so an
unseeded variable's values depend on ``G`` and its full name only: adding, removing or
reordering other variables leaves them unchanged. An unseeded initializer called outside
a variable creation has no name and keeps the count rule.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import threading
from typing import Iterator

from varshare._core.checks import as_choice

RANDOM_ALGORITHMS = ("varshare", "tf")   # docs/random-algorithms.md and docs/tf-mode.md
STREAM_RULES = ("counter", "by_name")    # docs/seeding.md
DEFAULT_GRAPH_SEED = 87654321
_MOD = 2**64
_TF_MOD = 2**31 - 1          # TF's _MAXINT32: its seeds are reduced modulo this

Draws = dict  # {op seed or None: (seed, stream)}: the draws of one variable creation

# Per thread: the op seed -> pair cache of a variable creation, the name of the variable
# being created, and the stack of random_algorithm() blocks.
_thread = threading.local()


def name_stream(name: str) -> int:
    """The stream of an unseeded random variable named ``name`` under ``streams="by_name"``.

    BLAKE2b (RFC 7693) of the UTF-8 name with an 8-byte digest and the personalization
    ``b"varshare-stream"``, read as a little-endian unsigned 64-bit integer
    (docs/seeding.md). Part of the determinism contract: it never changes.

    >>> import varshare as vs
    >>> vs.name_stream("dense/kernel")
    15574025943973342933
    """
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8, person=b"varshare-stream")
    return int.from_bytes(digest.digest(), "little")


def by_name_draw(seed: int, op_seed: int | None, name: str) -> tuple[int, int]:
    """The ``(seed, stream)`` of an initializer of op seed ``op_seed`` (None: unseeded) that
    creates ``name`` under ``set_random_seed(seed, streams="by_name")``, for callers that
    have names but no graph (``varshare.torch``)."""
    stream = name_stream(name) if op_seed is None else op_seed
    return _as_seed(seed, "seed"), _as_seed(stream, "initializer seed")


def check_random_algorithm(value: str, name: str) -> str:
    """``value`` if it names a random algorithm, else ValueError naming ``name``."""
    return as_choice(value, RANDOM_ALGORITHMS, name)


def check_stream_rule(value: str) -> str:
    """``value`` if it names a stream rule, else ValueError."""
    return as_choice(value, STREAM_RULES, "streams")


def check_seed(seed: object) -> int | None:
    """``seed`` unchanged after checking it is an integer or None."""
    if seed is not None:
        _as_seed(seed, "seed")
    return seed  # type: ignore[return-value]


def _as_seed(value: object, name: str, modulus: int = _MOD) -> int:
    try:
        return operator.index(value) % modulus  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be an integer or None, got {value!r}") from None


def _entropy64() -> int:
    return int.from_bytes(os.urandom(8), "little")


class SeedState:
    """A graph's seeding: its seed, its count of unseeded random initializations, its
    random algorithm and its stream rule ("counter" or "by_name")."""

    __slots__ = ("seed", "op_count", "algorithm", "streams")

    def __init__(self, algorithm: str = "varshare", streams: str = "counter") -> None:
        self.seed: int | None = None
        self.op_count = 0
        self.algorithm = check_random_algorithm(algorithm, "random_algorithm")
        self.streams = check_stream_rule(streams)

    def current_algorithm(self, explicit: str | None = None) -> str:
        """``explicit`` if given, else the innermost :func:`random_algorithm` of this
        thread, else the graph's."""
        if explicit is not None:
            return explicit
        stack = getattr(_thread, "algorithms", None)
        return stack[-1] if stack else self.algorithm

    def kernel_seed(self, op_seed: int | None) -> tuple[int, int]:
        """varshare's ``(seed, stream)`` for an initializer's op seed (one draw per op seed
        inside :meth:`creating_variable` or :func:`replaying`)."""
        cache = getattr(_thread, "cache", None)
        if cache is None:
            return self._draw(op_seed)
        if op_seed not in cache:
            cache[op_seed] = self._draw(op_seed)
        return cache[op_seed]

    def tf_seeds(self, op_seed: int | None) -> tuple[int, int]:
        """TF 1.x's ``get_seed``: the ``(seed, seed2)`` attributes of TF's random op.

        Never cached, so every call (every shard) draws anew, as in TF.
        """
        seeds = self._draw(op_seed, _TF_MOD)
        return (0, _TF_MOD) if seeds == (0, 0) else seeds

    @contextlib.contextmanager
    def creating_variable(self, name: str | None = None) -> Iterator[Draws]:
        """One seed draw per op seed for every initializer call inside (all shards of a
        variable are then windows of one array); yields the draws, for :func:`replaying`.

        ``name`` is the full name of the variable being created, for named streams; nested
        uses join the outermost. On an exception the count of unseeded initializations is
        restored.
        """
        outermost = getattr(_thread, "cache", None) is None
        if outermost:
            _thread.cache, _thread.name = {}, name
        count = self.op_count
        try:
            yield _thread.cache
        except BaseException:
            self.op_count = count
            raise
        finally:
            if outermost:
                _thread.cache = _thread.name = None

    def _draw(self, op_seed: int | None, modulus: int = _MOD) -> tuple[int, int]:
        """The TF 1.x rule once, seeds reduced modulo ``modulus``; or OS entropy."""
        if self.seed is not None:
            if op_seed is None:
                op_seed = self._unseeded_stream()
            pair = self.seed, op_seed
        elif op_seed is not None:
            pair = DEFAULT_GRAPH_SEED, op_seed
        else:
            return _entropy64(), _entropy64()
        return _as_seed(pair[0], "graph seed", modulus), _as_seed(pair[1], "seed", modulus)

    def _unseeded_stream(self) -> int:
        """The op seed of an unseeded initialization: the variable's name stream, or the
        next count."""
        name = getattr(_thread, "name", None)
        if self.streams == "by_name" and name is not None:
            return name_stream(name)
        self.op_count += 1
        return self.op_count - 1


@contextlib.contextmanager
def random_algorithm(name: str) -> Iterator[None]:
    """Random initializers of this thread use ``name`` ("varshare" or "tf") in the block.

    The innermost block wins over outer ones and over ``Graph(random_algorithm=...)``;
    an initializer's own ``algorithm=`` wins over both.
    """
    check_random_algorithm(name, "name")
    stack = _thread.__dict__.setdefault("algorithms", [])
    stack.append(name)
    try:
        yield
    finally:
        stack.pop()


@contextlib.contextmanager
def replaying(draws: Draws) -> Iterator[None]:
    """Resolve op seeds to the recorded ``draws`` of a variable creation.

    Inside it an initializer recomputes exactly the values (or any window of them) it
    gave then, in any thread or process; other op seeds draw once, as in a creation.
    """
    saved = getattr(_thread, "cache", None)
    _thread.cache = dict(draws)
    try:
        yield
    finally:
        _thread.cache = saved
