"""How many threads a fill uses.

Policy, first match wins:

1. the ``threads=`` argument of the call;
2. the process-wide :func:`set_num_threads` value;
3. min(OpenMP's thread setting of the calling thread (``OMP_NUM_THREADS``,
   ``omp_set_num_threads``, ``threadpoolctl.threadpool_limits``), the CPUs in the affinity
   mask (``taskset``), the cgroup v1/v2 CPU quota (containers)).

Fills below :data:`PARALLEL_THRESHOLD` elements run on the calling thread.

Concurrent calls share one budget: :func:`reserve` grants a call
``min(requested, budget - threads held by running calls)`` threads, and never fewer than its
own calling thread, where the budget is the larger of the request and :func:`get_num_threads`.
So N Python threads calling at once (without ``threads=``) add at most
``get_num_threads() - 1`` OpenMP workers between them, not N teams the size of the machine.

Fork: libgomp's thread pool does not survive ``fork()``; a child that starts a parallel region
after its parent ran one deadlocks. A process forked after varshare ran a parallel region
therefore fills on one thread and warns once (use the "forkserver" or "spawn" start method).

Results never depend on any of this.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import threading
import warnings
from typing import Iterator

from . import _kernels

# Below this many elements a parallel region costs more than it saves.
PARALLEL_THRESHOLD = 1 << 15
# Where cgroup filesystems are mounted; a module attribute so that tests can point it elsewhere.
CGROUP_ROOT = "/sys/fs/cgroup"

_process_threads: int | None = None
_lock = threading.Lock()
_held = 0                    # threads granted to fills that are running now, all Python threads
_parallel_ran = False        # this process has started an OpenMP team
_forked_serial = False       # forked after a parallel region: stay on one thread
_fork_warned = False


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
    """min(OpenMP's setting for this thread, affinity CPUs, cgroup CPU quota)."""
    limits = [_kernels.omp_max_threads(), affinity_cpus()]
    quota = cgroup_cpus(CGROUP_ROOT)
    if quota is not None:
        limits.append(quota)
    return max(1, min(limits))


def affinity_cpus() -> int:
    """CPUs this process may run on (read every time: ``sched_setaffinity`` can change it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


@functools.lru_cache(maxsize=4)
def cgroup_cpus(root: str) -> int | None:
    """CPUs allowed by the tightest cgroup CPU quota over this process's cgroup and its
    ancestors, rounded up (v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``); None if unlimited."""
    v2, v1 = _own_cgroups()
    found = [_v2_quota(os.path.join(root, d.lstrip("/"), "cpu.max")) for d in _ancestors(v2)]
    found += [_v1_quota(os.path.join(root, "cpu", d.lstrip("/"))) for d in _ancestors(v1)]
    quotas = [q for q in found if q is not None]
    return min(quotas) if quotas else None


def _own_cgroups() -> tuple[str, str]:
    """This process's cgroup v2 path and v1 ``cpu`` controller path ("/" if unknown)."""
    v2 = v1 = "/"
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                num, controllers, path = line.rstrip("\n").split(":", 2)
                if num == "0" and not controllers:
                    v2 = path
                elif "cpu" in controllers.split(","):
                    v1 = path
    except (OSError, ValueError):
        pass
    return v2, v1


def _ancestors(path: str) -> list[str]:
    """'/a/b' -> ['/a/b', '/a', '/']."""
    out = [path]
    while path not in ("/", ""):
        path = os.path.dirname(path)
        out.append(path)
    return out


def _read(path: str) -> str | None:
    try:
        with open(path) as f:
            return f.read().strip()
    except OSError:
        return None


def _cpus(quota: int, period: int) -> int | None:
    return max(1, -(-quota // period)) if quota > 0 and period > 0 else None


def _v2_quota(path: str) -> int | None:
    fields = (_read(path) or "").split()          # "max 100000" or "150000 100000"
    if len(fields) != 2 or fields[0] == "max":
        return None
    return _cpus(int(fields[0]), int(fields[1]))


def _v1_quota(directory: str) -> int | None:
    quota = _read(os.path.join(directory, "cpu.cfs_quota_us"))    # -1 when unlimited
    period = _read(os.path.join(directory, "cpu.cfs_period_us"))
    if quota is None or period is None:
        return None
    return _cpus(int(quota), int(period))


def threads_for(size: int, threads: int | None) -> int:
    """The thread count requested for a fill of `size` elements (before sharing the budget)."""
    global _parallel_ran
    if threads is not None:
        threads = _check_count(threads, "threads")
    if size < PARALLEL_THRESHOLD or not _kernels.OPENMP:
        return 1
    n = threads if threads is not None else get_num_threads()
    if n > 1 and _forked_serial:
        _warn_forked()
        return 1
    _parallel_ran = _parallel_ran or n > 1
    return n


@contextlib.contextmanager
def reserve(size: int, threads: int | None) -> Iterator[int]:
    """Hold threads for one fill of `size` elements from the process budget; yields the count.

    Use as ``with reserve(n, threads) as t: _kernels.fill(..., t)``.
    """
    global _held
    want = threads_for(size, threads)
    if want == 1:                                 # serial fills take nothing from the budget
        yield 1
        return
    budget = max(want, get_num_threads())
    with _lock:
        got = max(1, min(want, budget - _held))
        _held += got
    try:
        yield got
    finally:
        with _lock:
            _held -= got


def fork_serial() -> bool:
    """True in a process forked after its parent ran a parallel region (fills stay serial)."""
    return _forked_serial


def _warn_forked() -> None:
    global _fork_warned
    if not _fork_warned:
        _fork_warned = True
        warnings.warn(
            "varshare.random: this process was forked after OpenMP threads had run, and "
            "libgomp would deadlock starting them again, so fills run on one thread. Use the "
            "'forkserver' or 'spawn' multiprocessing start method for parallel fills.",
            RuntimeWarning, stacklevel=_user_stacklevel())


def _user_stacklevel() -> int:
    """The warnings stacklevel of the first caller outside varshare (and contextlib)."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
    frame, level = sys._getframe(2), 2        # 1 is _warn_forked, the one calling this
    while frame.f_back is not None and (frame.f_code.co_filename.startswith(package)
                                        or frame.f_code.co_filename == contextlib.__file__):
        frame, level = frame.f_back, level + 1
    return level


def _after_fork_in_child() -> None:
    global _lock, _held, _forked_serial
    _lock = threading.Lock()       # another thread may have held it at fork time
    _held = 0                      # fills of other threads did not survive the fork
    _forked_serial = _forked_serial or _parallel_ran


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
