"""Where a DTensor's local shard lies in its global tensor.

The offset and size come from the DTensor itself, through its public distributed-checkpoint
method ``__create_chunk_list__()`` (one chunk per rank for ``Shard``/``Replicate``
placements), so they follow torch's own chunking rule (``torch.chunk``: shards of
``ceil(n / k)``, the last ones shorter or empty) on any mesh shape.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

import torch

if TYPE_CHECKING:
    from torch.distributed.tensor import DTensor


def is_dtensor(tensor: torch.Tensor) -> TypeGuard[DTensor]:
    """Whether ``tensor`` is a DTensor (never, in a torch built without distributed)."""
    if not torch.distributed.is_available():
        return False
    from torch.distributed.tensor import DTensor
    return isinstance(tensor, DTensor)


def local_window(dtensor: DTensor) -> tuple[torch.Tensor, tuple[int, ...]]:
    """The local shard of ``dtensor`` and its offset in the global tensor.

    Placements other than ``Shard(dim)`` and ``Replicate()`` (``Partial``, strided shards)
    are a ValueError: the local tensor is then not one block of the global tensor.
    """
    from torch.distributed.tensor import Replicate, Shard

    for placement in dtensor.placements:
        if not (isinstance(placement, Replicate) or type(placement) is Shard):
            raise ValueError(f"only Shard(dim) and Replicate() placements can be initialised "
                             f"as windows of the global tensor, got {placement}")
    local = dtensor.to_local()
    [chunk] = dtensor.__create_chunk_list__()
    if tuple(chunk.sizes) != tuple(local.shape):
        raise ValueError(f"the local shard has shape {tuple(local.shape)} but torch places a "
                         f"chunk of {tuple(chunk.sizes)} at {tuple(chunk.offsets)}")
    return local, tuple(chunk.offsets)
