"""Thread policy: explicit > set_num_threads > min(OpenMP setting, affinity, cgroup quota),
a shared budget for concurrent calls, threadpoolctl, and openmp_info()."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import numpy as np
import pytest

import varshare.random as vr
from varshare.random import _fill, _kernels, _threads

BIG = 4 * _threads.PARALLEL_THRESHOLD
CPUS = len(os.sched_getaffinity(0))
QUOTA = _threads.cgroup_cpus(_threads.CGROUP_ROOT)
MACHINE = min(CPUS, QUOTA or CPUS)          # what the default may use on this machine
needs_openmp = pytest.mark.skipif(not _kernels.OPENMP, reason="serial build: one thread always")


def clean_env(**extra: str) -> dict:
    """This process's environment without OpenMP settings (dask's LocalCluster, for one,
    leaves OMP_NUM_THREADS=1 behind in the parent), plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OMP_", "GOMP_"))}
    env.update(extra)
    return env


def run_py(code: str, env: dict | None = None, cpus: set[int] | None = None) -> dict:
    """Run `code` in a fresh interpreter (optionally pinned to `cpus`); returns its JSON output."""
    full_env = clean_env(**(env or {}))
    pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None   # what `taskset -c` does
    proc = subprocess.run([sys.executable, "-c", code], env=full_env, preexec_fn=pin,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


INFO = "import json, varshare.random as vr; print(json.dumps(vr.openmp_info()))"


@pytest.fixture(autouse=True)
def _default_threads():
    vr.set_num_threads(None)
    yield
    vr.set_num_threads(None)


# ----------------------------------------------------------------------------- policy order

@needs_openmp
def test_explicit_beats_process_setting_beats_machine_default():
    machine = vr.get_num_threads()
    assert machine == min(_kernels.omp_max_threads(), MACHINE)
    assert _threads.threads_for(BIG, None) == machine
    vr.set_num_threads(3)
    assert _threads.threads_for(BIG, None) == 3
    assert _threads.threads_for(BIG, 5) == 5
    assert _threads.threads_for(_threads.PARALLEL_THRESHOLD - 1, 5) == 1   # small: serial


@needs_openmp
def test_omp_num_threads_is_an_upper_bound():
    assert run_py(INFO, {"OMP_NUM_THREADS": "1"})["num_threads"] == 1
    many = run_py(INFO, {"OMP_NUM_THREADS": "64"})
    assert many["omp_max_threads"] == 64
    assert many["num_threads"] == MACHINE              # never more than the CPUs we may use


@needs_openmp
def test_affinity_mask_caps_the_default():
    info = run_py(INFO, cpus={min(os.sched_getaffinity(0))})
    assert info["affinity_cpus"] == 1 and info["num_threads"] == 1
    # A mask narrowed after import (libgomp sized itself at load) still counts.
    code = ("import os, json, varshare.random as vr; before = vr.get_num_threads(); "
            "os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}); "
            "print(json.dumps([before, vr.get_num_threads()]))")
    proc = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True,
                          text=True, timeout=60)
    assert json.loads(proc.stdout) == [MACHINE, 1], proc.stderr


def test_cgroup_quota_files(tmp_path):
    def cpus(root):
        _threads.cgroup_cpus.cache_clear()
        return _threads.cgroup_cpus(str(root))

    v2, v1 = tmp_path / "v2", tmp_path / "v1"
    v2.mkdir()
    assert cpus(v2) is None
    (v2 / "cpu.max").write_text("max 100000\n")
    assert cpus(v2) is None
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert cpus(v2) == 2                                            # rounded up
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert cpus(v1) is None
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("50000\n")
    assert cpus(v1) == 1


@needs_openmp
def test_cgroup_quota_caps_the_default(tmp_path, monkeypatch):
    (tmp_path / "cpu.max").write_text("100000 100000\n")          # a 1-CPU container
    monkeypatch.setattr(_threads, "CGROUP_ROOT", str(tmp_path))
    assert vr.get_num_threads() == 1
    assert vr.openmp_info()["cgroup_cpus"] == 1
    assert _threads.threads_for(BIG, None) == 1
    assert _threads.threads_for(BIG, 2) == 2                        # explicit still wins


