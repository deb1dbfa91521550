"""Types of the compiled bridge to the C kernels (``_kernels.pyx``)."""

import numpy as np

from varshare.random._params import Params

MAXDIM: int
OPENMP: int                  # the build's _OPENMP date, 0 if serial
ISA_NAMES: tuple[str, ...]

def cpu_isa() -> str: ...
def set_isa(name: str) -> str: ...
def omp_max_threads() -> int: ...
def fill(dist: int, dtype: int, out: int, g0: int, shape: tuple[int, ...],
         gstride: tuple[int, ...], ostride: tuple[int, ...], seed: int, stream: int,
         params: Params, threads: int, tf: bool = ...) -> None: ...
def philox_blocks(ctr: np.ndarray, key: np.ndarray, out: np.ndarray) -> None: ...
