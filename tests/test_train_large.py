"""Large checkpoints: a variable backed by a file saves and restores in flat memory, and long
saves and restores show progress."""

import hashlib

import numpy as np
import pytest

import varshare as vs
from varshare._edges import out_of_core

pytest.importorskip("crc32c")

SHAPE = (2**18, 2**10)             # 2**28 float32: 1 GiB


def digest(array):
    """sha256 of a large array, a window at a time (no copy of the whole)."""
    h = hashlib.sha256()
    for start in range(0, len(array), 2**14):
        h.update(np.ascontiguousarray(array[start:start + 2**14]))
    return h.hexdigest()


@pytest.mark.slow
def test_file_backed_variable_in_flat_memory(tmp_path, anonymous_growth):
    init = vs.random_normal_initializer(seed=5)
    table = vs.init_to_file(init, SHAPE, "float32", tmp_path / "table.npy", progress=False)
    variable = vs.Variable(lambda: table, name="table")   # lives in the file
    assert np.shares_memory(variable.numpy(), table)
    expected = digest(table)
    saver = vs.train.Saver([variable], progress=False)
    grown = anonymous_growth(lambda: saver.save(None, str(tmp_path / "ckpt")))
    assert grown < 2 * out_of_core.WINDOW_BYTES, f"save grew {grown >> 20} MiB"
    table[:] = 0
    grown = anonymous_growth(lambda: saver.restore(None, str(tmp_path / "ckpt")))
    assert grown < 2 * out_of_core.WINDOW_BYTES, f"restore grew {grown >> 20} MiB"
    assert digest(table) == expected


@pytest.mark.parametrize("progress", [True, False])
def test_progress_for_long_saves_and_restores(tmp_path, monkeypatch, tqdm_bars, progress):
    w = vs.get_variable("w", [1000, 10], initializer=vs.ones_initializer())
    saver = vs.train.Saver([w], progress=progress)
    saver.save(None, str(tmp_path / "quick"))
    assert tqdm_bars == []                        # quick work: no bar
    monkeypatch.setattr(out_of_core, "_PROGRESS_AFTER", 0.0)
    saver.save(None, str(tmp_path / "m"))
    saver.restore(None, str(tmp_path / "m"))
    if progress:
        assert [bar.kwargs["desc"] for bar in tqdm_bars] == ["save", "restore"]
        assert all(bar.n == bar.kwargs["total"] >= w.numpy().nbytes for bar in tqdm_bars)
    else:
        assert tqdm_bars == []


def test_progress_of_a_restore_into_another_partitioning_ends_full(tmp_path, monkeypatch,
                                                                    tqdm_bars):
    """Each stored slice overlaps several shards: the bar counts every byte once."""
    emb = vs.get_variable("emb", [12, 5], partitioner=vs.fixed_size_partitioner(4),
                          initializer=vs.random_normal_initializer(seed=1))
    vs.train.Saver([emb], progress=False).save(None, str(tmp_path / "m"))
    monkeypatch.setattr(out_of_core, "_PROGRESS_AFTER", 0.0)
    with vs.Graph().as_default():
        emb3 = vs.get_variable("emb", [12, 5], partitioner=vs.fixed_size_partitioner(3))
        vs.train.Saver([emb3]).restore(None, str(tmp_path / "m"))
    [bar] = tqdm_bars
    assert bar.n == bar.kwargs["total"] == 2 * 12 * 5 * 4     # checked once, copied once