@needs_openmp
def test_threadpoolctl_limits_openmp():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    vr.normal(BIG, 1, threads=2)                # make sure the runtime has been used
    before = vr.get_num_threads()
    with threadpoolctl.threadpool_limits(limits=1, user_api="openmp"):
        assert vr.get_num_threads() == 1
        assert np.array_equal(vr.normal(BIG, 3), vr.normal(BIG, 3, threads=2))
    assert vr.get_num_threads() == before
    apis = threadpoolctl.threadpool_info()
    assert any(i["user_api"] == "openmp" and i["filepath"] == vr.openmp_info()["runtime"]
               for i in apis)


# ----------------------------------------------------------------------------- concurrency

def test_concurrent_calls_give_serial_bits():
    n = 3 << 20
    expected = {s: vr.normal(n, s, threads=1) for s in range(4)}
    start = threading.Barrier(4)
    results: dict[int, list[np.ndarray]] = {}

    def work(seed: int) -> None:
        start.wait()
        results[seed] = [vr.normal(n, seed) for _ in range(3)]

    pool = [threading.Thread(target=work, args=(s,)) for s in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert sorted(results) == list(range(4))
    for seed, arrays in results.items():
        for a in arrays:
            assert np.array_equal(a, expected[seed])


@needs_openmp
def test_budget_is_shared():
    vr.set_num_threads(3)
    with _threads.reserve(BIG, None) as first:
        assert first == 3
        with _threads.reserve(BIG, None) as second, _threads.reserve(BIG, 2) as third:
            assert (second, third) == (1, 1)      # budget used up: their own threads only
    with _threads.reserve(BIG, 2) as first, _threads.reserve(BIG, None) as second:
        assert (first, second) == (2, 1)
    with _threads.reserve(BIG, 5) as alone:
        assert alone == 5                         # an explicit request alone is honoured
    with _threads.reserve(100, 4) as small:
        assert small == 1 and _threads._held == 0  # serial fills take nothing from the budget
    assert _threads._held == 0


@needs_openmp
def test_concurrent_calls_stay_within_budget(monkeypatch):
    """4 Python threads at once add at most budget - 1 OpenMP workers between them."""
    real_fill, lock = _kernels.fill, threading.Lock()
    live, peak = [0], [0]

    def fill(*args, **kwargs):
        extra = kwargs["threads"] - 1
        with lock:
            live[0] += extra
            peak[0] = max(peak[0], live[0])
        try:
            real_fill(*args, **kwargs)
        finally:
            with lock:
                live[0] -= extra

    monkeypatch.setattr(_fill._kernels, "fill", fill)
    vr.set_num_threads(2)
    start = threading.Barrier(4)
    results = []

    def work() -> None:
        start.wait()
        results.append([vr.normal(1 << 22, 9) for _ in range(3)])

    pool = [threading.Thread(target=work) for _ in range(4)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=120)
    assert len(results) == 4
    assert peak[0] <= 1
    assert _threads._held == 0


# ----------------------------------------------------------------------------- openmp_info

def test_openmp_info():
    info = vr.openmp_info()
    assert info["openmp"] == bool(_kernels.OPENMP)
    assert info["isa"] == vr.get_isa()
    assert info["num_threads"] == vr.get_num_threads()
    assert info["affinity_cpus"] == CPUS
    assert info["set_num_threads"] is None and info["fork_serial"] is False
    if sys.platform.startswith("linux") and _kernels.OPENMP:
        assert os.path.basename(info["runtime"]).startswith("libgomp")
        assert info["runtime"] in info["runtimes_loaded"]
    vr.set_num_threads(3)
    assert vr.openmp_info()["set_num_threads"] == 3


@needs_openmp
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/self/maps is Linux")
def test_openmp_info_names_the_bound_runtime(tmp_path):
    """With a second libgomp copy mapped (as torch brings), the kernels' own one is reported."""
    copy = tmp_path / "libgomp-copy.so.1"
    shutil.copy(vr.openmp_info()["runtime"], copy)
    code = (f"import ctypes, json, os, varshare.random as vr; "
            f"ctypes.CDLL({str(copy)!r}, mode=os.RTLD_GLOBAL); print(json.dumps(vr.openmp_info()))")
    info = run_py(code)
    # Compared with a fresh process, not this one: here torch may have been imported before
    # the kernels (the docstring tests do), binding them to torch's own libgomp.
    alone = run_py("import json, varshare.random as vr; print(json.dumps(vr.openmp_info()))")
    assert info["runtime"] == alone["runtime"]
    assert str(copy) in info["runtimes_loaded"] and len(info["runtimes_loaded"]) == 2
