"""A process forked after a parallel region must not hang in libgomp: it fills on one thread
and warns once. Each scenario runs in a fresh interpreter under a timeout, since the failure
mode is a deadlock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from varshare.random import _kernels

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork"),
    pytest.mark.skipif(not _kernels.OPENMP, reason="serial build: nothing can deadlock"),
]

PRELUDE = """
import os, sys, warnings
import multiprocessing as mp
import numpy as np
import varshare.random as vr

N = 1 << 20
REF = vr.normal(N, 7, threads=1)

def child_fill():
    '''Two parallel-sized fills in this process; returns (bits ok, RuntimeWarning texts, serial).'''
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ok = np.array_equal(vr.normal(N, 7, threads=2), REF)
        ok = ok and np.array_equal(vr.normal(N, 7, threads=2), REF)
    texts = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    return ok, texts, vr.openmp_info()["fork_serial"]
"""


def run(body: str, timeout: float = 60) -> str:
    """Run PRELUDE + body in its own session; a hang kills it and its forked children."""
    proc = subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail(f"hung for {timeout} s (libgomp deadlock after fork?)")
    assert proc.returncode == 0, out + err
    return out


def test_os_fork_after_parallel_region():
    out = run("""
        vr.normal(N, 1, threads=2)                     # the parent runs an OpenMP team
        pid = os.fork()
        if pid == 0:
            ok, texts, serial = child_fill()
            good = ok and serial and len(texts) == 1 and "forkserver" in texts[0] and "spawn" in texts[0]
            os._exit(0 if good else 3)
        assert os.waitpid(pid, 0)[1] == 0, "child failed"
        assert np.array_equal(vr.normal(N, 7, threads=2), REF)   # the parent is unaffected
        assert not vr.openmp_info()["fork_serial"]
        print("ok")
    """)
    assert out.strip() == "ok"


def test_multiprocessing_fork_pool_after_parallel_region():
    out = run("""
        vr.normal(N, 1, threads=2)
        with mp.get_context("fork").Pool(2) as pool:
            results = pool.starmap(child_fill, [()] * 4)
        assert all(ok and serial and len(texts) <= 1 for ok, texts, serial in results), results
        print("ok")
    """)
    assert out.strip() == "ok"


def test_fork_before_any_parallel_region_keeps_threads():
    out = run("""
        vr.normal(N, 1, threads=1)                     # serial only: libgomp never started a team
        pid = os.fork()
        if pid == 0:
            ok, texts, serial = child_fill()
            os._exit(0 if ok and not texts and not serial else 3)
        assert os.waitpid(pid, 0)[1] == 0, "child failed"
        print("ok")
    """)
    assert out.strip() == "ok"
