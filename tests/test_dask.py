"""varshare.dask: the same bits as the in-memory path for any chunking and scheduler."""

import importlib.metadata
import os
import subprocess
import sys

import numpy as np
import pytest

import varshare as vs

da = pytest.importorskip("dask.array")
import dask  # noqa: E402  (after the skip)

SHAPE = (1000, 300)
CHUNKINGS = ["auto", (100, 300), (333, 77), (7, 299), ((500, 500), (1, 299))]
INITIALIZERS = {
    "truncated_normal": lambda: vs.truncated_normal_initializer(stddev=0.02, seed=7),
    "uniform_int": lambda: vs.random_uniform_initializer(-5, 9, seed=3, dtype=vs.int32),
    "glorot_f64": lambda: vs.glorot_normal_initializer(seed=1, dtype=vs.float64),
    "constant": lambda: vs.constant_initializer([1.0, 2.0, 3.0]),
    "zeros": lambda: vs.zeros_initializer(),
}


@pytest.fixture(autouse=True)
def threaded():
    with dask.config.set(scheduler="threads"):
        yield


@pytest.mark.parametrize("chunks", CHUNKINGS, ids=str)
@pytest.mark.parametrize("name", INITIALIZERS)
def test_from_initializer_equals_in_memory(name, chunks):
    init = INITIALIZERS[name]()
    x = vs.dask.from_initializer(init, SHAPE, init.dtype, chunks)
    assert x.shape == SHAPE and x.dtype == init.dtype
    np.testing.assert_array_equal(x.compute(), init(SHAPE, init.dtype))


def test_block_shape_chunks_are_normalized():
    x = vs.dask.from_initializer(vs.zeros_initializer(), SHAPE, chunks=(100, 300))
    assert x.numblocks == (10, 1)


def test_unseeded_initializer_is_one_array():
    x = vs.dask.from_initializer(vs.random_normal_initializer(), (200, 30), chunks=(7, 11))
    whole = x.compute()
    np.testing.assert_array_equal(x.rechunk((50, 30)).compute(), whole)
    np.testing.assert_array_equal(x[13:29, 5:9].compute(), whole[13:29, 5:9])


def test_same_initializer_same_keys():
    init = vs.truncated_normal_initializer(seed=1)
    assert (vs.dask.from_initializer(init, SHAPE, chunks=100).name
            == vs.dask.from_initializer(init, SHAPE, chunks=100).name)


def test_one_kernel_thread_per_task():
    pytest.importorskip("threadpoolctl")
    seen = []
    init = vs.random_uniform_initializer(seed=1)

    def spy(shape, dtype=None, partition_info=None):
        if np.prod(shape):  # not the seed-drawing call of from_initializer itself
            seen.append(vs.random.get_num_threads())
        return init(shape, dtype, partition_info)

    vs.dask.from_initializer(spy, (64, 64), chunks=32).compute()
    assert set(seen) == {1}


def _model():
    vs.set_random_seed(3)
    with vs.variable_scope("model"):
        w = vs.get_variable("w", [40, 30])                                 # default init
        emb = vs.get_variable("emb", [103, 16], partitioner=vs.fixed_size_partitioner(4),
                              initializer=vs.random_normal_initializer())  # unseeded
        b = vs.get_variable("b", initializer=np.arange(3.0))             # a value
    vs.get_variable("other", [2])
    return {"model/w": np.asarray(w), "model/emb": np.asarray(emb), "model/b": np.asarray(b)}


def test_from_graph_gives_initial_values():
    expected = _model()
    arrays = vs.dask.from_graph(scope="model", chunks={"model/emb": (17, 7), "model/w": 9})
    assert sorted(arrays) == sorted(expected)
    for name, x in arrays.items():
        np.testing.assert_array_equal(x.compute(), expected[name], err_msg=name)
    assert arrays["model/emb"].chunks[0][0] == 17      # not the shards' 26 rows


def test_from_variable_without_initializer_wraps_value():
    v = vs.Variable(np.arange(6.0).reshape(2, 3), name="v")
    np.testing.assert_array_equal(vs.dask.from_variable(v).compute(), v.numpy())


def test_tf_mode_variable_wraps_its_value():
    with vs.random_algorithm("tf"):      # shards drawn one by one, as TF: no recipe
        v = vs.get_variable("v", [10, 3], partitioner=vs.fixed_size_partitioner(2),
                            initializer=vs.random_normal_initializer(seed=1))
    np.testing.assert_array_equal(vs.dask.from_variable(v, chunks=4).compute(), np.asarray(v))


def test_import_varshare_never_imports_dask():
    code = ("import sys, varshare; varshare.dask; "
            "assert 'dask' not in sys.modules, 'dask imported'")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("installed, words", [
    ({"dask": "2026.11.0", "distributed": "2021.4.1"}, ["dask 2026.11.0", "distributed 2021.4.1"]),
    ({"dask": "2026.8.0"}, ["needs distributed"]),
])
def test_local_client_names_a_broken_dask_distributed_pair(monkeypatch, installed, words):
    def version(name):
        if name not in installed:
            raise importlib.metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(importlib.metadata, "version", version)
    environ = dict(os.environ)
    with pytest.raises(ImportError) as error:
        with vs.dask.local_client():
            pass
    for word in words + ['pip install "dask[array,distributed]"']:
        assert word in str(error.value)
    assert dict(os.environ) == environ


def test_local_cluster_processes_same_bits(client):
    init = vs.truncated_normal_initializer(stddev=0.02, seed=7)
    expected = init(SHAPE, "float32")
    for chunks in CHUNKINGS[1:]:
        x = vs.dask.from_initializer(init, SHAPE, chunks=chunks)
        np.testing.assert_array_equal(client.compute(x).result(), expected)
    expected_graph = _model()
    arrays = vs.dask.from_graph(chunks=13)
    for name, value in client.gather(client.compute(arrays)).items():
        if name in expected_graph:
            np.testing.assert_array_equal(value, expected_graph[name], err_msg=name)
    assert len({w["pid"] for w in client.run(lambda: {"pid": __import__("os").getpid()})
                .values()}) == 2
