"""Variables by checkpoint name, as TF 1.x's ``Saver`` groups them (``op_list_to_dict``).

A whole variable is named by its op name (``scope/var``, no ``:0``); the shards of a
partitioned variable share their full variable's name and are kept in offset order.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from varshare._core.graph import Graph, GraphKeys, get_default_graph
from varshare._scope.variables import PartitionedVariable, Variable, join_shards

VariableLike = Variable | PartitionedVariable


def by_name(variables: Iterable[VariableLike] | None = None, *, graph: Graph | None = None,
            scope: str | None = None) -> dict[str, list[Variable]]:
    """``{checkpoint name: [variable]}``, or ``[shards in offset order]`` if partitioned.

    ``variables`` defaults to the global variables of ``graph`` (default: the default
    graph) whose names match ``scope`` (``re.match``, as ``get_collection``).
    """
    if variables is None:
        variables = (graph or get_default_graph()).get_collection(
            GraphKeys.GLOBAL_VARIABLES, scope)
    groups: dict[str, list[Variable]] = {}
    for item in variables:
        if not isinstance(item, (Variable, PartitionedVariable)):
            raise TypeError(f"variables must hold Variables or PartitionedVariables, "
                            f"got {type(item).__name__}")
        for part in item if isinstance(item, PartitionedVariable) else [item]:
            info = part.save_slice_info
            name = part.op.name if info is None else info.full_name
            group = groups.setdefault(name, [])
            if group:
                if (info is None) != (group[0].save_slice_info is None):
                    raise ValueError(f"Mixing slices and non-slices with the same name: {name}")
                if info is None or any(p.save_slice_info == info for p in group):
                    raise ValueError(f"At least two variables have the same name: {name}")
            group.append(part)
    for group in groups.values():
        group.sort(key=lambda v: v.save_slice_info.var_offset if v.save_slice_info else ())
    return groups


def full_value(parts: list[Variable]) -> np.ndarray:
    """The value of a group of :func:`by_name`: the variable's own array (no copy),
    or the shards concatenated (a new array)."""
    return parts[0].numpy() if parts[0].save_slice_info is None else join_shards(parts)
