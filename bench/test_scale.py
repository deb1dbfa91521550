"""Scaling out, measured in one run: out-of-core files, a Dask LocalCluster, checkpoints.

Run: PYTHONPATH=src python -m pytest bench/test_scale.py --benchmark-enable \
     --benchmark-only -p no:cacheprovider --benchmark-group-by=group \
     --benchmark-columns=min,median,rounds

Groups (compare within a group; extra_info holds GB/s):
  out-of-core   ``init_to_file`` (window by window, written and flushed) vs the same
                initializer in memory: target >= 0.8x, disk permitting.
  dask          a 2**28-element float32 array persisted on a LocalCluster (2 processes x 1
                thread) vs one process with the kernels' own threads.
  checkpoint    ``varshare.io.save``/``restore`` (.npz and .safetensors) vs ``np.save``/``np.load``.
"""

import importlib.util
import os

import numpy as np
import pytest

import varshare as vs

TABLE = (1 << 17, 1024)            # 2**27 float32 = 512 MiB
DASK_SHAPE = (1 << 18, 1024)       # 2**28 float32 = 1 GiB
CHECKPOINT = (1 << 16, 1024)       # 256 MiB of variables
INIT = vs.truncated_normal_initializer(stddev=0.02, seed=1)


def _run(benchmark, fn, nbytes):
    benchmark.pedantic(fn, rounds=3, iterations=1, warmup_rounds=1)
    if benchmark.stats is not None:   # None when benchmarks are disabled (smoke run)
        benchmark.extra_info["GB/s"] = round(nbytes / benchmark.stats.stats.min / 1e9, 3)


# ----------------------------------------------------------------------- out of core

@pytest.mark.benchmark(group="out-of-core")
def test_in_memory(benchmark):
    _run(benchmark, lambda: INIT(TABLE, "float32"), np.prod(TABLE) * 4)


@pytest.mark.benchmark(group="out-of-core")
def test_init_to_file(benchmark, tmp_path):
    path = tmp_path / "table.npy"
    _run(benchmark, lambda: vs.init_to_file(INIT, TABLE, "float32", path, progress=False),
         np.prod(TABLE) * 4)


# ---------------------------------------------------------------------------- dask

@pytest.fixture(scope="module")
def client():
    if importlib.util.find_spec("distributed") is None:   # installed but broken must fail
        pytest.skip("distributed is not installed")
    with vs.dask.local_client() as client:
        yield client


@pytest.mark.benchmark(group="dask")
def test_single_process(benchmark):
    _run(benchmark, lambda: INIT(DASK_SHAPE, "float32"), np.prod(DASK_SHAPE) * 4)


@pytest.mark.benchmark(group="dask")
def test_local_cluster(benchmark, client):
    import distributed
    rounds = iter(range(100))

    def persist():
        # A new key name each round: the workers must not find the last round's blocks.
        x = vs.dask.from_initializer(INIT, DASK_SHAPE, chunks=(1 << 15, 1024),
                                     name=f"round{next(rounds)}").persist()
        distributed.wait(x)
        del x   # released on the workers

    _run(benchmark, persist, np.prod(DASK_SHAPE) * 4)


# ---------------------------------------------------------------------- checkpoints

@pytest.fixture(scope="module")
def variables():
    with vs.Graph().as_default() as graph:
        for i in range(4):
            vs.get_variable(f"layer{i}/w", [CHECKPOINT[0] // 4, CHECKPOINT[1]], initializer=INIT)
    return graph.get_collection(vs.GraphKeys.GLOBAL_VARIABLES)


NBYTES = np.prod(CHECKPOINT) * 4
FORMATS = ["npz", "safetensors"]


def _npy_path(folder, variable):
    return folder / f"{variable.op.name.replace('/', '_')}.npy"


def _np_save_all(folder, variables):
    for v in variables:
        np.save(_npy_path(folder, v), v.numpy())


@pytest.mark.benchmark(group="checkpoint-save")
def test_np_save(benchmark, tmp_path, variables):
    _run(benchmark, lambda: _np_save_all(tmp_path, variables), NBYTES)


@pytest.mark.benchmark(group="checkpoint-save")
@pytest.mark.parametrize("fmt", FORMATS)
def test_io_save(benchmark, tmp_path, variables, fmt):
    if fmt == "safetensors":
        pytest.importorskip("safetensors")
    _run(benchmark, lambda: vs.io.save(tmp_path / f"c.{fmt}", variables), NBYTES)


@pytest.mark.benchmark(group="checkpoint-restore")
def test_np_load(benchmark, tmp_path, variables):
    _np_save_all(tmp_path, variables)

    def load():
        for v in variables:
            v.assign(np.load(_npy_path(tmp_path, v)))
    _run(benchmark, load, NBYTES)


@pytest.mark.benchmark(group="checkpoint-restore")
@pytest.mark.parametrize("fmt", FORMATS)
def test_io_restore(benchmark, tmp_path, variables, fmt):
    if fmt == "safetensors":
        pytest.importorskip("safetensors")
    path = tmp_path / f"c.{fmt}"
    vs.io.save(path, variables)
    _run(benchmark, lambda: vs.io.restore(path, variables), NBYTES)
    assert os.path.getsize(path) >= NBYTES
