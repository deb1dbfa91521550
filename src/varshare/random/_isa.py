"""Which instruction-set kernel runs: the CPU's best, or VARSHARE_ISA=portable|avx2|avx512.

Every kernel gives the same bits; the choice only changes speed.  ``avx512-emulated`` runs
the AVX-512 kernel's 16-lane source compiled for the baseline instruction set, on any CPU
and slowly: it exists so that tests check that kernel's bits where AVX-512 is absent.
"""

from __future__ import annotations

import os
import warnings

from . import _kernels

ISA_NAMES = _kernels.ISA_NAMES


def set_isa(name: str = "auto") -> str:
    """Select the kernel ("auto" = the widest the CPU supports); returns the one in use."""
    if name == "auto":
        name = _kernels.cpu_isa()
    if name not in ISA_NAMES:
        raise ValueError(f"isa must be 'auto' or one of {ISA_NAMES}, got {name!r}")
    used = _kernels.set_isa(name)
    if used != name:
        warnings.warn(f"this CPU cannot run the {name} kernel; using {used} (same results)",
                      RuntimeWarning, stacklevel=2)
    global _active
    _active = used
    return used


def get_isa() -> str:
    """The kernel in use: 'portable', 'avx2', 'avx512' or 'avx512-emulated'."""
    return _active


_active = set_isa(os.environ.get("VARSHARE_ISA", "auto").strip().lower() or "auto")
