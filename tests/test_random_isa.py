"""Every instruction-set kernel gives the same bits: the reference and invariance suites run
again, in a subprocess, under each kernel this CPU supports (VARSHARE_ISA), and under the
AVX-512 kernel's source compiled for any CPU (avx512-emulated)."""

import hashlib
import os
import subprocess
import sys

import numpy as np
import pytest

import varshare.random as vr
from varshare.random import _kernels

HERE = os.path.dirname(os.path.abspath(__file__))
# The CPU's ladder, and the AVX-512 kernel's source compiled for any CPU (its bits everywhere).
SUPPORTED = (*_kernels.ISA_NAMES[: _kernels.ISA_NAMES.index(_kernels.cpu_isa()) + 1],
             "avx512-emulated")
OTHERS = [isa for isa in SUPPORTED if isa != vr.get_isa()]

DIGEST_SCRIPT = "import test_random_isa as t, varshare.random as vr; print(vr.get_isa(), t.digest())"


def digest() -> str:
    """sha256 of one array per distribution and dtype, across a parallel region."""
    h = hashlib.sha256()
    for f in (vr.uniform, vr.normal, vr.truncated_normal):
        for dt in ("float16", "float32", "float64"):
            h.update(f((3, 70001), 7, dtype=dt, stream=3, offset=5, threads=2).tobytes())
    h.update(vr.uniform(70001, 9, -5, 10**6, dtype="int64").tobytes())
    return h.hexdigest()


def _run(isa, args, timeout):
    env = dict(os.environ, VARSHARE_ISA=isa)
    return subprocess.run([sys.executable, *args], env=env, cwd=HERE, capture_output=True,
                          text=True, timeout=timeout)


def test_active_isa_is_supported():
    assert vr.get_isa() in SUPPORTED


@pytest.mark.parametrize("isa", SUPPORTED)
def test_same_digest_on_every_isa(isa):
    proc = _run(isa, ["-c", DIGEST_SCRIPT], timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [isa, digest()]


@pytest.mark.parametrize("isa", OTHERS)
def test_suites_pass_on_isa(isa):
    suites = ["test_random_reference.py", "test_random_invariance.py", "test_random_kat.py"]
    proc = _run(isa, ["-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *suites], timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_forcing_an_unsupported_isa_warns_and_keeps_bits():
    unsupported = [isa for isa in _kernels.ISA_NAMES if isa not in SUPPORTED]
    if not unsupported:
        pytest.skip("this CPU runs every kernel")
    proc = _run(unsupported[0], ["-W", "always", "-c", DIGEST_SCRIPT], timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "cannot run the" in proc.stderr
    assert proc.stdout.split()[0] == _kernels.cpu_isa()


def test_set_isa_rejects_unknown_name():
    with pytest.raises(ValueError, match="isa"):
        vr.set_isa("sse9")
    assert vr.get_isa() in SUPPORTED
    np.testing.assert_array_equal(vr.normal(10, 1), vr.normal(10, 1))
