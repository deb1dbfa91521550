"""The parts of :mod:`varshare.torch`: host memory of tensors, DTensor shards, streams by name,
and which initializer each tensor of a module gets. Importing any of them imports torch."""

try:
    import torch  # noqa: F401
except ImportError as error:
    raise ImportError('varshare.torch needs PyTorch: pip install "varshare[torch]"') from error
