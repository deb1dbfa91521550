"""PyTorch tensors, DTensors and modules initialised by varshare: the same values at every
world size, for any sharding, with no seed checkpoint.

Needs ``pip install "varshare[torch]"``; ``import varshare`` never imports torch, and
``varshare.torch`` imports it on the first call that needs it (the initializers need none).

>>> import torch, varshare as vs
>>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.LayerNorm(3))
>>> _ = vs.torch.init_module_(model, {"0.weight": vs.torch.xavier_uniform_()}, seed=0)
>>> row = torch.empty(1, 4)                        # row 2 of the same weight, on its own
>>> _ = vs.torch.init_(row, vs.torch.xavier_uniform_(), seed=0, name="0.weight",
...                    full_shape=(3, 4), offset=(2, 0))
>>> bool((row == model[0].weight[2:]).all())
True

Element ``i`` of a tensor is a function of ``(seed, stream, i)`` alone (varshare's Philox
kernels), so a shard is computed directly as its slice of the whole, in time proportional
to the shard. The stream follows the rule of ``set_random_seed(seed, streams="by_name")``:
an unseeded initializer's stream is ``name_stream(name)`` of the tensor's fully qualified
name (BLAKE2b-64, docs/seeding.md); an initializer with its own ``seed=S`` uses stream
``S``. Adding, removing or reordering modules therefore changes no other tensor's values.

The values are varshare's, never torch's bits: torch's CPU generator is not counter-based.
A CPU tensor is written in place through ``tensor.numpy()``; bfloat16 tensors and tensors
on other devices cost a host array of their size and a copy (:mod:`varshare._torch.host`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from varshare._init.initializers import DTypeLike, RandomNormal, RandomUniform
from varshare._init.torch_style import (
    KaimingNormal, KaimingUniform, TruncNormal, XavierNormal, XavierUniform, calculate_gain)

if TYPE_CHECKING:
    import torch
    from torch.distributed.tensor import DTensor

    from varshare._torch.rules import Rules

__all__ = ["init_", "init_dtensor_", "init_module_", "kaiming_uniform_", "kaiming_normal_",
           "xavier_uniform_", "xavier_normal_", "trunc_normal_", "normal_", "uniform_",
           "calculate_gain"]

TensorT = TypeVar("TensorT", bound="torch.Tensor")
ModuleT = TypeVar("ModuleT", bound="torch.nn.Module")

kaiming_uniform_ = KaimingUniform
kaiming_normal_ = KaimingNormal
xavier_uniform_ = XavierUniform
xavier_normal_ = XavierNormal
trunc_normal_ = TruncNormal


def normal_(mean: float = 0.0, std: float = 1.0, *, seed: int | None = None,
            dtype: DTypeLike = np.float32) -> RandomNormal:
    """``torch.nn.init.normal_`` as an initializer: normal of the given mean and std."""
    return RandomNormal(mean, std, seed, dtype, algorithm="varshare")


def uniform_(a: float = 0.0, b: float = 1.0, *, seed: int | None = None,
             dtype: DTypeLike = np.float32) -> RandomUniform:
    """``torch.nn.init.uniform_`` as an initializer: uniform in ``[a, b)``."""
    return RandomUniform(a, b, seed, dtype, algorithm="varshare")


def init_(tensor: TensorT, initializer: Callable, *, seed: int, name: str | None = None,
          full_shape: Sequence[int] | None = None,
          offset: Sequence[int] | None = None) -> TensorT:
    """Fill ``tensor`` in place with its window of ``initializer``'s values and return it.

    Args:
      tensor: a dense tensor (CPU: written in place; bfloat16 or another device: through a
        host array and a copy). A DTensor is filled as :func:`init_dtensor_` does.
      initializer: a varshare initializer (``vs.truncated_normal_initializer(...)``,
        :func:`kaiming_uniform_`, ...) or any ``init(shape, dtype, partition_info)``.
      seed: the Philox key, as a graph seed.
      name: the tensor's name; an unseeded random initializer's stream is
        ``name_stream(name)``. Needed unless the initializer has its own seed or is not
        random.
      full_shape: the whole tensor's shape (default: ``tensor.shape``).
      offset: where ``tensor`` starts in the whole (default: zeros).

    Errors (a window outside ``full_shape``, a meta tensor, a TF-mode initializer, a
    dtype the initializer does not make) are raised before anything is written.
    """
    from varshare._torch.fill import prepare

    prepare(tensor, initializer, seed, name, full_shape, offset).run()
    return tensor


def init_dtensor_(dtensor: DTensor, initializer: Callable, *, seed: int,
                  name: str | None = None) -> DTensor:
    """Fill a DTensor's local shard with exactly its slice of the global tensor.

    Any ``Shard(dim)`` / ``Replicate()`` placements on any device mesh, uneven shards
    included: the global offset is torch's own (``DTensor.__create_chunk_list__``, the
    distributed-checkpoint protocol). Every rank computes only its shard; replicas compute
    the same values. Arguments as :func:`init_`.
    """
    from varshare._torch.placement import is_dtensor

    if not is_dtensor(dtensor):
        raise TypeError(f"init_dtensor_ needs a DTensor, got {type(dtensor).__name__}: "
                        "use init_")
    return init_(dtensor, initializer, seed=seed, name=name)


def init_module_(module: ModuleT, rules: Rules | None = None, *, seed: int) -> ModuleT:
    """Initialise every parameter and buffer of ``module`` in place and return it.

    Each tensor's initializer is the value of the first rule whose pattern matches its
    fully qualified name (``module.named_parameters()``'s): an ``fnmatch`` pattern
    (``"*.weight"``, ``"embed.*"``) or a callable ``(name, tensor) -> bool``; ``None`` as
    the initializer leaves the tensor as it is. Without a match, torch's default for the
    type of the module that owns the tensor applies (``nn.Linear``: weight
    ``kaiming_uniform_(a=sqrt(5))``, bias uniform ``±1/sqrt(fan_in)``; ``nn.Embedding``:
    ``normal_(0, 1)``; norms: ones and zeros; the table in docs/torch.md); a tensor with
    neither is a ValueError naming them all.

    Works on plain modules, on modules built on ``device="meta"`` and materialised with
    ``to_empty(device=...)``, and on FSDP2 (``fully_shard``) modules, whose parameters are
    DTensors: every rank fills its shards only, and the gathered tensors are the same at
    every world size. Each tensor's stream is ``name_stream`` of its name (see the module
    docs). Every tensor is checked before any is written, so an error leaves the module as
    it was.
    """
    from varshare._torch.fill import prepare
    from varshare._torch.rules import plan

    fills = [prepare(entry.tensor, entry.initializer, seed, entry.name)
             for entry in plan(module, rules) if entry.initializer is not None]
    for fill in fills:
        fill.run()
    return module
