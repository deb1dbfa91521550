"""Variable scopes and ``get_variable``: the names and defaults TF 1.x's sharing rules use.

The variables themselves live in the graph's variable store (``store.py``).
"""

from __future__ import annotations

import enum
import functools
import operator
from typing import Any, Callable, Sequence

from varshare._core import dtypes as _dtypes
from varshare._core.graph import Graph, GraphKeys, get_default_graph
from varshare._scope.store import VariableLike, VariableStore, get_variable_store
from varshare._scope.variables import VariableAggregation, VariableSynchronization
from varshare.errors import ScopeError


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE
"""``reuse=AUTO_REUSE``: create a variable if it does not exist, else return it."""

_AUTO = VariableSynchronization.AUTO
_NONE = VariableAggregation.NONE


def _setting(attribute: str, doc: str) -> property:
    """A read-only property for the private attribute ``_<attribute>``."""
    return property(operator.attrgetter(f"_{attribute}"), doc=doc)


class VariableScope:
    """The defaults ``get_variable`` uses inside a ``variable_scope``.

    Args:
      reuse: True, False or ``AUTO_REUSE``.
      name: the prefix of variable names ('' for the root scope).
      initializer: the default initializer of ``get_variable``.
      regularizer: the default regularizer.
      caching_device: the default caching device (no effect on NumPy values).
      partitioner: the default partitioner.
      custom_getter: the getter wrapping ``get_variable``.
      name_scope: the name scope opened with this scope (``original_name_scope``).
      dtype: the default dtype.
      use_resource: the default ``use_resource`` (accepted for TF compatibility).
      constraint: the default constraint.
    """

    def __init__(self, reuse: Any, name: str = "", initializer: Any = None,
                 regularizer: Callable | None = None, caching_device: Any = None,
                 partitioner: Callable | None = None, custom_getter: Callable | None = None,
                 name_scope: str = "", dtype: Any = _dtypes.float32,
                 use_resource: bool | None = None, constraint: Callable | None = None) -> None:
        self._reuse = reuse
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = _dtypes.as_dtype(dtype)
        self._use_resource = use_resource
        self._constraint = constraint

    name = _setting("name", "The prefix of variable names.")
    original_name_scope = _setting(
        "name_scope", "The name scope opened when this scope was created.")
    reuse = _setting("reuse", "The reuse mode: True, False or ``AUTO_REUSE``.")
    initializer = _setting("initializer", "The default initializer of ``get_variable``, or None.")
    regularizer = _setting("regularizer", "The default regularizer, or None.")
    caching_device = _setting(
        "caching_device", "The default caching device (no effect on NumPy values).")
    partitioner = _setting("partitioner", "The default partitioner, or None.")
    custom_getter = _setting(
        "custom_getter", "The custom getter wrapping ``get_variable``, or None.")
    dtype = _setting("dtype", "The default dtype (float32 unless set).")
    use_resource = _setting(
        "use_resource", "The default ``use_resource`` (accepted for TF compatibility).")
    constraint = _setting("constraint", "The default constraint, or None.")

    def get_collection(self, name: Any) -> list:
        """The items of collection ``name`` whose names start with this scope's name and a
        slash (matched as a regular expression, as TF 1.x does); all of them for the root."""
        prefix = self._name + "/" if self._name and not self._name.endswith("/") else self._name
        return get_default_graph().get_collection(name, prefix)

    def global_variables(self) -> list:
        """The global variables created in this scope (``get_collection``)."""
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def trainable_variables(self) -> list:
        """The trainable variables created in this scope."""
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def local_variables(self) -> list:
        """The local variables created in this scope."""
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def reuse_variables(self) -> None:
        """Reuse variables in this scope from now on."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        """Set the default initializer."""
        self._initializer = initializer

    def set_regularizer(self, regularizer: Callable | None) -> None:
        """Set the default regularizer."""
        self._regularizer = regularizer

    def set_caching_device(self, caching_device: Any) -> None:
        """Set the default caching device."""
        self._caching_device = caching_device

    def set_partitioner(self, partitioner: Callable | None) -> None:
        """Set the default partitioner."""
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter: Callable | None) -> None:
        """Set the custom getter (replacing, not chaining, the current one)."""
        self._custom_getter = custom_getter

    def set_dtype(self, dtype: Any) -> None:
        """Set the default dtype."""
        self._dtype = _dtypes.as_dtype(dtype)

    def set_use_resource(self, use_resource: bool | None) -> None:
        """Set the default ``use_resource`` (accepted for TF compatibility)."""
        self._use_resource = use_resource

    def get_variable(self, var_store: VariableStore, name: str, shape: Any = None,
                     dtype: Any = None, initializer: Any = None,
                     regularizer: Callable | None = None, trainable: bool | None = None,
                     collections: Sequence[Any] | None = None, caching_device: Any = None,
                     partitioner: Callable | None = None, validate_shape: bool = True,
                     custom_getter: Callable | None = None, reuse: Any = None,
                     use_resource: bool | None = None, constraint: Callable | None = None,
                     synchronization: Any = _AUTO, aggregation: Any = _NONE) -> VariableLike:
        """Get or create variable ``name`` in ``var_store``, filling in this scope's defaults."""
        if dtype is not None and initializer is not None and not callable(initializer):
            init_dtype = _dtypes.to_array(initializer).dtype
            if init_dtype != _dtypes.as_dtype(dtype):
                raise ValueError(f"Initializer type '<dtype: '{init_dtype}'>' and explicit dtype "
                                 f"'<dtype: '{_dtypes.as_dtype(dtype)}'>' don't match.")
        return var_store.get_variable(
            f"{self._name}/{name}" if self._name else name, shape=shape,
            dtype=self._dtype if dtype is None else dtype,
            initializer=self._initializer if initializer is None else initializer,
            regularizer=self._regularizer if regularizer is None else regularizer,
            reuse=self._reuse if reuse is None else reuse, trainable=trainable,
            collections=collections,
            caching_device=self._caching_device if caching_device is None else caching_device,
            partitioner=self._partitioner if partitioner is None else partitioner,
            validate_shape=validate_shape,
            use_resource=self._use_resource if use_resource is None else use_resource,
            custom_getter=self._custom_getter if custom_getter is None else custom_getter,
            constraint=self._constraint if constraint is None else constraint,
            synchronization=synchronization, aggregation=aggregation)

    def __repr__(self) -> str:
        return f"<varshare.VariableScope {self._name!r} reuse={self._reuse}>"


