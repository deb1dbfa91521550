"""Ctrl-C during a long parallel fill reaches Python within a second and leaves nothing broken.

The kernels return to Python every 2**24 elements to check for signals (`_kernels.fill`)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

CHILD = r"""
import json, sys, time, traceback
import numpy as np
import varshare.random as vr
from varshare.random import _threads

ref = vr.normal(1 << 22, 5, threads=1)
out = np.empty(1 << 29, np.float32)       # 2 GiB, touched only as the fill proceeds
print("start", flush=True)
try:
    while True:                           # one call is seconds here; loop so fast CPUs are covered too
        vr.normal(out.shape, 11, out=out, threads=2)
except KeyboardInterrupt:
    caught = time.monotonic()
    frames = [f.filename for f in traceback.extract_tb(sys.exc_info()[2])]
del out
after = vr.normal(1 << 22, 5, threads=2)
print(json.dumps({"caught": caught, "in_fill": any("_kernels" in f for f in frames),
                  "bits_ok": bool(np.array_equal(after, ref)), "held": _threads._held}))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_interrupts_a_long_fill():
    proc = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "start"
        time.sleep(0.5)
        sent = time.monotonic()           # CLOCK_MONOTONIC: comparable across processes
        os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["in_fill"], "the interrupt did not arrive inside a fill"
    assert report["caught"] - sent < 1.0
    assert report["bits_ok"] and report["held"] == 0
