"""Packaging: the sdist is complete and clean; a manylinux wheel built from it for every CPython
found works in a fresh venv with the same bits; a serial (no OpenMP) build gives the same bits;
VARSHARE_REQUIRE_OPENMP is enforced.

All slow (they build, install into fresh venvs and need PyPI for build requirements); CI runs
them. Run only these with ``python -m pytest -m slow``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux wheels and ELF tools"),
]

# Digests of a few fills; the same in every build, ISA and thread count.
DIGESTS = """
import hashlib, json
import varshare.random as vr
fills = [vr.uniform(100_003, 1, threads=2), vr.normal((300, 401), 2, threads=2),
         vr.truncated_normal(200_001, 3, dtype="float64", threads=2),
         vr.uniform(70_000, 4, minval=-5, maxval=9, dtype="int64", threads=2)]
print(json.dumps([hashlib.sha256(a.tobytes()).hexdigest() for a in fills]))
"""

# The fills tools/build_wheel.sh digests in each wheel's smoke test.
SMOKE_DIGESTS = """
import hashlib, json
import varshare.random as vr
print(json.dumps([hashlib.sha256(f(3 << 20, 2024, stream=7, threads=1).tobytes()).hexdigest()
                  for f in (vr.uniform, vr.normal, vr.truncated_normal)]))
"""


def sh(*cmd: str | Path, env: dict | None = None, cwd: Path | None = None, timeout: float = 900,
       check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([str(c) for c in cmd], env={**os.environ, **(env or {})}, cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)
    if check:
        assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return proc


def venv(path: Path) -> Path:
    """A fresh venv; returns its python."""
    sh(sys.executable, "-m", "venv", path)
    return path / "bin" / "python"


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict:
    """Run tools/build_wheel.sh once: one sdist; per CPython found, a repaired wheel built from
    the sdist and smoke-tested in a fresh venv. Returns its report.json."""
    out = tmp_path_factory.mktemp("wheelhouse")
    proc = sh("bash", REPO / "tools" / "build_wheel.sh", out, timeout=1800)
    print(proc.stdout)                                    # the table (pytest -s)
    report = json.loads((out / "report.json").read_text())
    return {**report, "sdist": Path(report["sdist"])}


def test_sdist_ships_sources_not_generated_c(built):
    with tarfile.open(built["sdist"]) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    kernel_sources = {p.relative_to(REPO).as_posix()
                      for p in (REPO / "src/varshare/random/src").glob("*.[ch]")}
    needed = kernel_sources | {"src/varshare/random/_kernels.pyx", "setup.py", "pyproject.toml",
                               "MANIFEST.in", "README.md", "LICENSES/GCC_RUNTIME_EXCEPTION",
                               "docs/random-algorithms.md", "tests/data/philox4x32_10_kat.json"}
    assert needed <= names, needed - names
    assert not [n for n in names if n.endswith((".so", "_kernels.c", ".pyc"))]


def test_a_wheel_for_every_python_found(built):
    found = sh("bash", REPO / "tools" / "pythons.sh").stdout.split()[::2]
    assert [w["python"] for w in built["wheels"]] == found
    if os.environ.get("CI") == "true":                  # CI must cover every supported CPython
        assert [v.rsplit(".", 1)[0] for v in found] == ["3.10", "3.11", "3.12", "3.13"]
    for wheel in built["wheels"]:
        major, minor, _ = wheel["python"].split(".")
        assert wheel["tag"].startswith(f"cp{major}{minor}-cp{major}{minor}-"), wheel


def test_wheels_are_manylinux2014_with_vendored_libgomp(built, tmp_path):
    """glibc 2.17 wheels (RHEL/Rocky 8, Ubuntu 20.04 and older clusters can install them),
    whose every shared object, the vendored OpenMP runtime included, needs glibc <= 2.17."""
    for wheel in built["wheels"]:
        assert "manylinux_2_17_x86_64" in wheel["tag"].split("-")[-1].split("."), wheel["tag"]
        assert "/varshare.libs/libgomp" in wheel["runtime"], wheel     # what the smoke test saw
        with zipfile.ZipFile(wheel["wheel"]) as whl:
            names = whl.namelist()
            whl.extractall(tmp_path / wheel["python"])
        assert any(n.startswith("varshare.libs/libgomp") for n in names)
        assert any(n.endswith("licenses/LICENSES/GCC_RUNTIME_EXCEPTION") for n in names)
        assert not [n for n in names if n.endswith(".c")]
        for library in (n for n in names if ".so" in n):
            symbols = sh("objdump", "-T", tmp_path / wheel["python"] / library).stdout
            versions = {tuple(map(int, v.split("."))) for v in re.findall(r"GLIBC_([\d.]+)", symbols)}
            assert max(versions) <= (2, 17), (library, max(versions))


def test_wheels_give_the_bits_of_this_build(built):
    """The smoke test's digests (threads=1, checked there against threads=2 and a window)."""
    here = json.loads(sh(sys.executable, "-c", SMOKE_DIGESTS).stdout)
    assert [w["digests"] for w in built["wheels"]] == [here] * len(built["wheels"])


def test_serial_build_same_bits(built, tmp_path):
    """VARSHARE_NO_OPENMP=1 builds and imports without OpenMP and gives the same bits."""
    py = venv(tmp_path / "venv")
    sh(py, "-m", "pip", "install", "-q", built["sdist"], env={"VARSHARE_NO_OPENMP": "1"})
    info = json.loads(sh(py, "-c", "import json, varshare.random as vr; "
                         "print(json.dumps([vr._kernels.__file__, vr.openmp_info()]))",
                         cwd=tmp_path).stdout)
    ext, info = info
    assert not ext.startswith(str(REPO)) and info["openmp"] is False and info["runtime"] is None
    undefined = sh("nm", "-D", "--undefined-only", ext).stdout
    needed = sh("readelf", "-d", ext).stdout
    assert "omp_" not in undefined and "GOMP_" not in undefined and "libgomp" not in needed
    serial = json.loads(sh(py, "-c", DIGESTS, cwd=tmp_path).stdout)
    here = json.loads(sh(sys.executable, "-c", DIGESTS, cwd=tmp_path).stdout)
    assert serial == here


def test_require_openmp_fails_without_openmp(built, tmp_path):
    """A compiler whose OpenMP is broken (here: an omp.h that #errors) fails the build loudly."""
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "omp.h").write_text("#error this compiler has no usable OpenMP\n")
    proc = sh(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp_path / "out",
              built["sdist"], check=False,
              env={"VARSHARE_REQUIRE_OPENMP": "1", "CFLAGS": f"-I{tmp_path / 'inc'}"})
    assert proc.returncode != 0
    assert "OpenMP does not work with this compiler" in proc.stdout + proc.stderr
    assert not list((tmp_path / "out").glob("*.whl"))
