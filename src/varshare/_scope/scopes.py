"""Variable scopes, the variable store and ``get_variable``: TF 1.x's sharing rules."""

from __future__ import annotations

import enum
import functools
from typing import Any, Callable, Optional, Sequence, Tuple

import numpy as np

from varshare._core import dtypes as _dtypes
from varshare._core.graph import Graph, GraphKeys, get_default_graph
from varshare._init.partitions import PartitionInfo
from varshare._init.recipe import windowable
from varshare._scope.variables import (
    InitializerInfo, PartitionedVariable, SaveSliceInfo, Variable, VariableAggregation,
    VariableSynchronization, collection_keys, resolve_trainable)

Shape = Optional[Tuple[Optional[int], ...]]


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE
"""``reuse=AUTO_REUSE``: create a variable if it does not exist, else return it."""

_AUTO = VariableSynchronization.AUTO
_NONE = VariableAggregation.NONE


class VariableScope:
    """The defaults ``get_variable`` uses inside a ``variable_scope``.

    Args:
      reuse: True, False or ``AUTO_REUSE``.
      name: the prefix of variable names ('' for the root scope).
      initializer, regularizer, caching_device, partitioner, custom_getter,
      dtype, use_resource, constraint: defaults for ``get_variable``.
      name_scope: the name scope opened with this scope (``original_name_scope``).
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

    name = property(lambda self: self._name, doc="The prefix of variable names.")
    original_name_scope = property(lambda self: self._name_scope,
                                   doc="The name scope opened when this scope was created.")
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

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
                     synchronization: Any = _AUTO, aggregation: Any = _NONE) -> Any:
        """Get or create variable ``name`` in ``var_store``, filling in this scope's defaults."""
        if dtype is not None and initializer is not None and not callable(initializer):
            init_dtype = _dtypes.to_array(initializer).dtype
            if init_dtype != _dtypes.as_dtype(dtype):
                raise ValueError(f"Initializer type '{init_dtype}' and explicit dtype "
                                 f"'{_dtypes.as_dtype(dtype)}' don't match.")
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


def _as_shape(shape: Any) -> Shape:
    if shape is None:
        return None
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple([None if d is None else int(d) for d in shape])


def _compatible(shape: Shape, found: tuple[int, ...]) -> bool:
    return shape is None or shape == found or (len(shape) == len(found) and all(
        d is None or d == f for d, f in zip(shape, found)))


def _parameters(fn: Callable):
    """``fn``'s parameters, or None where Python cannot tell (e.g. some builtins)."""
    import inspect   # here, not at module level: it costs import time that most users never need
    try:
        return inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return None


def _accepts(fn: Callable, argument: str) -> bool:
    """Whether ``fn`` takes keyword ``argument`` (by name or through ``**kwargs``)."""
    parameters = _parameters(fn)
    return parameters is not None and (argument in parameters or any(
        p.kind is p.VAR_KEYWORD for p in parameters.values()))


def _needs_no_arguments(fn: Callable) -> bool:
    parameters = _parameters(fn)
    return parameters is not None and all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in parameters.values())


def _zeros(shape: Sequence[int], dtype: Any = None, partition_info: Any = None) -> np.ndarray:
    return np.zeros(shape, dtype)


def _default_initializer(name: str, dtype: np.dtype) -> Callable:
    """The document's default: unit-scaling uniform for floats, zeros for ints and bools."""
    if _dtypes.is_floating(dtype):
        from varshare._init import initializers as _initializers  # Lazily: it imports the compiled kernels.
        return _initializers.uniform_unit_scaling_initializer()
    if dtype.kind in "iub":
        return _zeros
    raise ValueError(f"An initializer for variable {name} of {dtype} is required")


def _already_exists(name: str) -> ValueError:
    return ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                      f"reuse=True or reuse=tf.AUTO_REUSE in VarScope?")


def _call_partitioner(partitioner: Callable, shape: Shape, dtype: np.dtype) -> list[int]:
    """The partitions per axis, validated as TF does."""
    if shape is None or None in shape:
        raise ValueError(f"Shape of a new partitioned variable must be fully defined, but "
                         f"instead was {'<unknown>' if shape is None else shape}.")
    if not shape:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, (list, tuple)):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing}")
    if len(slicing) != len(shape):
        raise ValueError(f"Partitioner returned a partition list that does not match the "
                         f"Variable's rank: {slicing} vs. {shape}")
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(f"Can only slice a variable along one dimension: shape: {shape}, "
                         f"partitioning: {slicing}")
    return [int(p) for p in slicing]


