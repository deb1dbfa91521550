"""The variable store: a graph's variables by full name, and TF 1.x's get-or-create rules."""

from __future__ import annotations

from typing import Any, Callable, NamedTuple, Sequence, Union, cast

import numpy as np

from varshare._core import checks, dtypes
from varshare._core.checks import PartialShape
from varshare._core.graph import Graph, GraphKeys, check_scope_name, get_default_graph
from varshare._init.partitions import PartitionInfo, Shard, partitions_of, shard_layout
from varshare._init.recipe import windowable
from varshare._scope.initial_value import accepts, default_initializer, initial_value
from varshare._scope.variables import (
    InitializerInfo, PartitionedVariable, SaveSliceInfo, Variable, VariableAggregation,
    VariableSynchronization, collection_keys, resolve_trainable)
from varshare.errors import PartitionError, VariableReuseError, VariableSharingError

VariableLike = Union[Variable, PartitionedVariable]

_AUTO = VariableSynchronization.AUTO
_NONE = VariableAggregation.NONE


class _Attributes(NamedTuple):
    """What a new variable takes from ``get_variable`` besides its name, shape and value."""

    trainable: bool | None
    collections: Sequence[Any] | None
    caching_device: Any
    constraint: Callable | None
    synchronization: Any
    aggregation: Any


