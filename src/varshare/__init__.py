"""varshare: TensorFlow 1.x's "Sharing Variables" API on NumPy.

>>> import varshare as vs
>>> with vs.variable_scope("encoder", initializer=vs.constant_initializer(0.5)):
...     w = vs.get_variable("w", [3, 2])
>>> with vs.variable_scope("encoder", reuse=True):
...     vs.get_variable("w") is w
True
"""

from __future__ import annotations

import importlib
from types import ModuleType

from varshare import errors
from varshare._core.dtypes import as_dtype, bool_ as bool, float16, float32, float64, int32, int64  # noqa: A004
from varshare._core.graph import (
    Graph, GraphKeys, add_to_collection, add_to_collections, get_collection,
    get_collection_ref, get_default_graph, global_variables, local_variables, model_variables,
    name_scope, reset_default_graph, set_random_seed, trainable_variables)
from varshare._core.seeding import name_stream, random_algorithm
from varshare._edges.out_of_core import init_to_file, initialize_into
from varshare._init.initializers import (
    constant_initializer, glorot_normal_initializer, glorot_uniform_initializer,
    ones_initializer, orthogonal_initializer, random_normal_initializer,
    random_uniform_initializer, truncated_normal_initializer, uniform_unit_scaling_initializer,
    variance_scaling_initializer, zeros_initializer)
from varshare._init.partitioners import (
    fixed_size_partitioner, min_max_variable_partitioner, variable_axis_size_partitioner)
from varshare._init.regularizers import l1_regularizer, l2_regularizer, no_regularizer
from varshare._scope.scopes import (
    AUTO_REUSE, VariableScope, get_local_variable, get_variable, get_variable_scope,
    variable_op_scope, variable_scope)
from varshare._scope.store import VariableStore, get_variable_store
from varshare._scope.template import Template, make_template
from varshare._scope.variables import (
    PartitionedVariable, SaveSliceInfo, Variable, VariableAggregation, VariableSynchronization)

# Imported on first use: ``random`` loads the compiled kernels and the OpenMP runtime (the
# initializers import it only when they draw), the others hold the glue to optional packages.
_SUBMODULES = ("random", "dask", "io", "interop", "train", "torch")


def __getattr__(name: str) -> ModuleType:
    if name not in _SUBMODULES:
        raise AttributeError(f"module 'varshare' has no attribute {name!r}")
    return importlib.import_module(f"varshare.{name}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))


__all__ = [
    # Graph and collections.
    "Graph", "GraphKeys", "add_to_collection", "add_to_collections", "get_collection",
    "get_collection_ref", "get_default_graph", "global_variables", "local_variables",
    "model_variables", "name_scope", "name_stream", "random_algorithm", "reset_default_graph",
    "set_random_seed", "trainable_variables",
    # Variables and scopes.
    "AUTO_REUSE", "PartitionedVariable", "SaveSliceInfo", "Variable", "VariableAggregation",
    "VariableScope", "VariableStore", "VariableSynchronization", "get_local_variable",
    "get_variable",
    "get_variable_scope", "get_variable_store", "variable_op_scope", "variable_scope",
    "Template", "make_template",
    # Initializers, partitioners, regularizers.
    "constant_initializer", "glorot_normal_initializer", "glorot_uniform_initializer",
    "ones_initializer", "orthogonal_initializer", "random_normal_initializer",
    "random_uniform_initializer", "truncated_normal_initializer",
    "uniform_unit_scaling_initializer", "variance_scaling_initializer", "zeros_initializer",
    "fixed_size_partitioner", "min_max_variable_partitioner", "variable_axis_size_partitioner",
    "l1_regularizer", "l2_regularizer", "no_regularizer",
    # Dtypes, errors, arrays larger than memory.
    "as_dtype", "bool", "float16", "float32", "float64", "int32", "int64", "errors",
    "init_to_file", "initialize_into",
    # Submodules.
    *_SUBMODULES,
]
