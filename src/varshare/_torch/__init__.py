"""The parts of :mod:`varshare.torch`: host memory of tensors, DTensor shards, streams by name,
and which initializer each tensor of a module gets. Importing any of them imports torch."""

from varshare._core.optional import require

require("torch", "varshare.torch needs PyTorch", "torch")
