"""A NumPy array that receives a tensor's values: the tensor's own memory whenever it can be.

A CPU tensor of a NumPy dtype is written in place through ``tensor.numpy()`` (shared
memory, any strides: no copy, no temporary). Otherwise the values go to a host array that
is copied into the tensor at the end, costing a host array of the tensor's size and one
copy: bfloat16 (no NumPy dtype) is computed in float32 and rounded to nearest-even by
``copy_``; a tensor on another device (CUDA, ...) is computed on the host and transferred.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
import torch

_NUMPY_DTYPES = {
    torch.float16: np.float16, torch.float32: np.float32, torch.float64: np.float64,
    torch.int8: np.int8, torch.int16: np.int16, torch.int32: np.int32, torch.int64: np.int64,
    torch.uint8: np.uint8, torch.bool: np.bool_,
}
_HOST_DTYPES = {**_NUMPY_DTYPES, torch.bfloat16: np.float32}


def host_dtype(tensor: torch.Tensor) -> np.dtype:
    """The NumPy dtype values for ``tensor`` are computed in; ValueError/TypeError for a
    tensor that cannot be filled (meta, sparse, an unsupported dtype)."""
    if tensor.device.type == "meta":
        raise ValueError("a meta tensor has no memory: materialise the module first, e.g. "
                         "module.to_empty(device='cpu')")
    if tensor.layout != torch.strided:
        raise TypeError(f"only dense (strided) tensors can be filled, got {tensor.layout}")
    if tensor.dtype not in _HOST_DTYPES:
        raise TypeError(f"tensors of dtype {tensor.dtype} cannot be filled")
    return np.dtype(_HOST_DTYPES[tensor.dtype])


@contextlib.contextmanager
def host_array(tensor: torch.Tensor) -> Iterator[np.ndarray]:
    """An array of ``tensor``'s shape; what is written to it is ``tensor``'s after the block."""
    dtype = host_dtype(tensor)
    if tensor.device.type == "cpu" and tensor.dtype in _NUMPY_DTYPES:
        yield tensor.detach().numpy()
        return
    host = np.empty(tuple(tensor.shape), dtype)
    yield host
    with torch.no_grad():
        tensor.copy_(torch.from_numpy(host))
