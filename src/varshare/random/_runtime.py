"""What the compiled kernels run on: OpenMP build, runtime library, thread policy, ISA."""

from __future__ import annotations

import os
from typing import Any

from . import _isa, _kernels, _threads

# Shared-object name prefixes of OpenMP runtimes (GNU, Intel, LLVM), as threadpoolctl uses.
_RUNTIME_PREFIXES = ("libgomp", "libiomp", "libomp")


def openmp_info() -> dict[str, Any]:
    """A snapshot of how fills run, for bug reports and for checking an installation.

    Keys:
      ``openmp``           whether the kernels were built with OpenMP
      ``openmp_version``   the ``_OPENMP`` date of the build (e.g. 201511), 0 if serial
      ``runtime``          path of the OpenMP runtime the kernels call (Linux; else None).
                           A wheel uses its own ``varshare.libs/libgomp-*.so``; if another
                           package loaded a libgomp globally first (torch does) it can be that one.
      ``runtimes_loaded``  every OpenMP runtime mapped into the process
      ``num_threads``      the default thread count of a large fill (:func:`get_num_threads`)
      ``set_num_threads``  the process-wide setting, or None
      ``omp_max_threads``  OpenMP's thread setting for the calling thread
      ``affinity_cpus``    CPUs in this process's affinity mask
      ``cgroup_cpus``      CPUs allowed by the cgroup quota, or None if unlimited
      ``fork_serial``      True in a child forked after a parallel region (fills stay serial)
      ``isa``              the instruction-set kernel in use (:func:`get_isa`)
    """
    loaded = _loaded_runtimes()
    return {
        "openmp": bool(_kernels.OPENMP),
        "openmp_version": int(_kernels.OPENMP),
        "runtime": _bound_runtime(loaded) if _kernels.OPENMP else None,
        "runtimes_loaded": loaded,
        "num_threads": _threads.get_num_threads(),
        "set_num_threads": _threads._process_threads,
        "omp_max_threads": _kernels.omp_max_threads(),
        "affinity_cpus": _threads.affinity_cpus(),
        "cgroup_cpus": _threads.cgroup_cpus(_threads.CGROUP_ROOT),
        "fork_serial": _threads.fork_serial(),
        "isa": _isa.get_isa(),
    }


def _loaded_runtimes() -> list[str]:
    """OpenMP runtime files mapped into this process, from /proc/self/maps ([] elsewhere)."""
    try:
        with open("/proc/self/maps") as f:
            fields = [line.split(None, 5) for line in f]   # address perms offset dev inode path
    except OSError:
        return []
    found = [f[5].rstrip("\n") for f in fields
             if len(f) == 6 and os.path.basename(f[5]).startswith(_RUNTIME_PREFIXES)]
    return list(dict.fromkeys(found))


def _bound_runtime(loaded: list[str]) -> str | None:
    """The runtime among `loaded` that the kernels' omp_* calls reach.

    With several copies mapped, set a distinctive thread count through each one (on this
    thread, restored at once) and see which one the kernels report.
    """
    if len(loaded) <= 1:
        return loaded[0] if loaded else None
    import ctypes                                  # only here: keeps `import varshare` lean

    probe = _kernels.omp_max_threads() + 17
    for path in loaded:
        try:
            lib = ctypes.CDLL(path, mode=os.RTLD_NOLOAD)
            get, put = lib.omp_get_max_threads, lib.omp_set_num_threads
        except (OSError, AttributeError):
            continue
        old = get()
        put(probe)
        hit = _kernels.omp_max_threads() == probe
        put(old)
        if hit:
            return path
    return None
