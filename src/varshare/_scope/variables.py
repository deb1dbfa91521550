"""NumPy-backed variables: ``Variable``, ``PartitionedVariable`` and their slice metadata."""

from __future__ import annotations

import enum
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np
from numpy.lib.mixins import NDArrayOperatorsMixin

from varshare._core import dtypes as _dtypes
from varshare._core.graph import Graph, GraphKeys, get_default_graph
from varshare._init.partitions import PartitionInfo, sliced_axis


class VariableSynchronization(enum.Enum):
    """When a distributed variable is synchronised (accepted for TF compatibility)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How distributed updates are aggregated (accepted for TF compatibility)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


def resolve_trainable(trainable: bool | None, synchronization: Any, aggregation: Any,
                      name: str) -> tuple[VariableSynchronization, VariableAggregation, bool]:
    """Validate the distribution modes and default ``trainable`` as TF 1.x does."""
    try:
        synchronization = VariableSynchronization(synchronization or 0)
    except ValueError:
        raise ValueError(f"Invalid variable synchronization mode: {synchronization} "
                         f"for variable: {name}") from None
    try:
        aggregation = VariableAggregation(aggregation or 0)
    except ValueError:
        raise ValueError(f"Invalid variable aggregation mode: {aggregation} "
                         f"for variable: {name}") from None
    if trainable is None:
        trainable = synchronization is not VariableSynchronization.ON_READ
    return synchronization, aggregation, trainable


class SaveSliceInfo(NamedTuple):
    """Where a shard lies in its full variable, for checkpointing (TF's ``SaveSliceInfo``)."""

    full_name: str
    full_shape: tuple[int, ...]
    var_offset: tuple[int, ...]
    var_shape: tuple[int, ...]

    @property
    def spec(self) -> str:
        """TF's slice spec string, e.g. ``"5 3 3,2:0,3"``."""
        slices = ":".join(f"{o},{s}" for o, s in zip(self.var_offset, self.var_shape))
        return " ".join(map(str, self.full_shape)) + " " + slices


class InitializerInfo(NamedTuple):
    """How ``get_variable`` computed a variable's value, so any window of it can be recomputed.

    The value is ``initializer(shape, dtype=dtype, partition_info=partition_info)``
    with the op seeds resolved as recorded in ``seeds`` (``{op seed: (seed, stream)}``,
    see ``varshare._core.seeding.replaying``); ``varshare.dask.from_graph`` uses it.
    """

    initializer: Callable
    partition_info: PartitionInfo | None
    seeds: dict[int | None, tuple[int, int]]


class Operation(NamedTuple):
    """The (value-less) op behind a variable: only its name matters here."""

    name: str
    graph: Graph
    type: str = "VariableV2"


def _unwrap(x: Any) -> Any:
    return x._value if isinstance(x, Variable) else x


class Variable(NDArrayOperatorsMixin):
    """A named, NumPy-backed variable of a graph, created with its value.

    >>> v = Variable([1.0, 2.0], name="v")
    >>> v.name, v.shape, v.dtype
    ('v:0', (2,), dtype('float32'))

    Arithmetic and NumPy functions see the value (``np.asarray(v)`` is the
    variable's own writable array); ``==`` is identity, as for TF 1.x variables.

    Args:
      initial_value: an array-like, or a callable with no arguments returning one.
        Its result is copied unless it came from a callable; a callable's memory-mapped
        result (``lambda: vs.init_to_file(...)``) then keeps the variable in its file.
      trainable: add to ``TRAINABLE_VARIABLES`` (default True unless
        ``synchronization`` is ON_READ).
      collections: collection keys; default ``[GraphKeys.GLOBAL_VARIABLES]``.
      validate_shape: if True, the value must have ``shape`` when that is given.
      caching_device: stored; it has no effect on NumPy values.
      name: op name under the current name scope, made unique; default "Variable".
      dtype: convert the value to this dtype; else inferred as TF does.
      constraint: stored for optimizers, never applied here.
      shape: expected shape (None entries match any size).
      variable_def: graph protos are not supported (must be None).
      import_scope: graph protos are not supported (must be None).
      expected_shape: accepted for TF compatibility.
      use_resource: accepted for TF compatibility.
      synchronization: accepted for TF compatibility.
      aggregation: accepted for TF compatibility.
    """

    __slots__ = ("_value", "_initial_value", "_graph", "_op_name", "_trainable",
                 "_caching_device", "_constraint", "_synchronization", "_aggregation",
                 "_save_slice_info", "_initializer_info")

    # Identity equality and hashing, as TF 1.x graph-mode variables.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def __init__(self, initial_value: Any = None, trainable: bool | None = None,
                 collections: Sequence[Any] | None = None, validate_shape: bool = True,
                 caching_device: Any = None, name: str | None = None,
                 variable_def: Any = None, dtype: Any = None, expected_shape: Any = None,
                 import_scope: str | None = None, constraint: Callable | None = None,
                 use_resource: bool | None = None,
                 synchronization: Any = VariableSynchronization.AUTO,
                 aggregation: Any = VariableAggregation.NONE,
                 shape: Sequence[int | None] | None = None) -> None:
        del expected_shape, use_resource  # Deprecated / meaningless without sessions.
        if variable_def is not None or import_scope is not None:
            raise ValueError("variable_def and import_scope are not supported: "
                             "varshare variables are created from values.")
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        graph = get_default_graph()
        name = graph.unique_name(name or "Variable", mark_as_used=False)
        sync, aggregation, trainable = resolve_trainable(
            trainable, synchronization, aggregation, name)
        keys = collection_keys(collections, trainable)
        value = initial_value() if callable(initial_value) else initial_value
        value = _dtypes.to_array(value, dtype)
        if validate_shape and shape is not None:
            check_shape(name, value.shape, shape)
        self._setup(graph, name, value, own=callable(initial_value), trainable=trainable,
                    caching_device=caching_device, constraint=constraint,
                    synchronization=sync, aggregation=aggregation)
        self._register(keys)

    @classmethod
    def _unregistered(cls, graph: Graph, name: str, value: np.ndarray, **attributes: Any
                      ) -> Variable:
        """A variable named ``name`` (absolute, final) not yet in the graph.

        The store builds variables this way so that a failure before ``_register`` leaves
        the graph untouched; ``attributes`` are those of ``_setup``.
        """
        self = cls.__new__(cls)
        self._setup(graph, graph._unique(name, mark_as_used=False), value, own=True,
                    **attributes)
        return self

    def _setup(self, graph: Graph, name: str, value: np.ndarray, own: bool, trainable: bool,
               caching_device: Any, constraint: Callable | None,
               synchronization: VariableSynchronization, aggregation: VariableAggregation,
               save_slice_info: SaveSliceInfo | None = None,
               initializer_info: InitializerInfo | None = None) -> None:
        self._graph = graph
        self._op_name = name
        self._initial_value = value
        # A computed value is adopted (no copy of a large array, nor of a memory-mapped
        # file's); a given one is copied.
        own = own and value.flags.writeable and (
            value.flags.owndata or isinstance(value.base, np.memmap))
        self._value = value if own else np.array(value)
        self._trainable = trainable
        self._caching_device = caching_device
        self._constraint = constraint
        self._synchronization = synchronization
        self._aggregation = aggregation
        self._save_slice_info = save_slice_info
        self._initializer_info = initializer_info

    def _register(self, keys: list[Any]) -> None:
        """Claim the name and join the collections ``keys``."""
        self._graph._unique(self._op_name)
        self._graph.add_to_collections(keys, self)

    @property
    def name(self) -> str:
        """The tensor name, ``"<op name>:0"``."""
        return self._op_name + ":0"

    @property
    def op(self) -> Operation:
        """The variable's op (only its name and graph mean anything here)."""
        return Operation(self._op_name, self._graph)

    @property
    def graph(self) -> Graph:
        """The graph the variable belongs to."""
        return self._graph

    @property
    def shape(self) -> tuple[int, ...]:
        """The value's shape."""
        return self._value.shape

    def get_shape(self) -> tuple[int, ...]:
        """The shape (``shape``, as a method as in TF)."""
        return self._value.shape

    @property
    def dtype(self) -> np.dtype:
        """The value's dtype."""
        return self._value.dtype

    @property
    def trainable(self) -> bool:
        """Whether the variable is in ``TRAINABLE_VARIABLES``."""
        return self._trainable

    @property
    def device(self) -> str:
        """Always '' : NumPy values live in host memory."""
        return ""

    @property
    def caching_device(self) -> Any:
        """The caching device it was given (no effect on NumPy values)."""
        return self._caching_device

    @property
    def constraint(self) -> Callable | None:
        """The constraint it was given, for optimizers (never applied here)."""
        return self._constraint

    @property
    def synchronization(self) -> VariableSynchronization:
        """How a distributed copy would be synchronised (TF compatibility)."""
        return self._synchronization

    @property
    def aggregation(self) -> VariableAggregation:
        """How distributed updates would be aggregated (TF compatibility)."""
        return self._aggregation

    @property
    def initial_value(self) -> np.ndarray:
        """The value the variable was created from.

        When it was computed (an initializer or callable), it is the variable's
        own array, so it shares later in-place changes: varshare never keeps a
        second copy of a large variable.
        """
        return self._initial_value

    @property
    def save_slice_info(self) -> SaveSliceInfo | None:
        """For a shard of a partitioned variable, where it lies in the whole; else None."""
        return self._save_slice_info

    @property
    def initializer_info(self) -> InitializerInfo | None:
        """How ``get_variable`` computed the value from an initializer; else None."""
        return self._initializer_info

    def numpy(self) -> np.ndarray:
        """The value (the variable's own array, not a copy)."""
        return self._value

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if copy:
            return np.array(self._value, dtype=dtype)
        return self._value if dtype is None else self._value.astype(dtype, copy=False)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if "out" in kwargs:
            kwargs["out"] = tuple(map(_unwrap, kwargs["out"]))
        return getattr(ufunc, method)(*map(_unwrap, inputs), **kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self._value[key]

    def assign(self, value: Any, use_locking: bool | None = None, name: str | None = None,
               read_value: bool = True) -> Variable:
        """Write ``value`` (same shape) into the variable in place; returns the variable."""
        del use_locking, name, read_value
        value = np.asarray(value, dtype=self.dtype)
        if value.shape != self.shape:
            raise ValueError(f"Cannot assign a value of shape {value.shape} to variable "
                             f"{self._op_name!r} of shape {self.shape}.")
        np.copyto(self._value, value)
        return self

    def assign_add(self, delta: Any, use_locking: bool | None = None,
                   name: str | None = None, read_value: bool = True) -> Variable:
        """``assign(self + delta)``."""
        return self.assign(self._value + np.asarray(delta))

    def assign_sub(self, delta: Any, use_locking: bool | None = None,
                   name: str | None = None, read_value: bool = True) -> Variable:
        """``assign(self - delta)``."""
        return self.assign(self._value - np.asarray(delta))

    def __repr__(self) -> str:
        return f"<varshare.Variable '{self.name}' shape={self.shape} dtype={self.dtype}>"

    SaveSliceInfo = SaveSliceInfo


def collection_keys(collections: Sequence[Any] | None, trainable: bool) -> list[Any]:
    """The collections of a new variable: ``collections`` (default GLOBAL_VARIABLES),
    plus TRAINABLE_VARIABLES if ``trainable``."""
    if collections is None:
        collections = [GraphKeys.GLOBAL_VARIABLES]
    elif not isinstance(collections, (list, tuple, set)):
        raise ValueError(f"collections argument to Variable constructor must be a list, "
                         f"tuple, or set. Got {collections!r} of type {type(collections)}")
    keys = list(collections)
    if trainable and GraphKeys.TRAINABLE_VARIABLES not in keys:
        keys.append(GraphKeys.TRAINABLE_VARIABLES)
    return keys


def join_shards(shards: Sequence[Variable]) -> np.ndarray:
    """The full value of a partitioned variable from its shards in offset order (a new
    array)."""
    info = shards[0].save_slice_info
    axis = sliced_axis(info.full_shape, info.var_shape) if info is not None else None
    return np.concatenate([v.numpy() for v in shards], axis=axis or 0)


def check_shape(name: str, shape: tuple[int, ...], expected: Sequence[int | None]) -> None:
    """Raise unless ``shape`` matches ``expected`` (None matches any size)."""
    expected = tuple(expected)
    if len(shape) != len(expected) or any(
            e is not None and e != s for s, e in zip(shape, expected)):
        raise ValueError(f"Initial value of variable {name} has shape {shape}, "
                         f"but shape {expected} was specified.")


class PartitionedVariable:
    """A variable stored as shards along one axis; iterating yields the shards.

    ``np.asarray(pv)`` concatenates the shards into the full value.
    """

    def __init__(self, name: str, shape: Sequence[int], dtype: Any,
                 variable_list: Sequence[Variable], partitions: Sequence[int]) -> None:
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list!r}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"partitions is not a list or tuple: {partitions!r}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {partitions}")
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        shape = tuple(shape)
        if len(shape) != len(partitions):
            raise ValueError(f"len(shape) != len(partitions): {shape} vs. {partitions}")
        infos = [v.save_slice_info for v in variable_list]
        if any(info is None for info in infos):
            raise ValueError(f"All variables must have a save_slice_info available: "
                             f"{[v.name for v in variable_list]}")
        if any(info.full_shape != shape for info in infos):
            raise ValueError(f"All variables' full shapes must match shape: {shape}; but full "
                             f"shapes were: {[info.full_shape for info in infos]}")
        self._name = name
        self._shape = shape
        self._dtype = _dtypes.as_dtype(dtype)
        self._partitions = list(partitions)
        self._variables = sorted(variable_list, key=lambda v: v.save_slice_info.var_offset)

    def __iter__(self) -> Iterator[Variable]:
        return iter(self._variables)

    def __len__(self) -> int:
        return len(self._variables)

    @property
    def name(self) -> str:
        """The full variable's name, without shard suffix or ``:0`` (as TF)."""
        return self._name

    @property
    def shape(self) -> tuple[int, ...]:
        """The full variable's shape."""
        return self._shape

    def get_shape(self) -> tuple[int, ...]:
        """The full shape."""
        return self._shape

    @property
    def dtype(self) -> np.dtype:
        """The dtype of every shard."""
        return self._dtype

    def get_variable_list(self) -> list[Variable]:
        """The shards, in offset order."""
        return list(self._variables)

    def get_partitions(self) -> list[int]:
        """The number of partitions per axis."""
        return list(self._partitions)

    # TF's spellings, used by ported checkpointing code.
    _get_variable_list = get_variable_list
    _get_partitions = get_partitions

    def numpy(self) -> np.ndarray:
        """The full value: the shards concatenated (a new array)."""
        return join_shards(self._variables)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        value = self.numpy()
        return value if dtype is None else value.astype(dtype, copy=False)

    def __repr__(self) -> str:
        return (f"<varshare.PartitionedVariable '{self._name}' shape={self._shape} "
                f"dtype={self._dtype} partitions={self._partitions}>")
