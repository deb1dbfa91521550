"""How many threads a fill uses: explicit argument > set_num_threads() > machine default."""

from __future__ import annotations

import functools
import os

from . import _kernels

# Below this many elements a parallel region costs more than it saves.
PARALLEL_THRESHOLD = 1 << 15

_process_threads: int | None = None


def _check_count(n: object, name: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"{name} must be an int, got {type(n).__name__}")
    if n < 1:
        raise ValueError(f"{name} must be >= 1, got {n}")
    return n


def set_num_threads(n: int | None) -> None:
    """Set the process-wide thread count of the kernels (None restores the default).

    Unlike ``omp_set_num_threads`` this applies to calls from every Python thread.
    """
    global _process_threads
    _process_threads = None if n is None else _check_count(n, "n")


def get_num_threads() -> int:
    """The thread count a large fill uses when no ``threads=`` is given."""
    return _process_threads if _process_threads is not None else _machine_threads()


def _machine_threads() -> int:
    """min(OpenMP's setting, the CPUs this process may run on, the cgroup CPU quota)."""
    omp = _kernels.omp_max_threads()
    if "OMP_NUM_THREADS" in os.environ:  # an explicit user setting wins, as in scikit-learn
        return max(1, omp)
    return max(1, min(omp, _usable_cpus()))


@functools.lru_cache(maxsize=1)
def _usable_cpus() -> int:
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cgroup_quota()
    return max(1, min(cpus, quota) if quota else cpus)


def _cgroup_quota() -> int | None:
    """CPUs allowed by a cgroup v2 (cpu.max) or v1 (cfs quota) limit, rounded up."""
    candidates = [("/sys/fs/cgroup/cpu.max", None),
                  ("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", "/sys/fs/cgroup/cpu/cpu.cfs_period_us")]
    for quota_path, period_path in candidates:
        try:
            with open(quota_path) as f:
                fields = f.read().split()
            if period_path:
                with open(period_path) as f:
                    fields.append(f.read().strip())
        except OSError:
            continue
        if len(fields) < 2 or fields[0] in ("max", "-1"):
            return None
        quota, period = int(fields[0]), int(fields[1])
        return max(1, -(-quota // period)) if period > 0 else None
    return None


def threads_for(size: int, threads: int | None) -> int:
    """The thread count for a fill of `size` elements."""
    if threads is not None:
        threads = _check_count(threads, "threads")
    if size < PARALLEL_THRESHOLD:
        return 1
    return threads if threads is not None else get_num_threads()