def get_variable_scope() -> VariableScope:
    """The current variable scope of the default graph (in this thread)."""
    state = get_default_graph()._thread
    if state.variable_scope is None:
        state.variable_scope = VariableScope(False)
    return state.variable_scope


def get_variable(name: str, shape: Any = None, dtype: Any = None, initializer: Any = None,
                 regularizer: Callable | None = None, trainable: bool | None = None,
                 collections: Sequence[Any] | None = None, caching_device: Any = None,
                 partitioner: Callable | None = None, validate_shape: bool = True,
                 custom_getter: Callable | None = None, use_resource: bool | None = None,
                 constraint: Callable | None = None, synchronization: Any = _AUTO,
                 aggregation: Any = _NONE) -> VariableLike:
    """Get an existing variable or create a new one, following the scope's reuse rules.

    >>> import varshare as vs
    >>> with vs.variable_scope("foo"):
    ...     v = vs.get_variable("v", [1], initializer=vs.zeros_initializer())
    >>> v.name
    'foo/v:0'
    >>> with vs.variable_scope("foo", reuse=True):
    ...     vs.get_variable("v") is v
    True

    Unset arguments take the current scope's defaults. ``initializer`` may be a
    callable ``init(shape, dtype=None, partition_info=None)`` or a constant
    (then ``shape`` must be omitted); with neither, floats use
    ``uniform_unit_scaling_initializer()`` and integers/bools zeros.
    ``regularizer(variable)`` is added to ``GraphKeys.REGULARIZATION_LOSSES`` once,
    at creation (once per shard). With ``partitioner`` the result is a
    ``PartitionedVariable``. ``custom_getter(getter, name, *args, **kwargs)``
    replaces the scope's getter for this call.

    Raises:
      ValueError: on a reuse violation (creating an existing variable, reusing a
        missing one, a shape or dtype mismatch) or an invalid argument; the
        graph is then left unchanged.
    """
    return get_variable_scope().get_variable(
        get_variable_store(), name, shape, dtype, initializer, regularizer, trainable,
        collections, caching_device, partitioner, validate_shape, custom_getter,
        use_resource=use_resource, constraint=constraint, synchronization=synchronization,
        aggregation=aggregation)


def get_local_variable(name: str, shape: Any = None, dtype: Any = None,
                       initializer: Any = None, regularizer: Callable | None = None,
                       trainable: bool | None = False, collections: Sequence[Any] | None = None,
                       caching_device: Any = None, partitioner: Callable | None = None,
                       validate_shape: bool = True, use_resource: bool | None = None,
                       custom_getter: Callable | None = None,
                       constraint: Callable | None = None, synchronization: Any = _AUTO,
                       aggregation: Any = _NONE) -> VariableLike:
    """``get_variable`` for a local variable: in ``LOCAL_VARIABLES`` (added to
    ``collections``), never in ``GLOBAL_VARIABLES``, never trainable (``trainable`` is
    accepted and ignored, as in TF)."""
    del trainable
    return get_variable(
        name, shape, dtype, initializer, regularizer, False,
        [*(collections or []), GraphKeys.LOCAL_VARIABLES], caching_device, partitioner,
        validate_shape, custom_getter, use_resource, constraint, synchronization, aggregation)


