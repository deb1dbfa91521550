"""Hand variables to PyTorch and JAX, sharing memory instead of copying.

>>> import varshare as vs
>>> with vs.variable_scope("dense"):
...     w = vs.get_variable("kernel", [4, 3], initializer=vs.ones_initializer())
>>> sorted(vs.interop.variables_dict(name_map=lambda n: n.replace("/", ".")))
['dense.kernel']

With torch (``import torch`` happens only inside :func:`to_torch`)::

    state = vs.interop.to_torch(vs.interop.variables_dict(
        scope="dense", name_map=lambda n: n.replace("dense/kernel", "weight")))
    torch_module.load_state_dict(state, strict=False)   # copies into the module

``to_torch`` is ``torch.from_numpy``: the tensor and the variable share memory, so an
in-place change on either side shows on the other (``torch.from_dlpack(v.numpy())`` is
the same).  ``to_jax`` goes through DLPack and shares memory when the array is 64-byte
aligned (XLA's requirement on CPU), else makes one copy; a shared JAX array changes if
the variable is later assigned, so do not mutate it while JAX uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from varshare._core.graph import Graph
from varshare._edges.checkpoint_names import by_name, full_value

__all__ = ["variables_dict", "to_torch", "to_jax"]


def variables_dict(scope: str | None = None, graph: Graph | None = None,
                   name_map: Callable[[str], str | None] | None = None
                   ) -> dict[str, np.ndarray]:
    """``{name: value}`` for the global variables of ``graph`` matching ``scope``.

    Names are checkpoint names (``scope/var``, no ``:0``), passed through ``name_map``
    when given (return None to leave a variable out).  Values are the variables' own
    arrays (no copy), except that a partitioned variable's shards are concatenated.
    """
    arrays = {}
    for name, parts in by_name(graph=graph, scope=scope).items():
        new = name if name_map is None else name_map(name)
        if new is None:
            continue
        if new in arrays:
            raise ValueError(f"name_map maps two variables to {new!r}")
        arrays[new] = full_value(parts)
    return arrays


def to_torch(values: Any) -> Any:
    """A CPU ``torch.Tensor`` sharing memory with ``values`` (an array or Variable), or
    a dict of them for a mapping (e.g. from :func:`variables_dict`)."""
    import torch

    def convert(value: Any) -> Any:
        array = _array(value)
        if not array.flags.writeable:
            raise ValueError("values must be writable: torch tensors always are "
                             "(pass a copy of a read-only array)")
        return torch.from_numpy(array)

    return _map(convert, values)


def to_jax(values: Any) -> Any:
    """A CPU ``jax.Array`` of ``values`` (an array or Variable) through DLPack, or a dict
    of them for a mapping; memory is shared when the array is 64-byte aligned."""
    import jax.dlpack

    return _map(lambda value: jax.dlpack.from_dlpack(_array(value)), values)


def _array(value: Any) -> np.ndarray:
    return value if isinstance(value, np.ndarray) else np.asarray(value)


def _map(convert: Callable[[Any], Any], values: Any) -> Any:
    if isinstance(values, Mapping):
        return {name: convert(value) for name, value in values.items()}
    return convert(values)