def _shards(name: str, shape: tuple[int, ...], partitions: list[int]
            ) -> list[tuple[str, tuple[int, ...], PartitionInfo]]:
    """(name, shape, partition info) of each shard; the first ``size % n`` get one more row."""
    axis = next((i for i, p in enumerate(partitions) if p > 1), 0)
    n = partitions[axis]
    small, extra = divmod(shape[axis], n)
    shards, offset = [], 0
    for i in range(n):
        size = small + (i < extra)
        shards.append((f"{name}/part_{i}", shape[:axis] + (size,) + shape[axis + 1:],
                       PartitionInfo(shape, (0,) * axis + (offset,) + (0,) * (len(shape) - axis - 1))))
        offset += size
    return shards


class VariableStore:
    """A graph's variables created by ``get_variable``, by full name."""

    def __init__(self) -> None:
        self._vars: dict[str, Variable] = {}
        self._partitioned_vars: dict[str, PartitionedVariable] = {}

    @property
    def variables(self) -> dict[str, Variable]:
        """The unpartitioned variables and shards, by name (a copy)."""
        return dict(self._vars)

    def get_variable(self, name: str, shape: Any = None, dtype: Any = _dtypes.float32,
                     initializer: Any = None, regularizer: Callable | None = None,
                     reuse: Any = None, trainable: bool | None = None,
                     collections: Sequence[Any] | None = None, caching_device: Any = None,
                     partitioner: Callable | None = None, validate_shape: bool = True,
                     use_resource: bool | None = None, custom_getter: Callable | None = None,
                     constraint: Callable | None = None, synchronization: Any = _AUTO,
                     aggregation: Any = _NONE) -> Any:
        """Get or create ``name`` (already scoped), through ``custom_getter`` if given.

        A custom getter receives every argument as a keyword, the real getter
        as ``getter`` (``constraint`` only if it accepts it).
        """
        kwargs = dict(name=name, shape=shape, dtype=dtype, initializer=initializer,
                      regularizer=regularizer, reuse=reuse, trainable=trainable,
                      collections=collections, caching_device=caching_device,
                      partitioner=partitioner, validate_shape=validate_shape,
                      use_resource=use_resource, constraint=constraint,
                      synchronization=synchronization, aggregation=aggregation)
        if custom_getter is None:
            return self._true_getter(**kwargs)
        if not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        if not _accepts(custom_getter, "constraint"):
            del kwargs["constraint"]
        return custom_getter(getter=self._true_getter, **kwargs)

    def _true_getter(self, name: str, shape: Any = None, dtype: Any = _dtypes.float32,
                     initializer: Any = None, regularizer: Callable | None = None,
                     reuse: Any = None, trainable: bool | None = None,
                     collections: Sequence[Any] | None = None, caching_device: Any = None,
                     partitioner: Callable | None = None, validate_shape: bool = True,
                     use_resource: bool | None = None, constraint: Callable | None = None,
                     synchronization: Any = _AUTO, aggregation: Any = _NONE) -> Any:
        del use_resource  # Every NumPy variable behaves the same.
        shape = _as_shape(shape)
        dtype = _dtypes.as_dtype(dtype)
        attributes = dict(trainable=trainable, collections=collections,
                          caching_device=caching_device, constraint=constraint,
                          synchronization=synchronization, aggregation=aggregation)
        if partitioner is not None and shape != ():
            if not callable(partitioner):
                raise ValueError(f"Partitioner must be callable, but received: {partitioner}")
            return self._get_partitioned(name, shape, dtype, initializer, regularizer, reuse,
                                         partitioner, validate_shape, attributes)
        # A partitioned variable may be reused without repeating its partitioner.
        if reuse is True and partitioner is None and name in self._partitioned_vars:
            return self._get_partitioned(name, shape, dtype, initializer, regularizer, reuse,
                                         None, validate_shape, attributes)
        if f"{name}/part_0" in self._vars:
            raise ValueError(f"No partitioner was provided, but a partitioned version of the "
                             f"variable was found: {name}/part_0. Perhaps a variable of the "
                             f"same name was already created with partitioning?")
        from_value = initializer is not None and not callable(initializer)
        if from_value and shape is not None:
            raise ValueError("If initializer is a constant, do not specify shape.")
        found = self._vars.get(name)
        if found is not None:
            if reuse is False:
                raise _already_exists(name)
            self._check_sharing("share variable", name, shape, dtype, found)
            return found
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with "
                             f"tf.get_variable(). Did you mean to set reuse=tf.AUTO_REUSE in "
                             f"VarScope?")
        [variable] = self._create([(name, shape, None)], dtype, initializer, regularizer,
                                  validate_shape, attributes)
        return variable

    def _get_partitioned(self, name: str, shape: Shape, dtype: np.dtype, initializer: Any,
                         regularizer: Callable | None, reuse: Any,
                         partitioner: Callable | None, validate_shape: bool,
                         attributes: dict[str, Any]) -> PartitionedVariable:
        if name in self._vars:
            raise ValueError(f"A partitioner was provided, but an unpartitioned version of the "
                             f"variable was found: {name}.  Perhaps a variable of the same "
                             f"name was already created without partitioning?")
        if initializer is not None and not callable(initializer):
            # A constant gives shape and dtype; each shard is initialised from its slice.
            initializer = _dtypes.to_array(initializer)
            if not _compatible(shape, initializer.shape):
                raise ValueError(f"Shapes {shape} and {initializer.shape} are incompatible")
            shape, dtype = initializer.shape, initializer.dtype
        partitions = None
        if not reuse or partitioner:
            partitions = _call_partitioner(partitioner, shape, dtype)
        existing = self._partitioned_vars.get(name)
        if existing is not None:
            if reuse is False:
                raise ValueError(f"Partitioned variable with name {name} already exists. Did "
                                 f"you mean to set reuse=True or reuse=tf.AUTO_REUSE in "
                                 f"VarScope?")
            self._check_sharing("reuse partitioned variable", name, shape, dtype, existing)
            if partitions is not None and existing.get_partitions() != partitions:
                raise ValueError(f"Trying to reuse partitioned variable {name}, but specified "
                                 f"partitions {partitions} and found partitions "
                                 f"{existing.get_partitions()}.")
            return existing
        if reuse is True:
            raise ValueError(f"PartitionedVariable {name} does not exist, or was not created "
                             f"with tf.get_variable(). Did you mean to set reuse=False or "
                             f"reuse=tf.AUTO_REUSE in VarScope?")
        shards = _shards(name, shape, partitions)
        taken = next((s for s, _, _ in shards if s in self._vars), None)
        if taken is not None:
            raise _already_exists(taken)
        variables = self._create(shards, dtype, initializer, regularizer, validate_shape,
                                 attributes, full=(name, shape, partitions))
        partitioned = PartitionedVariable(name, shape, dtype, variables, partitions)
        self._partitioned_vars[name] = partitioned
        return partitioned

    @staticmethod
    def _check_sharing(what: str, name: str, shape: Shape, dtype: np.dtype, found: Any) -> None:
        if not _compatible(shape, found.shape):
            raise ValueError(f"Trying to {what} {name}, but specified shape {shape} and found "
                             f"shape {found.shape}.")
        if dtype != found.dtype:
            raise ValueError(f"Trying to {what} {name}, but specified dtype {dtype.name} and "
                             f"found dtype {found.dtype.name}.")

    def _create(self, shards: list[tuple[str, Shape, PartitionInfo | None]], dtype: np.dtype,
                initializer: Any, regularizer: Callable | None, validate_shape: bool,
                attributes: dict[str, Any], full: tuple | None = None) -> list[Variable]:
        """Create the variables of ``shards`` atomically: on error the graph is unchanged."""
        graph = get_default_graph()
        collections = attributes.pop("collections")
        sync, aggregation, trainable = resolve_trainable(
            attributes.pop("trainable"), attributes.pop("synchronization"),
            attributes.pop("aggregation"), shards[0][0])
        keys = collection_keys(collections, trainable)
        with graph.seeds.creating_variable() as seeds:
            if initializer is None and shards[0][1] is not None:
                initializer = _default_initializer(shards[0][0], dtype)
            values = [_initial_value(name, shape, dtype, initializer, info, validate_shape)
                      for name, shape, info in shards]
            variables = [Variable._unregistered(
                graph, name, value, trainable=trainable, synchronization=sync,
                aggregation=aggregation, **attributes)
                for (name, _, _), value in zip(shards, values)]
            if (shards[0][1] is not None and _accepts(initializer, "partition_info")
                    and windowable(initializer)):
                for variable, (_, _, info) in zip(variables, shards):
                    variable._initializer_info = InitializerInfo(initializer, info, dict(seeds))
            if full is not None:
                full_name, full_shape, _ = full
                for variable, (_, shape, info) in zip(variables, shards):
                    variable._save_slice_info = SaveSliceInfo(
                        full_name, full_shape, info.var_offset, variable.shape)
            losses = [None if regularizer is None else regularizer(v) for v in variables]
        for (name, _, _), variable, loss in zip(shards, variables, losses):
            variable._register(keys)
            self._vars[name] = variable
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return variables