def _chain_getters(inner: Callable, outer: Callable | None) -> Callable:
    """``inner`` first, given the outer scope's getter (bound to the real one) as its getter."""
    if outer is None:
        return inner
    return lambda getter, *args, **kwargs: inner(
        functools.partial(outer, getter), *args, **kwargs)


def _unique_variable_scope(prefix: str) -> str:
    """``prefix``, or ``prefix_N`` if that sub-scope was already opened in this parent."""
    state = get_default_graph()._thread
    parent = get_variable_scope().name
    name = f"{parent}/{prefix}" if parent else prefix
    counts = state.scope_counts
    if not counts.get(name):
        return prefix
    i = 1
    while counts.get(f"{name}_{i}"):
        i += 1
    return f"{prefix}_{i}"


def _is_reuse(value: Any) -> bool:
    return isinstance(value, bool) or value is AUTO_REUSE


def _tf1_arguments(name_or_scope: Any, default_name: str | None = None, values: Any = None,
                   initializer: Any = None, regularizer: Callable | None = None,
                   caching_device: Any = None, partitioner: Callable | None = None,
                   custom_getter: Callable | None = None, reuse: Any = None, dtype: Any = None,
                   use_resource: bool | None = None, constraint: Callable | None = None,
                   auxiliary_name_scope: bool = True) -> dict[str, Any]:
    return locals()


def _legacy_positional_arguments(
        name_or_scope: Any, reuse: Any = None, initializer: Any = None,
        regularizer: Callable | None = None, caching_device: Any = None,
        partitioner: Callable | None = None, custom_getter: Callable | None = None,
        dtype: Any = None, *, default_name: str | None = None, values: Any = None,
        use_resource: bool | None = None, constraint: Callable | None = None,
        auxiliary_name_scope: bool = True) -> dict[str, Any]:
    return locals()


