"""``python -m varshare``: help, info, bench, demo (run as users do, in a subprocess)."""

import importlib.util
import subprocess
import sys

import pytest


def _run(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "varshare", *args], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_help_lists_commands():
    out = _run("--help")
    for command in ("info", "bench", "demo"):
        assert command in out


def test_info_reports_runtime_and_optional_packages():
    out = _run("info")
    for key in ("varshare", "numpy", "isa", "num_threads", "dask", "safetensors", "torch"):
        assert any(line.split()[0] == key for line in out.splitlines()), key


def test_bench_table(tmp_path):
    args = ["bench", "--size", "4096", "--repeat", "1"]
    plotting = importlib.util.find_spec("matplotlib") is not None
    if plotting:
        args += ["--plot", str(tmp_path / "bench.png")]
    out = _run(*args)
    for case in ("uniform float32", "normal float64", "truncated_normal float32"):
        assert case in out
    if plotting:
        assert (tmp_path / "bench.png").stat().st_size > 0


def test_bench_rejects_bad_size():
    proc = subprocess.run([sys.executable, "-m", "varshare", "bench", "--size", "0"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--size and --repeat must be positive" in proc.stderr


@pytest.mark.parametrize("args", [[], ["demo"]], ids=["default", "demo"])
def test_demo_shows_sharing_and_bit_identity(args):
    out = _run(*args)
    assert "reused is the same object -> True" in out
    assert out.count("== slice: True") == 4
    assert "threads identical: True" in out
    assert "False" not in out


def test_best_of_times_every_function_once_per_round_in_turn():
    from varshare._cli import best_of

    calls = []
    best = best_of({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, rounds=3)
    assert calls == ["a", "b"] * 4          # a warm-up round, then 3 timed ones
    assert set(best) == {"a", "b"} and all(0 <= t < 1 for t in best.values())
