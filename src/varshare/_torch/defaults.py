"""torch's own initialisation of its common modules (``reset_parameters``), as varshare
initializers chosen by the type of the module that owns each tensor.

========================================  ==============================================
owner (isinstance)                        tensors
========================================  ==============================================
``Linear``, ``Conv*d``, ``ConvTranspose*d``  weight ``kaiming_uniform_(a=sqrt(5))``, bias
                                          uniform ``±1/sqrt(fan_in)`` (the weight's fan)
``Embedding``, ``EmbeddingBag``           weight ``normal_(0, 1)``, row ``padding_idx`` zero
``LayerNorm``, ``GroupNorm``, ``RMSNorm``,  weight and ``running_var`` ones; bias,
``BatchNorm*d``, ``SyncBatchNorm``,         ``running_mean`` and ``num_batches_tracked``
``InstanceNorm*d``                         zeros
``RNN``, ``LSTM``, ``GRU``                 every parameter uniform ``±1/sqrt(hidden_size)``
========================================  ==============================================

Any other tensor needs a rule (subclasses of these types get their base's defaults).
"""

from __future__ import annotations

import math
import numpy as np
from torch import nn

from varshare._init.initializers import (
    DTypeLike, Initializer, Ones, RandomNormal, RandomUniform, Shape, Zeros)
from varshare._init.partitions import PartitionInfo
from varshare._init.torch_style import KaimingUniform, torch_fans

_FAN_IN_LAYERS = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d,
                  nn.ConvTranspose2d, nn.ConvTranspose3d)
_EMBEDDINGS = (nn.Embedding, nn.EmbeddingBag)
_NORMS = (nn.LayerNorm, nn.GroupNorm, nn.RMSNorm, nn.BatchNorm1d, nn.BatchNorm2d,
          nn.BatchNorm3d, nn.SyncBatchNorm, nn.InstanceNorm1d, nn.InstanceNorm2d,
          nn.InstanceNorm3d)
_NORM_TENSORS = {"weight": Ones, "bias": Zeros, "running_mean": Zeros, "running_var": Ones,
                 "num_batches_tracked": Zeros}


class RowZeroed(Initializer):
    """``initializer`` with one row (index on axis 0 of the full shape) set to zero."""

    def __init__(self, initializer: Initializer, row: int) -> None:
        self.initializer, self.row = initializer, row
        self.seed = getattr(initializer, "seed", None)   # the wrapped one's stream
        self.dtype = initializer.dtype

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None) -> np.ndarray:
        return self._zero_row(self.initializer(shape, dtype, partition_info), partition_info)

    def fill(self, out: np.ndarray, partition_info: PartitionInfo | None = None) -> np.ndarray:
        return self._zero_row(self.initializer.fill(out, partition_info), partition_info)

    def _zero_row(self, values: np.ndarray, partition_info: PartitionInfo | None) -> np.ndarray:
        start = 0 if partition_info is None else partition_info.var_offset[0]
        if start <= self.row < start + values.shape[0]:
            values[self.row - start] = 0
        return values


def _symmetric_uniform(fan_in: int) -> Initializer:
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    return RandomUniform(-bound, bound, algorithm="varshare")


def owner_defaults(owner: nn.Module) -> dict[str, Initializer]:
    """torch's initializers for ``owner``'s own tensors, by their local names."""
    if isinstance(owner, _FAN_IN_LAYERS):
        fan_in = torch_fans(tuple(owner.weight.shape))[0]
        return {"weight": KaimingUniform(a=math.sqrt(5)), "bias": _symmetric_uniform(fan_in)}
    if isinstance(owner, _EMBEDDINGS):
        normal = RandomNormal(0.0, 1.0, algorithm="varshare")
        padding = owner.padding_idx
        return {"weight": normal if padding is None else RowZeroed(normal, padding)}
    if isinstance(owner, _NORMS):
        return {name: make() for name, make in _NORM_TENSORS.items()}
    if isinstance(owner, nn.RNNBase):
        uniform = _symmetric_uniform(owner.hidden_size)
        return {name: uniform for name, _ in owner.named_parameters(recurse=False)}
    return {}

