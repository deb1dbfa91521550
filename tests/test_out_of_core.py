"""Out-of-core initialisation: windows, bit-identity with the in-memory path, flat memory."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest

import varshare as vs
from varshare._edges import out_of_core as _out_of_core
from varshare._edges.out_of_core import windows

INITIALIZERS = {
    "truncated_normal": lambda: vs.truncated_normal_initializer(stddev=0.02, seed=7),
    "uniform_int": lambda: vs.random_uniform_initializer(-5, 9, seed=3, dtype=vs.int32),
    "glorot": lambda: vs.glorot_uniform_initializer(seed=1),
    "constant": lambda: vs.constant_initializer([1.0, 2.0, 3.0]),
    "orthogonal": lambda: vs.orthogonal_initializer(seed=2),
}


@pytest.mark.parametrize("shape", [(0, 5), (7,), (3, 4, 5), (2, 3, 100), (), (5, 0, 3)])
@pytest.mark.parametrize("window_bytes", [1, 4, 40, 100, 4000, 1 << 30])
def test_windows_tile_once_in_bounds(shape, window_bytes):
    seen = np.zeros(shape, int)
    for start, size in windows(shape, 4, window_bytes):
        assert np.prod(size) * 4 <= max(window_bytes, 4)
        seen[tuple(slice(s, s + n) for s, n in zip(start, size))] += 1
    assert (seen == 1).all()


@pytest.mark.parametrize("name", INITIALIZERS)
@pytest.mark.parametrize("window_bytes", [12, 1000, 1 << 20])
def test_init_to_file_equals_in_memory(tmp_path, name, window_bytes):
    init = INITIALIZERS[name]()
    shape = (37, 3, 11)
    table = vs.init_to_file(init, shape, init.dtype, tmp_path / "t.npy",
                            window_bytes=window_bytes, progress=False)
    expected = init(shape, init.dtype)
    assert table.dtype == expected.dtype and table.shape == shape
    np.testing.assert_array_equal(np.load(tmp_path / "t.npy"), expected)
    assert not (tmp_path / "t.npy.partial").exists()


def test_unseeded_initializer_draws_once(tmp_path, graph):
    vs.set_random_seed(5)
    table = vs.init_to_file(vs.random_normal_initializer(), (64, 8), "float64",
                            tmp_path / "t.npy", window_bytes=64)
    vs.reset_default_graph()
    vs.set_random_seed(5)   # the same graph counter: the same array
    np.testing.assert_array_equal(table, vs.random_normal_initializer()((64, 8), "float64"))


@pytest.mark.parametrize("layout", ["F", "strided", "memmap"])
def test_initialize_into_any_layout(tmp_path, layout):
    init = vs.random_uniform_initializer(seed=11)
    if layout == "F":
        out = np.zeros((40, 30), np.float32, order="F")
    elif layout == "strided":
        out = np.zeros((80, 30), np.float32)[::2]
    else:
        out = np.lib.format.open_memmap(tmp_path / "m.npy", "w+", np.float32, (40, 30))
    assert vs.initialize_into(out, init, window_bytes=500, progress=False) is out
    np.testing.assert_array_equal(out, init((40, 30), np.float32))


def test_failure_leaves_no_file(tmp_path):
    init = vs.random_normal_initializer(seed=1)
    calls = []

    def failing(shape, dtype=None, partition_info=None):
        calls.append(shape)
        if len(calls) > 3:
            raise RuntimeError("disk on fire")
        return init(shape, dtype, partition_info)

    with pytest.raises(RuntimeError, match="disk on fire"):
        vs.init_to_file(failing, (100, 10), "float32", tmp_path / "t.npy", window_bytes=400)
    assert list(tmp_path.iterdir()) == []


def test_tf_mode_initializer_is_refused(tmp_path):
    init = vs.random_normal_initializer(seed=1, algorithm="tf")   # draws per call, as TF
    with pytest.raises(ValueError, match="TF-mode initializer draws every window anew"):
        vs.init_to_file(init, (4, 4), "float32", tmp_path / "t.npy")


def test_bad_arguments(tmp_path):
    init = vs.zeros_initializer()
    with pytest.raises(ValueError, match="window_bytes"):
        vs.init_to_file(init, (3,), "float32", tmp_path / "t.npy", window_bytes=0)
    with pytest.raises(TypeError, match="initializer must be callable"):
        vs.init_to_file(3.0, (3,), "float32", tmp_path / "t.npy")
    with pytest.raises(ValueError, match="out is read-only"):
        out = np.zeros(3)
        out.flags.writeable = False
        vs.initialize_into(out, init)
    with pytest.raises(ValueError, match="must honour partition_info"):
        vs.initialize_into(np.zeros((4, 4)), lambda shape, dtype=None, partition_info=None:
                           np.zeros((4, 4)), window_bytes=8)


@pytest.mark.parametrize("progress", [True, False])
def test_progress_bar_only_for_long_work(tmp_path, monkeypatch, tqdm_bars, progress):
    vs.init_to_file(vs.zeros_initializer(), (100,), "float32", tmp_path / "a.npy",
                    window_bytes=40)
    assert tqdm_bars == []            # quick work: no bar
    monkeypatch.setattr(_out_of_core, "_PROGRESS_AFTER", 0.0)
    vs.init_to_file(vs.zeros_initializer(), (100,), "float32", tmp_path / "b.npy",
                    window_bytes=40, progress=progress)
    if progress:
        [bar] = tqdm_bars
        assert bar.n == bar.kwargs["total"] == 400
    else:
        assert tqdm_bars == []


_RSS_CHILD = textwrap.dedent("""
    import sys
    import numpy as np
    import varshare as vs
    from varshare._init.partitions import PartitionInfo

    def status(key):
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) << 10 for line in f if line.startswith(key))

    init = vs.truncated_normal_initializer(stddev=0.02, seed=42)
    shape = (1 << 18, 1024)                                  # 1 GiB of float32
    init((64, 1024), "float32", partition_info=PartitionInfo(shape, (0, 0)))  # warm up
    before = status("VmHWM:")
    table = vs.init_to_file(init, shape, "float32", sys.argv[1], progress=False)
    grown = status("VmHWM:") - before
    del table
    # Equal bits to the in-memory path (after the measurement: this one needs 2 GiB).
    same = np.array_equal(np.load(sys.argv[1], mmap_mode="r"), init(shape, "float32"))
    print(grown, same)
""")


def test_one_gib_file_in_flat_memory(tmp_path):
    """VmHWM counts anonymous and file-backed pages: the file's pages are unmapped per window."""
    proc = subprocess.run([sys.executable, "-c", _RSS_CHILD, str(tmp_path / "big.npy")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    grown, same = proc.stdout.split()
    assert same == "True"
    assert int(grown) < 2 * _out_of_core.WINDOW_BYTES, f"peak RSS grew {int(grown) >> 20} MiB"


def test_variable_adopts_a_mapped_file(tmp_path):
    """A callable's memory-mapped result is kept, so the variable lives in the file; a
    given memmap is copied, as any given value."""
    table = vs.init_to_file(vs.ones_initializer(), (6, 4), "float32", tmp_path / "t.npy")
    adopted, copied = vs.Variable(lambda: table, name="a"), vs.Variable(table, name="c")
    assert np.shares_memory(adopted.numpy(), table)
    assert not np.shares_memory(copied.numpy(), table)
    adopted.assign(np.full((6, 4), 2.0))
    table.flush()
    np.testing.assert_array_equal(np.load(tmp_path / "t.npy"), 2.0)
