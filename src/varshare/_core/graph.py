"""Graphs: collections, unique op names, name scopes and the per-thread default graph."""

from __future__ import annotations

import contextlib
import re
import threading
from typing import Any, Iterable, Iterator

from varshare._core.seeding import SeedState, check_stream_rule
from varshare.errors import ScopeError

# TF's op-name rules: a root scope may not start with '_', '-', '/' or '\'.
_VALID_ROOT_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\\/>-]*$")
_VALID_SCOPE_NAME = re.compile(r"^[A-Za-z0-9_.\\/>-]*$")


def check_scope_name(name: str, root: bool) -> None:
    """ScopeError (a ValueError) unless ``name`` is a valid TF name scope: at the root (as
    every variable's full name must be) or inside another scope."""
    valid, kind = (_VALID_ROOT_NAME, "root scope") if root else (_VALID_SCOPE_NAME, "scope")
    if not valid.match(name):
        raise ScopeError(f"'{name}' is not a valid {kind} name. A {kind} name has to match "
                         f"the following pattern: {valid.pattern}")


class GraphKeys:
    """Standard collection names, as in TF 1.x."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = GLOBAL_VARIABLES  # TF 1.x's older name for GLOBAL_VARIABLES.
    LOCAL_VARIABLES = "local_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    CONCATENATED_VARIABLES = "concatenated_variables"
    REGULARIZATION_LOSSES = "regularization_losses"
    LOSSES = "losses"
    SUMMARIES = "summaries"
    UPDATE_OPS = "update_ops"
    GLOBAL_STEP = "global_step"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"


class _ThreadState(threading.local):
    """A graph's per-thread construction state (TF keeps name stacks per thread)."""

    def __init__(self) -> None:
        self.name_stack = ""
        self.variable_scope: Any = None  # The current VariableScope (the scopes module's).
        self.scope_counts: dict[str, int] = {}  # Openings per variable-scope name.


class Graph:
    """A container of collections, op names and the variable store.

    Values are NumPy arrays, so a graph holds no ops: it only keeps the names,
    collections and variables that TF 1.x code relies on.  ``random_algorithm="tf"``
    makes its random initializers reproduce TensorFlow's values (docs/tf-mode.md);
    ``streams="by_name"`` derives unseeded variables' streams from their names
    (:func:`set_random_seed`, docs/seeding.md).
    """

    def __init__(self, random_algorithm: str = "varshare", streams: str = "counter") -> None:
        self._collections: dict[Any, list] = {}
        self._names_in_use: dict[str, int] = {}
        self._thread = _ThreadState()
        self._variable_store: Any = None  # A VariableStore, made by the store module on first use.
        self.seeds = SeedState(random_algorithm, streams)  # read and changed by _core.seeding

    @property
    def seed(self) -> int | None:
        """The graph-level random seed (``set_random_seed``), or None."""
        return self.seeds.seed

    @seed.setter
    def seed(self, seed: int | None) -> None:
        self.seeds.seed = seed

    @property
    def random_algorithm(self) -> str:
        """The random algorithm of the graph's initializers: "varshare" or "tf"."""
        return self.seeds.algorithm

    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Make this graph the default graph of the current thread inside the block."""
        stack = _default.stack
        stack.append(self)
        try:
            yield self
        finally:
            assert stack[-1] is self, "Nesting violated for default graph."
            stack.pop()

    # Collections.

    def add_to_collection(self, name: Any, value: Any) -> None:
        """Append ``value`` to collection ``name`` (collections are lists, not sets)."""
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: Any, value: Any) -> None:
        """Append ``value`` to each distinct collection in ``names`` (a key or keys)."""
        names = (names,) if isinstance(names, str) else dict.fromkeys(names)
        for name in names:
            self.add_to_collection(name, value)

    def get_collection_ref(self, name: Any) -> list:
        """The collection's own list (created empty if missing), to modify in place."""
        return self._collections.setdefault(name, [])

    def get_collection(self, name: Any, scope: str | None = None) -> list:
        """A copy of collection ``name``, filtered by ``re.match(scope, item.name)``.

        Items without a ``name`` are left out when ``scope`` is given.
        """
        items = self._collections.get(name, ())
        if scope is None:
            return list(items)
        match = re.compile(scope).match
        return [item for item in items
                if isinstance(getattr(item, "name", None), str) and match(item.name)]

    def get_all_collection_keys(self) -> list:
        """The keys of the collections that exist in this graph."""
        return list(self._collections)

    def clear_collection(self, name: Any) -> None:
        """Remove collection ``name``."""
        self._collections.pop(name, None)

    # Names.

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        """``name`` under the current name scope, suffixed ``_N`` if already used.

        Names are compared case-insensitively, as in TF.
        """
        stack = self._thread.name_stack
        return self._unique(f"{stack}/{name}" if stack else name, mark_as_used)

    def _unique(self, name: str, mark_as_used: bool = True) -> str:
        """Uniquify an absolute name."""
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i == 0:
            return name
        # Skip suffixes taken by names that were used literally, e.g. "foo_1".
        while f"{key}_{i}" in self._names_in_use:
            i += 1
        if mark_as_used:
            self._names_in_use[f"{key}_{i}"] = 1
        return f"{name}_{i}"

    def get_name_scope(self) -> str:
        """The current name scope, without a trailing slash."""
        return self._thread.name_stack

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        """Open a name scope; yields it with a trailing slash ('' for the root).

        A new name is made unique (``foo``, ``foo_1``, ...); a name ending in '/'
        re-enters that exact scope; None or '' returns to the root.
        """
        old = self._thread.name_stack
        try:
            yield self._set_name_scope(name)
        finally:
            self._thread.name_stack = old

    def _set_name_scope(self, name: str | None) -> str:
        """Replace the current name scope as ``name_scope`` does; return it with a '/'."""
        state = self._thread
        if not name:
            state.name_stack = ""
            return ""
        check_scope_name(name, root=not state.name_stack)
        state.name_stack = name[:-1] if name.endswith("/") else self.unique_name(name)
        return state.name_stack + "/"