class variable_scope:  # noqa: N801 (TF's name)
    """Open a variable scope (and a name scope) for creating or sharing variables.

    >>> import varshare as vs
    >>> with vs.variable_scope("outer"):
    ...     with vs.variable_scope("inner"):
    ...         vs.get_variable("v", [1]).name
    'outer/inner/v:0'

    Both TF signatures are accepted: ``variable_scope(name_or_scope, reuse, initializer,
    regularizer, caching_device, partitioner, custom_getter, dtype)`` when the second
    positional argument is a bool or ``AUTO_REUSE`` (the older positional form), else TF 1.x's
    ``variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
    regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
    reuse=None, dtype=None, use_resource=None, constraint=None,
    auxiliary_name_scope=True)``.

    The arguments, by name in either form:

    - ``name_or_scope``: a name (appended to the current scope) or a captured
      ``VariableScope`` (re-entered as is, taking its reuse from the object).
    - ``default_name``: used, made unique among its siblings, when ``name_or_scope``
      is None.
    - ``reuse``: True, ``AUTO_REUSE``, or None/False to inherit the parent's reuse.
    - ``custom_getter``: runs before (and wraps) the enclosing scope's getter.
    - ``auxiliary_name_scope``: if False, do not open a name scope.
    - ``initializer``, ``regularizer``, ``caching_device``, ``partitioner``, ``dtype``,
      ``use_resource``, ``constraint``: defaults for ``get_variable`` in this scope.
    - ``values``: accepted for TF compatibility.

    Raises:
      ScopeError: (a ValueError) for a ``reuse`` other than True, False, None and
        ``AUTO_REUSE``, or ``reuse=True`` without ``name_or_scope``.
      TypeError: for arguments of the wrong type.
    """

    def __init__(self, name_or_scope: str | VariableScope | None, *args: Any,
                 **kwargs: Any) -> None:
        legacy = bool(args) and _is_reuse(args[0])
        arguments = (_legacy_positional_arguments if legacy else _tf1_arguments)(
            name_or_scope, *args, **kwargs)
        if arguments["default_name"] is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        reuse = arguments["reuse"]
        if not (reuse is None or _is_reuse(reuse)):
            raise ScopeError("The reuse parameter must be True or False or None.")
        if not isinstance(arguments["auxiliary_name_scope"], bool):
            raise TypeError(f"The auxiliary_name_scope must be `True` or `False`, while get "
                            f"{arguments['auxiliary_name_scope']}")
        if arguments["dtype"] is not None:
            arguments["dtype"] = _dtypes.as_dtype(arguments["dtype"])
        self._name_or_scope = name_or_scope
        self._default_name = arguments["default_name"]
        self._reuse = reuse or None  # False means "inherit", as None.
        self._auxiliary_name_scope = arguments["auxiliary_name_scope"]
        self._name_scope_opened = True  # False for the template's scope-only entry.
        self._overrides = {key: arguments[key] for key in (
            "initializer", "regularizer", "caching_device", "partitioner", "dtype",
            "use_resource")}
        self._custom_getter = arguments["custom_getter"]
        self._constraint = arguments["constraint"]
        self._entries: list[tuple] = []

    def __enter__(self) -> VariableScope:
        scope = self._name_or_scope
        if scope is None and self._reuse is True:
            raise ScopeError("reuse=True cannot be used without a name_or_scope")
        if scope is not None and not isinstance(scope, (str, VariableScope)):
            raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
        graph = get_default_graph()
        state = graph._thread
        old_scope, old_stack = get_variable_scope(), state.name_stack
        try:
            name_scope = self._open_name_scope(graph)
            if isinstance(scope, VariableScope):
                new = self._reenter(scope)
                state.scope_counts[new.name] = state.scope_counts.get(new.name, 0) + 1
                restore = dict(state.scope_counts)  # Sub-scope counts revert on exit.
            else:
                new = self._extend(old_scope, scope if scope is not None
                                   else _unique_variable_scope(self._default_name), name_scope)
                state.scope_counts[new.name] = state.scope_counts.get(new.name, 0) + 1
                restore = None
        except BaseException:
            state.name_stack = old_stack
            raise
        state.variable_scope = new
        self._entries.append((graph, old_scope, old_stack, new, restore))
        return new

    def _open_name_scope(self, graph: Graph) -> str | None:
        """Open this scope's name scope; return it (with '/'), or None if none is opened."""
        if not self._name_scope_opened:
            return None
        stack = graph._thread.name_stack
        if not self._auxiliary_name_scope:
            return stack + "/" if stack else ""
        scope = self._name_or_scope
        name = (self._default_name if scope is None else
                scope if isinstance(scope, str) else scope.name.split("/")[-1])
        return graph._set_name_scope(name) if name else None

    def _reenter(self, scope: VariableScope) -> VariableScope:
        """A copy of a captured scope with its reuse (unless given) and the overrides."""
        new = VariableScope(
            self._reuse or scope.reuse, scope.name, scope.initializer, scope.regularizer,
            scope.caching_device, scope.partitioner, scope.custom_getter,
            scope.original_name_scope, scope.dtype, scope.use_resource, self._constraint)
        self._override(new)
        return new

    def _extend(self, parent: VariableScope, name: str, name_scope: str | None
                ) -> VariableScope:
        """A sub-scope of ``parent`` inheriting its reuse and defaults."""
        new = VariableScope(
            self._reuse or parent.reuse, f"{parent.name}/{name}" if parent.name else name,
            parent.initializer, parent.regularizer, parent.caching_device, parent.partitioner,
            parent.custom_getter, name if name_scope is None else name_scope, parent.dtype,
            parent.use_resource, self._constraint)
        self._override(new)
        return new

    def _override(self, new: VariableScope) -> None:
        for key, value in self._overrides.items():
            if value is not None:
                setattr(new, f"_{key}", value)
        if self._custom_getter is not None:
            new._custom_getter = _chain_getters(self._custom_getter, new.custom_getter)

    def __exit__(self, *exc_info: Any) -> None:
        graph, old_scope, old_stack, new, restore = self._entries[-1]
        state = graph._thread
        if state.variable_scope is not new:   # the entry stays: exiting later still works
            raise RuntimeError("Improper nesting of variable_scope.")
        self._entries.pop()
        if restore is not None:
            state.scope_counts = restore
        else:  # Sibling counters of sub-scopes start again when the parent reopens.
            prefix = new.name + "/"
            for key in state.scope_counts:
                if key.startswith(prefix):
                    state.scope_counts[key] = 0
        state.variable_scope = old_scope
        state.name_stack = old_stack


def _scope_only(name: str, custom_getter: Callable | None = None) -> variable_scope:
    """A variable scope that opens no name scope (for ``make_template``)."""
    scope = variable_scope(name, custom_getter=custom_getter)
    scope._name_scope_opened = False
    return scope


def variable_op_scope(values: Any, name_or_scope: str | VariableScope | None,
                      default_name: str | None = None, initializer: Any = None,
                      regularizer: Callable | None = None, caching_device: Any = None,
                      partitioner: Callable | None = None,
                      custom_getter: Callable | None = None, reuse: Any = None,
                      dtype: Any = None, use_resource: bool | None = None,
                      constraint: Callable | None = None) -> variable_scope:
    """``variable_scope(name_or_scope, default_name, values, ...)``, the older spelling."""
    return variable_scope(
        name_or_scope, default_name=default_name, values=values, initializer=initializer,
        regularizer=regularizer, caching_device=caching_device, partitioner=partitioner,
        custom_getter=custom_getter, reuse=reuse, dtype=dtype, use_resource=use_resource,
        constraint=constraint)
