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
from typing import Any

from varshare._core.dtypes import as_dtype, bool_ as bool, float16, float32, float64, int32, int64  # noqa: A004
from varshare._core.graph import (
    Graph, GraphKeys, add_to_collection, add_to_collections, get_collection,
    get_collection_ref, get_default_graph, global_variables, local_variables, model_variables,
    name_scope, reset_default_graph, set_random_seed, trainable_variables)
from varshare._init.regularizers import l1_regularizer, l2_regularizer, no_regularizer
from varshare._core.seeding import random_algorithm
from varshare._scope.template import Template, make_template
from varshare._scope.scopes import (
    AUTO_REUSE, VariableScope, VariableStore, get_variable, get_variable_scope,
    get_variable_store, variable_op_scope, variable_scope)
from varshare._scope.variables import (
    PartitionedVariable, SaveSliceInfo, Variable, VariableAggregation, VariableSynchronization)

# Imported on first access: they load compiled kernels or optional packages.
_LAZY = {
    **dict.fromkeys(("random", "dask", "io", "interop"), None),
    **dict.fromkeys(("init_to_file", "initialize_into"), "varshare._edges.out_of_core"),
    **dict.fromkeys((
        "constant_initializer", "random_normal_initializer", "truncated_normal_initializer",
        "random_uniform_initializer", "uniform_unit_scaling_initializer", "zeros_initializer",
        "ones_initializer", "variance_scaling_initializer", "glorot_uniform_initializer",
        "glorot_normal_initializer", "orthogonal_initializer"), "varshare._init.initializers"),
    **dict.fromkeys((
        "fixed_size_partitioner", "variable_axis_size_partitioner",
        "min_max_variable_partitioner"), "varshare._init.partitioners"),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'varshare' has no attribute {name!r}")
    module = _LAZY[name]
    value = (importlib.import_module(f"varshare.{name}") if module is None
             else getattr(importlib.import_module(module), name))
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    # Graph and collections.
    "Graph", "GraphKeys", "add_to_collection", "add_to_collections", "get_collection",
    "get_collection_ref", "get_default_graph", "global_variables", "local_variables",
    "model_variables", "name_scope", "random_algorithm", "reset_default_graph",
    "set_random_seed", "trainable_variables",
    # Variables and scopes.
    "AUTO_REUSE", "PartitionedVariable", "SaveSliceInfo", "Variable", "VariableAggregation",
    "VariableScope", "VariableStore", "VariableSynchronization", "get_variable",
    "get_variable_scope", "get_variable_store", "variable_op_scope", "variable_scope",
    "Template", "make_template",
    # Regularizers, dtypes.
    "l1_regularizer", "l2_regularizer", "no_regularizer",
    "as_dtype", "bool", "float16", "float32", "float64", "int32", "int64",
    # Lazily imported.
    *_LAZY,
]
