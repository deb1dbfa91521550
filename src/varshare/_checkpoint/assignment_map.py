"""``init_from_checkpoint``'s assignment map: which checkpoint tensor goes to which
variable, by TF 1.x's rules and with its error messages.

Keys are checkpoint names, values graph names (or variables), taken in sorted key order:

- ``'old/var': 'new/var'`` (or a Variable, a PartitionedVariable, a list of shards);
- ``'old_scope/': 'new_scope/'``: each variable under ``new_scope/`` from the tensor of
  the same relative name under ``old_scope/`` (every one must exist);
- ``'/': 'scope/'``: from the checkpoint's root; ``'old_scope/': '/'`` into the root.

A value that names no variable is read as a scope: then the key must be a scope too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from varshare._checkpoint import transfer
from varshare._checkpoint.slices import whole
from varshare._checkpoint.transfer import Target
from varshare._scope.variables import PartitionedVariable, Variable

_SHARD = "/part_"


def targets(assignment_map: Mapping[str, Any], shapes: Mapping[str, list[int]],
            store: Mapping[str, Variable], checkpoint: str) -> list[Target]:
    """The targets of ``assignment_map`` given the checkpoint's ``shapes`` and the
    graph's variables by name (``store``, shards as ``name/part_<i>``)."""
    found = []
    for key, value in sorted(assignment_map.items(), key=lambda item: item[0]):
        parts = _variables(value, store)
        if parts is None:
            found += _scope_targets(key, value, shapes, store, checkpoint)
            continue
        if key not in shapes:
            raise ValueError(f"Tensor {key} is not found in {checkpoint} checkpoint "
                             f"{dict(shapes)}")
        if len(parts) == 1:
            variable = parts[0]
            if list(variable.shape) != shapes[key]:
                raise ValueError(f"Shape of variable {variable.name} ({variable.shape}) "
                                 f"doesn't match with shape of tensor {key} ({shapes[key]}) "
                                 f"from checkpoint reader.")
            found.append(_whole(key, variable))
        else:
            found.append(transfer.target(key, parts))
    return found


def _whole(name: str, variable: Variable) -> Target:
    """A single variable takes the whole tensor, even if it is a shard."""
    return Target(name, variable.shape, variable.dtype, ((whole(variable.shape), variable),))


def _variables(value: Any, store: Mapping[str, Variable]) -> list[Variable] | None:
    """The variable or shards ``value`` is or names, or None if it names none."""
    if isinstance(value, Variable):
        return [value]
    if isinstance(value, (PartitionedVariable, list)) and value and all(
            isinstance(v, Variable) for v in value):
        return list(value)
    if not isinstance(value, str):
        raise TypeError(f"assignment map values must be names, Variables, "
                        f"PartitionedVariables or lists of shards, got {value!r}")
    if value in store:
        return [store[value]]
    shards: list[Variable] = []
    while f"{value}{_SHARD}{len(shards)}" in store:
        shards.append(store[f"{value}{_SHARD}{len(shards)}"])
    return shards or None


def _scope_targets(key: str, value: str, shapes: Mapping[str, list[int]],
                   store: Mapping[str, Variable], checkpoint: str) -> list[Target]:
    """The targets of ``'old_scope/': 'new_scope/'``."""
    scope = value[:value.rindex("/")] if "/" in value else ""
    if not key.endswith("/"):
        raise ValueError(f"Assignment map with scope only name {scope} should map to scope "
                         f"only {key}. Should be 'scope/': 'other_scope/'.")
    names = {name.split(_SHARD)[0] for name in store
             if not scope or name.startswith(scope + "/")}
    found = []
    for name in sorted(names):
        relative = name[len(scope):] if value == "/" else name[len(scope) + 1:]
        tensor = ("" if key == "/" else key) + relative
        tensor = tensor.removesuffix("/")
        if tensor not in shapes:
            raise ValueError(f"Tensor {tensor} ({name[len(scope) + 1:]} in {key}) is not "
                             f"found in {checkpoint} checkpoint")
        parts = _variables(name, store)
        assert parts is not None
        found.append(_whole(tensor, parts[0]) if parts[0].save_slice_info is None
                     else transfer.target(tensor, parts))
    return found
