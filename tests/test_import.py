"""`import varshare` is cheap and pulls in no optional dependency (fresh interpreters)."""

from __future__ import annotations

import json
import subprocess
import sys

OPTIONAL = ("dask", "torch", "safetensors", "tqdm", "threadpoolctl", "tensorflow", "scipy")
BUDGET_MS = 100


def import_ms(module: str) -> float:
    """Best of 3 `-X importtime` cumulative times of `module`, NumPy imported first.

    NumPy, a required dependency, is excluded: on this machine class it alone takes 80-250 ms.
    """
    best = float("inf")
    for _ in range(3):
        proc = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import numpy, {module}"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stderr
        rows = [line.split("|") for line in proc.stderr.splitlines() if line.count("|") == 2]
        us = [int(r[1]) for r in rows if r[2].strip() == module]
        assert us, proc.stderr
        best = min(best, us[0] / 1000)
    return best


def test_import_time():
    assert import_ms("varshare") <= BUDGET_MS
    assert import_ms("varshare.random") <= BUDGET_MS     # the compiled kernels and libgomp


def test_no_optional_dependency_at_import():
    code = ("import sys, json, varshare, varshare.random, varshare.torch; "
            "varshare.random.openmp_info(); print(json.dumps(sorted(sys.modules)))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    loaded = {m.split(".")[0] for m in json.loads(proc.stdout)}
    assert not loaded & set(OPTIONAL)


KERNELS_LOAD_ON_FIRST_DRAW = """
import sys

def loaded():
    maps = open("/proc/self/maps").read() if sys.platform.startswith("linux") else ""
    return "varshare.random._kernels" in sys.modules, "libgomp" in maps

assert loaded() == (False, False), loaded()
import varshare as vs
assert loaded() == (False, False), "import varshare loaded the kernels"
init = vs.truncated_normal_initializer(stddev=0.1, seed=1)
with vs.variable_scope("layer", partitioner=vs.fixed_size_partitioner(2)):
    vs.get_variable("zeros", [4], initializer=vs.zeros_initializer())
    vs.get_variable("ints", [4], dtype=vs.int32)
    vs.get_variable("constant", initializer=[1.0, 2.0])
assert loaded() == (False, False), "variables without random values loaded the kernels"
vs.get_variable("w", [4], initializer=init)
assert loaded()[0], "the first random value did not load the kernels"
"""


def test_kernels_load_on_the_first_random_value():
    """``import varshare`` and non-random variables load neither the compiled kernels nor
    the OpenMP runtime; the first random initializer call does."""
    proc = subprocess.run([sys.executable, "-c", KERNELS_LOAD_ON_FIRST_DRAW],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


WITHOUT_TORCH = """
import sys
sys.modules["torch"] = None                     # as if torch were not installed
import varshare as vs
vs.torch.kaiming_uniform_(seed=1)((4, 3))       # the initializers are NumPy only
try:
    vs.torch.init_module_(object(), seed=0)
except ImportError as error:
    print(error)
"""


def test_varshare_torch_without_torch_names_the_extra():
    proc = subprocess.run([sys.executable, "-c", WITHOUT_TORCH], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'varshare.torch needs PyTorch: pip install "varshare[torch]"'