def _initial_value(name: str, shape: Shape, dtype: np.dtype, initializer: Any,
                   partition_info: PartitionInfo | None, validate_shape: bool) -> np.ndarray:
    """The value of a new variable (or shard) as an array."""
    if initializer is None:
        if shape is None:
            raise ValueError(f"Variable {name} did not get an initializer, so its `shape` "
                             f"argument must be specified.")
        initializer = _default_initializer(name, dtype)
    if not callable(initializer):  # A constant keeps its own dtype, as in TF; copy it.
        value = _dtypes.to_array(initializer)
        return np.array(value if partition_info is None else value[partition_info.window(shape)])
    if shape is None:
        if not _needs_no_arguments(initializer):
            raise ValueError("The initializer passed is not valid. It should be a callable with "
                             "no arguments and the shape should not be provided, or `shape` "
                             "should be fully defined.")
        return _dtypes.to_array(initializer())
    if None in shape:
        raise ValueError(f"Shape of a new variable ({name}) must be fully defined, but "
                         f"instead was {shape}.")
    if partition_info is not None and _accepts(initializer, "partition_info"):
        value = initializer(shape, dtype=dtype, partition_info=partition_info)
    else:
        value = initializer(shape, dtype=dtype)
    value = np.asarray(value, dtype=dtype)
    if validate_shape and value.shape != shape:
        raise ValueError(f"The initializer of variable {name} returned shape {value.shape}, "
                         f"but shape {shape} was specified.")
    return value


