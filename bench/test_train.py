"""TF checkpoints (varshare.train) against np.save / np.load of the same 1 GiB array, one run.

Run: PYTHONPATH=src python -m pytest bench/test_train.py --benchmark-enable --benchmark-only \
     --benchmark-group-by=group -p no:cacheprovider

Each group holds varshare and its NumPy peer, so ``bench/compare.py`` reads the ratio; the
save side includes the crc32c of every byte, the restore side its check. ``test_tensorflow_*``
times TF's own reader on varshare's file (skipped without TensorFlow).  Every save round
starts from a ``sync``: otherwise a round pays for the write-back of the previous ones.
"""

import os

import numpy as np
import pytest

import varshare as vs

SHAPE = (2**18, 1024)       # 2**28 float32: 1 GiB
NAME = "table"
ROUNDS = dict(rounds=3, iterations=1, warmup_rounds=1)
SAVE_ROUNDS = dict(ROUNDS, setup=os.sync)


@pytest.fixture(scope="module")
def variable():
    with vs.Graph().as_default() as graph:
        table = vs.get_variable(NAME, SHAPE, initializer=vs.random_uniform_initializer(seed=1))
        yield graph, table


@pytest.fixture(scope="module")
def saved(variable, tmp_path_factory):
    graph, table = variable
    with graph.as_default():
        prefix = vs.train.Saver([table]).save(None, str(tmp_path_factory.mktemp("ckpt") / "m"),
                                              write_state=False)
    npy = tmp_path_factory.mktemp("npy") / "table.npy"
    np.save(npy, table.numpy())
    return prefix, npy


def _info(benchmark, group, impl):
    benchmark.group = group
    benchmark.extra_info.update(impl=impl, threads=1, bytes=int(np.prod(SHAPE)) * 4)


def _gbps(benchmark):
    benchmark.extra_info["GB/s"] = benchmark.extra_info["bytes"] / benchmark.stats.stats.min / 1e9


def test_varshare_save(benchmark, variable, tmp_path):
    graph, table = variable
    _info(benchmark, "save-1GiB", "varshare")
    with graph.as_default():
        saver = vs.train.Saver([table])
        benchmark.pedantic(lambda: saver.save(None, str(tmp_path / "m"), write_state=False),
                           **SAVE_ROUNDS)
    _gbps(benchmark)


def test_numpy_save(benchmark, variable, tmp_path):
    _, table = variable
    _info(benchmark, "save-1GiB", "numpy")
    benchmark.pedantic(lambda: np.save(tmp_path / "t.npy", table.numpy()), **SAVE_ROUNDS)
    _gbps(benchmark)


def test_varshare_restore(benchmark, variable, saved):
    graph, table = variable
    _info(benchmark, "restore-1GiB", "varshare")
    with graph.as_default():
        saver = vs.train.Saver([table])
        benchmark.pedantic(saver.restore, (None, saved[0]), **ROUNDS)
    _gbps(benchmark)


def test_numpy_restore(benchmark, saved):
    _info(benchmark, "restore-1GiB", "numpy")
    benchmark.pedantic(np.load, (saved[1],), **ROUNDS)
    _gbps(benchmark)


def test_varshare_get_tensor(benchmark, saved):
    _info(benchmark, "get_tensor-1GiB", "varshare")
    reader = vs.train.load_checkpoint(saved[0])
    benchmark.pedantic(reader.get_tensor, (NAME,), **ROUNDS)
    _gbps(benchmark)


def test_tensorflow_get_tensor(benchmark, saved):
    tf = pytest.importorskip("tensorflow")
    _info(benchmark, "get_tensor-1GiB", "tensorflow")
    reader = tf.train.load_checkpoint(saved[0])
    benchmark.pedantic(reader.get_tensor, (NAME,), **ROUNDS)
    _gbps(benchmark)