class _DefaultGraphs(threading.local):
    """The per-thread stack of default graphs, over a per-thread global graph (as TF)."""

    def __init__(self) -> None:
        self.stack: list[Graph] = []
        self.global_graph: Graph | None = None


_default = _DefaultGraphs()


def get_default_graph() -> Graph:
    """The innermost graph made default by ``as_default``, else the thread's global graph."""
    stack = _default.stack
    if stack:
        return stack[-1]
    if _default.global_graph is None:
        _default.global_graph = Graph()
    return _default.global_graph


def reset_default_graph() -> None:
    """Replace the thread's global default graph by a new, empty one."""
    if _default.stack:
        raise AssertionError("Do not use reset_default_graph() to clear nested graphs. If you "
                             "need a cleared graph, exit the nesting and create a new graph.")
    _default.global_graph = None


class name_scope:  # noqa: N801 (TF's name)
    """Open a name scope of the default graph, like ``tf.compat.v1.name_scope``.

    >>> with name_scope("layer") as scope:
    ...     scope
    'layer/'

    Args:
      name: the scope name (made unique), or a name ending in '/' to re-enter.
      default_name: used when ``name`` is None.
      values: accepted for TF compatibility.
    """

    def __init__(self, name: str | None, default_name: str | None = None,
                 values: Iterable[Any] | None = None) -> None:
        self._name = default_name if name is None else name
        self._values = values
        self._scope: contextlib.AbstractContextManager[str] | None = None

    def __enter__(self) -> str:
        if self._name is None and self._values is not None:
            raise ScopeError("At least one of name and default_name must be provided.")
        self._scope = get_default_graph().name_scope(self._name)
        return self._scope.__enter__()

    def __exit__(self, *exc_info: Any) -> Any:
        assert self._scope is not None, "name_scope exited before it was entered"
        return self._scope.__exit__(*exc_info)


def get_collection(key: Any, scope: str | None = None) -> list:
    """``get_default_graph().get_collection(key, scope)``."""
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: Any) -> list:
    """``get_default_graph().get_collection_ref(key)``."""
    return get_default_graph().get_collection_ref(key)


def add_to_collection(name: Any, value: Any) -> None:
    """``get_default_graph().add_to_collection(name, value)``."""
    get_default_graph().add_to_collection(name, value)


def add_to_collections(names: Any, value: Any) -> None:
    """``get_default_graph().add_to_collections(names, value)``."""
    get_default_graph().add_to_collections(names, value)


def global_variables(scope: str | None = None) -> list:
    """The variables of ``GraphKeys.GLOBAL_VARIABLES``, optionally filtered by scope."""
    return get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list:
    """The variables of ``GraphKeys.TRAINABLE_VARIABLES``, optionally filtered by scope."""
    return get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list:
    """The variables of ``GraphKeys.LOCAL_VARIABLES``, optionally filtered by scope."""
    return get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list:
    """The variables of ``GraphKeys.MODEL_VARIABLES``, optionally filtered by scope."""
    return get_collection(GraphKeys.MODEL_VARIABLES, scope)


def set_random_seed(seed: int | None, streams: str | None = None) -> None:
    """Set the graph-level seed of the default graph (TF 1.x seeding rule).

    ``streams="by_name"`` also derives each unseeded random variable's stream from its full
    name instead of the graph's count of random initializations, so that adding or
    reordering variables changes no other variable's values; ``"counter"`` restores TF's
    rule; None (the default) keeps the graph's rule (docs/seeding.md).

    >>> set_random_seed(42, streams="by_name")
    >>> get_default_graph().seeds.streams
    'by_name'
    >>> set_random_seed(None, streams="counter")
    """
    seeds = get_default_graph().seeds
    if streams is not None:
        seeds.streams = check_stream_rule(streams)
    seeds.seed = seed          # checked when used, as TF does