def get_variable_store(graph: Graph | None = None) -> VariableStore:
    """The variable store of ``graph`` (default: the default graph)."""
    graph = graph or get_default_graph()
    if graph._variable_store is None:
        graph._variable_store = VariableStore()
    return graph._variable_store


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
                 aggregation: Any = _NONE) -> Any:
    """Get an existing variable or create a new one, following the scope's reuse rules.

    >>> with variable_scope("foo"):
    ...     v = get_variable("v", [1], initializer=np.zeros)
    >>> v.name
    'foo/v:0'
    >>> with variable_scope("foo", reuse=True):
    ...     get_variable("v") is v
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


def _tf1_arguments(name_or_scope, default_name=None, values=None, initializer=None,
                   regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
                   reuse=None, dtype=None, use_resource=None, constraint=None,
                   auxiliary_name_scope=True):
    return locals()


def _document_arguments(name_or_scope, reuse=None, initializer=None, regularizer=None,
                        caching_device=None, partitioner=None, custom_getter=None, dtype=None,
                        *, default_name=None, values=None, use_resource=None, constraint=None,
                        auxiliary_name_scope=True):
    return locals()


class variable_scope:  # noqa: N801 (TF's name)
    """Open a variable scope (and a name scope) for creating or sharing variables.

    >>> with variable_scope("foo"):
    ...     with variable_scope("bar"):
    ...         get_variable("v", [1], initializer=np.zeros).name
    'foo/bar/v:0'

    Both TF signatures are accepted: ``variable_scope(name_or_scope, reuse, initializer,
    regularizer, caching_device, partitioner, custom_getter, dtype)`` when the second
    positional argument is a bool or ``AUTO_REUSE`` (the document's), else TF 1.x's
    ``variable_scope(name_or_scope, default_name=None, values=None, initializer=None,
    regularizer=None, caching_device=None, partitioner=None, custom_getter=None,
    reuse=None, dtype=None, use_resource=None, constraint=None,
    auxiliary_name_scope=True)``.

    Args:
      name_or_scope: a name (appended to the current scope) or a captured
        ``VariableScope`` (re-entered as is, taking its reuse from the object).
      default_name: used, made unique among its siblings, when ``name_or_scope``
        is None.
      reuse: True, ``AUTO_REUSE``, or None/False to inherit the parent's reuse.
      custom_getter: runs before (and wraps) the enclosing scope's getter.
      auxiliary_name_scope: if False, do not open a name scope.
      initializer, regularizer, caching_device, partitioner, dtype,
      use_resource, constraint: defaults for ``get_variable`` in this scope.
      values: accepted for TF compatibility.

    Raises:
      ValueError: for a ``reuse`` other than True, False, None and
        ``AUTO_REUSE``, or ``reuse=True`` without ``name_or_scope``.
      TypeError: for arguments of the wrong type.
    """

    def __init__(self, name_or_scope: str | VariableScope | None, *args: Any,
                 **kwargs: Any) -> None:
        document = bool(args) and _is_reuse(args[0])
        arguments = (_document_arguments if document else _tf1_arguments)(
            name_or_scope, *args, **kwargs)
        if arguments["default_name"] is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        reuse = arguments["reuse"]
        if not (reuse is None or _is_reuse(reuse)):
            raise ValueError("The reuse parameter must be True or False or None.")
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
            raise ValueError("reuse=True cannot be used without a name_or_scope")
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
        graph, old_scope, old_stack, new, restore = self._entries.pop()
        state = graph._thread
        if state.variable_scope is not new:
            raise RuntimeError("Improper nesting of variable_scope.")
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