class VariableStore:
    """A graph's variables created by ``get_variable``, by full name."""

    def __init__(self) -> None:
        self._vars: dict[str, Variable] = {}
        self._partitioned_vars: dict[str, PartitionedVariable] = {}

    @property
    def variables(self) -> dict[str, Variable]:
        """The unpartitioned variables and shards, by name (a copy)."""
        return dict(self._vars)

    def get_variable(self, name: str, shape: Any = None, dtype: Any = dtypes.float32,
                     initializer: Any = None, regularizer: Callable | None = None,
                     reuse: Any = None, trainable: bool | None = None,
                     collections: Sequence[Any] | None = None, caching_device: Any = None,
                     partitioner: Callable | None = None, validate_shape: bool = True,
                     use_resource: bool | None = None, custom_getter: Callable | None = None,
                     constraint: Callable | None = None, synchronization: Any = _AUTO,
                     aggregation: Any = _NONE) -> VariableLike:
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
        # A custom getter sees the resolved trainable, as in TF.
        kwargs["trainable"] = resolve_trainable(trainable, synchronization, aggregation, name)[2]
        if custom_getter is None:
            return self._true_getter(**kwargs)
        if not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        if not accepts(custom_getter, "constraint"):
            del kwargs["constraint"]
        return custom_getter(getter=self._true_getter, **kwargs)

    def _true_getter(self, name: str, shape: Any = None, dtype: Any = dtypes.float32,
                     initializer: Any = None, regularizer: Callable | None = None,
                     reuse: Any = None, trainable: bool | None = None,
                     collections: Sequence[Any] | None = None, caching_device: Any = None,
                     partitioner: Callable | None = None, validate_shape: bool = True,
                     use_resource: bool | None = None, constraint: Callable | None = None,
                     synchronization: Any = _AUTO, aggregation: Any = _NONE) -> VariableLike:
        del use_resource  # Every NumPy variable behaves the same.
        shape = checks.as_partial_shape(shape)
        dtype = dtypes.as_dtype(dtype)
        attributes = _Attributes(trainable, collections, caching_device, constraint,
                                 synchronization, aggregation)
        if partitioner is not None and shape != ():
            if not callable(partitioner):
                raise PartitionError(f"Partitioner must be callable, but received: {partitioner}")
            return self._get_partitioned(name, shape, dtype, initializer, regularizer, reuse,
                                         partitioner, validate_shape, attributes)
        # A partitioned variable may be reused without repeating its partitioner.
        if reuse is True and partitioner is None and name in self._partitioned_vars:
            return self._get_partitioned(name, shape, dtype, initializer, regularizer, reuse,
                                         None, validate_shape, attributes)
        if f"{name}/part_0" in self._vars:
            raise PartitionError(f"No partitioner was provided, but a partitioned version of "
                                 f"the variable was found: {name}/part_0. Perhaps a variable of "
                                 f"the same name was already created with partitioning?")
        if initializer is not None and not callable(initializer) and shape is not None:
            raise ValueError("If initializer is a constant, do not specify shape.")
        found = self._vars.get(name)
        if found is not None:
            if reuse is False:
                raise _already_exists(name)
            _check_sharing("share variable", name, shape, dtype, found)
            return found
        if reuse is True:
            raise VariableReuseError(
                f"Variable {name} does not exist, or was not created with vs.get_variable(). "
                f"Did you mean to set reuse=vs.AUTO_REUSE in VarScope?")
        [variable] = self._create([(name, shape, None)], dtype, initializer, regularizer,
                                  validate_shape, attributes)
        return variable

    def _get_partitioned(self, name: str, shape: PartialShape, dtype: np.dtype,
                         initializer: Any, regularizer: Callable | None, reuse: Any,
                         partitioner: Callable | None, validate_shape: bool,
                         attributes: _Attributes) -> PartitionedVariable:
        if name in self._vars:
            raise PartitionError(f"A partitioner was provided, but an unpartitioned version of "
                                 f"the variable was found: {name}.  Perhaps a variable of the "
                                 f"same name was already created without partitioning?")
        if initializer is not None and not callable(initializer):
            # A constant gives shape and dtype; each shard is initialised from its slice.
            initializer = dtypes.to_array(initializer)
            if not _compatible(shape, initializer.shape):
                raise ValueError(f"Shapes {shape} and {initializer.shape} are incompatible")
            shape, dtype = initializer.shape, initializer.dtype
        partitions = None
        if partitioner is not None:     # always, unless reusing without a partitioner
            partitions = partitions_of(partitioner, shape, dtype)
        existing = self._partitioned_vars.get(name)
        if existing is not None:
            if reuse is False:
                raise VariableReuseError(
                    f"Partitioned variable with name {name} already exists. Did you mean to "
                    f"set reuse=True or reuse=vs.AUTO_REUSE in VarScope?")
            _check_sharing("reuse partitioned variable", name, shape, dtype, existing)
            if partitions is not None and existing.get_partitions() != partitions:
                raise VariableSharingError(
                    f"Trying to reuse partitioned variable {name}, but specified partitions "
                    f"{partitions} and found partitions {existing.get_partitions()}.")
            return existing
        if reuse is True:
            raise VariableReuseError(
                f"PartitionedVariable {name} does not exist, or was not created with "
                f"vs.get_variable(). Did you mean to set reuse=False or reuse=vs.AUTO_REUSE "
                f"in VarScope?")
        assert partitions is not None                   # reuse is not True here
        full_shape = cast(tuple[int, ...], shape)       # fully known: partitions_of checked
        shards = shard_layout(name, full_shape, partitions)
        taken = next((shard.name for shard in shards if shard.name in self._vars), None)
        if taken is not None:
            raise _already_exists(taken)
        variables = self._create(shards, dtype, initializer, regularizer, validate_shape,
                                 attributes, full=(name, full_shape))
        partitioned = PartitionedVariable(name, full_shape, dtype, variables, partitions)
        self._partitioned_vars[name] = partitioned
        return partitioned

    def _create(self, shards: Sequence[Shard | tuple[str, PartialShape, None]],
                dtype: np.dtype, initializer: Any, regularizer: Callable | None,
                validate_shape: bool, attributes: _Attributes,
                full: tuple[str, tuple[int, ...]] | None = None) -> list[Variable]:
        """Create the variables of ``shards`` atomically: on error the graph is unchanged."""
        graph = get_default_graph()
        for name, _, _ in shards:
            if name:          # TF checks a variable's full name as a root name scope
                check_scope_name(name, root=True)
        sync, aggregation, trainable = resolve_trainable(
            attributes.trainable, attributes.synchronization, attributes.aggregation,
            shards[0][0])
        keys = collection_keys(attributes.collections, trainable)
        with graph.seeds.creating_variable(shards[0][0] if full is None else full[0]) as seeds:
            if initializer is None and shards[0][1] is not None:
                initializer = default_initializer(shards[0][0], dtype)
            values = [initial_value(name, shape, dtype, initializer, info, validate_shape)
                      for name, shape, info in shards]
            # Recomputable windows (Dask, out of core) need the seeds drawn for all shards.
            recorded = (shards[0][1] is not None and accepts(initializer, "partition_info")
                        and windowable(initializer))
            draws = dict(seeds)
            variables = [Variable._unregistered(
                graph, name, value, trainable=trainable, synchronization=sync,
                aggregation=aggregation, caching_device=attributes.caching_device,
                constraint=attributes.constraint,
                save_slice_info=None if full is None or info is None else SaveSliceInfo(
                    full[0], full[1], info.var_offset, value.shape),
                initializer_info=InitializerInfo(initializer, info, draws) if recorded else None)
                for (name, _, info), value in zip(shards, values)]
            losses = [None if regularizer is None else regularizer(v) for v in variables]
        for (name, _, _), variable, loss in zip(shards, variables, losses):
            variable._register(keys)
            self._vars[name] = variable
            if loss is not None:
                graph.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return variables


def get_variable_store(graph: Graph | None = None) -> VariableStore:
    """The variable store of ``graph`` (default: the default graph)."""
    graph = graph or get_default_graph()
    if graph._variable_store is None:
        graph._variable_store = VariableStore()
    return graph._variable_store


def _compatible(shape: PartialShape, found: tuple[int, ...]) -> bool:
    return shape is None or shape == found or (len(shape) == len(found) and all(
        d is None or d == f for d, f in zip(shape, found)))


def _check_sharing(what: str, name: str, shape: PartialShape, dtype: np.dtype,
                   found: VariableLike) -> None:
    if not _compatible(shape, found.shape):
        raise VariableSharingError(f"Trying to {what} {name}, but specified shape {shape} and "
                                   f"found shape {found.shape}.")
    if dtype != found.dtype:
        raise VariableSharingError(f"Trying to {what} {name}, but specified dtype "
                                   f"{dtype.name} and found dtype {found.dtype.name}.")


def _already_exists(name: str) -> VariableReuseError:
    return VariableReuseError(f"Variable {name} already exists, disallowed. Did you mean to set "
                              f"reuse=True or reuse=vs.AUTO_REUSE in VarScope?")
