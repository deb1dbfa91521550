"""bench/compare.py: ratios to NumPy taken within each saved run, and drops flagged."""

import importlib.util
import json
from pathlib import Path

COMPARE = Path(__file__).resolve().parents[1] / "bench" / "compare.py"
spec = importlib.util.spec_from_file_location("compare", COMPARE)
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)


def saved_run(path, times):
    """A pytest-benchmark file: ``times`` maps (group, impl, threads) to the best seconds."""
    path.write_text(json.dumps({"benchmarks": [
        {"group": group, "extra_info": {"impl": impl, "threads": threads}, "stats": {"min": t}}
        for (group, impl, threads), t in times.items()]}))
    return path


def test_ratios_are_numpy_over_varshare_within_one_run(tmp_path):
    run = saved_run(tmp_path / "a.json", {("normal-f32", "numpy-PCG64", 1): 8.0,
                                          ("normal-f32", "varshare", 1): 2.0,
                                          ("normal-f32", "varshare", 2): 1.0,
                                          ("odd-group", "varshare", 1): 1.0})
    assert compare.ratios(run) == {("normal-f32", 1): 4.0, ("normal-f32", 2): 8.0}


def test_a_drop_beyond_the_threshold_is_flagged(tmp_path, capsys):
    old = saved_run(tmp_path / "old.json", {
        ("g", "numpy-PCG64", 1): 10.0, ("g", "varshare", 1): 1.0,
        ("h", "numpy-PCG64", 1): 10.0, ("h", "varshare", 1): 1.0})
    # Twice slower machine in the new run: NumPy slows too, so only h's ratio really drops.
    new = saved_run(tmp_path / "new.json", {
        ("g", "numpy-PCG64", 1): 20.0, ("g", "varshare", 1): 2.0,
        ("h", "numpy-PCG64", 1): 20.0, ("h", "varshare", 1): 2.5})
    assert compare.main([str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert [line.split()[0] for line in out.splitlines() if line.endswith("DROP")] == ["h"]
    assert compare.main([str(old), str(new), "--drop", "0.25"]) == 0


def test_runs_without_common_benchmarks_are_an_error(tmp_path):
    a = saved_run(tmp_path / "a.json", {("g", "numpy-PCG64", 1): 1.0, ("g", "varshare", 1): 1.0})
    b = saved_run(tmp_path / "b.json", {("h", "numpy-PCG64", 1): 1.0, ("h", "varshare", 1): 1.0})
    assert compare.main([str(a), str(b)]) == 2


def test_report_prints_a_row_per_distribution_dtype_and_thread_count(capsys, monkeypatch):
    spec = importlib.util.spec_from_file_location("report", COMPARE.with_name("report.py"))
    report = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(report)
    monkeypatch.setattr(report.time, "sleep", lambda seconds: None)   # the peers' cool-down
    report.main(["--sizes", "10", "--repeat", "1", "--threads", "1,2"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert rows[0].startswith("| distribution |")
    body = [row.split(" | ") for row in rows[1:]]
    assert len(body) == 3 * 2 * 2
    assert {(cells[0].strip("| "), cells[1], cells[3]) for cells in body} == {
        (dist, dtype, threads) for dist in ("uniform", "normal", "truncated_normal")
        for dtype in ("float32", "float64") for threads in ("1", "2")}
