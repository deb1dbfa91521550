"""The parts of :mod:`varshare.torch`: host memory of tensors, DTensor shards, streams by name,
and which initializer each tensor of a module gets."""
