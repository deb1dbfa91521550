"""varshare.dask.to_tf_checkpoint: Dask arrays written block by block as one TF checkpoint."""

import glob
import hashlib
import os
import subprocess

import numpy as np
import pytest

import varshare as vs

da = pytest.importorskip("dask.array")
pytest.importorskip("crc32c")
import dask  # noqa: E402  (after the skip)



@pytest.fixture(autouse=True)
def threaded():
    with dask.config.set(scheduler="threads"):
        yield


def files(tmp_path):
    return sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "*")))


@pytest.mark.parametrize("chunks", [(100, 30), (333, 7), ((600, 400), (1, 29)), (1000, 30)],
                         ids=str)
def test_blocks_read_back_as_whole_tensors(tmp_path, chunks):
    init = vs.truncated_normal_initializer(stddev=0.02, seed=7)
    arrays = {"emb/table": vs.dask.from_initializer(init, (1000, 30), chunks=chunks),
              "ids": da.arange(10, dtype=np.int64, chunks=3),
              "flags": da.from_array(np.arange(7) % 2 == 0, chunks=7),
              "step": da.from_array(np.int64(42))}
    prefix = vs.dask.to_tf_checkpoint(tmp_path / "model", arrays)
    assert prefix == str(tmp_path / "model")
    blocks = sum(a.npartitions for a in arrays.values())
    assert files(tmp_path) == ["model.data-%05d-of-%05d" % (k, blocks) for k in range(blocks)] + [
        "model.index"]
    assert vs.train.list_variables(prefix) == [("emb/table", [1000, 30]), ("flags", [7]),
                                               ("ids", [10]), ("step", [])]
    reader = vs.train.load_checkpoint(prefix)
    np.testing.assert_array_equal(reader.get_tensor("emb/table"), init((1000, 30)))
    np.testing.assert_array_equal(reader.get_tensor("ids"), np.arange(10))
    np.testing.assert_array_equal(reader.get_tensor("flags"), np.arange(7) % 2 == 0)
    assert reader.get_tensor("step") == 42


def test_restores_into_any_partitioning(tmp_path):
    init = vs.random_uniform_initializer(-1, 1, seed=2)
    prefix = vs.dask.to_tf_checkpoint(
        tmp_path / "m", {"emb": vs.dask.from_initializer(init, (90, 6), chunks=(25, 4))})
    emb = vs.get_variable("emb", [90, 6], initializer=vs.zeros_initializer(),
                          partitioner=vs.fixed_size_partitioner(4))
    vs.train.Saver([emb]).restore(None, prefix)
    np.testing.assert_array_equal(np.concatenate([p.numpy() for p in emb]), init((90, 6)))


@pytest.mark.parametrize("arrays, error, words", [
    ({"w": np.zeros(3)}, TypeError, "'w' must be a dask array, got ndarray"),
    ({"s": da.from_array(np.array(["a", "b"]))}, ValueError, "no TF checkpoint encoding"),
    ({"": da.zeros(3)}, ValueError, "checkpoint names must be non-empty strings"),
])
def test_bad_arrays_write_nothing(tmp_path, arrays, error, words):
    with pytest.raises(error, match=words):
        vs.dask.to_tf_checkpoint(tmp_path / "m", {"ok": da.zeros(4), **arrays})
    assert files(tmp_path) == []


def test_missing_directory(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        vs.dask.to_tf_checkpoint(tmp_path / "nowhere" / "m", {"w": da.zeros(3)})


def test_a_failing_block_leaves_no_file(tmp_path):
    def fail_on_last(block, block_info=None):
        if block_info[None]["chunk-location"] == (3,):
            raise RuntimeError("worker lost")
        return block

    broken = da.zeros(40, chunks=10).map_blocks(fail_on_last, dtype=float)
    with pytest.raises(RuntimeError, match="worker lost"):
        vs.dask.to_tf_checkpoint(tmp_path / "m", {"a": da.ones(5, chunks=2), "b": broken})
    assert files(tmp_path) == []


# ---------------------------------------------------------------- a 1 GiB table

BIG = (2**18, 2**10)            # 2**28 float32
INIT = vs.random_normal_initializer(stddev=0.05, seed=11)
TF_READ = """
import hashlib, sys
import tensorflow as tf
value = tf.train.load_checkpoint(sys.argv[1]).get_tensor("table")
print(value.dtype, value.shape, hashlib.sha256(value.tobytes()).hexdigest())
"""


@pytest.fixture(scope="module")
def expected():
    value = INIT(BIG)
    return value, hashlib.sha256(value.tobytes()).hexdigest()


@pytest.mark.slow
@pytest.mark.parametrize("scheduler", ["threads", "cluster"])
def test_big_table_with_flat_client_memory(tmp_path, expected, scheduler, request,
                                           anonymous_growth, tf_python):
    table = vs.dask.from_initializer(INIT, BIG, chunks=(2**15, 2**10))   # 8 blocks of 128 MiB
    prefix = str(tmp_path / "big")
    if scheduler == "cluster":
        client = request.getfixturevalue("client")
        with dask.config.set(scheduler=client.get):
            growth = anonymous_growth(lambda: vs.dask.to_tf_checkpoint(prefix, {"table": table}))
    else:
        growth = anonymous_growth(lambda: vs.dask.to_tf_checkpoint(prefix, {"table": table}))
    assert growth < 512 * 2**20, f"the client grew by {growth / 2**20:.0f} MiB"
    assert len(glob.glob(prefix + ".data-*")) == 8
    np.testing.assert_array_equal(vs.train.load_checkpoint(prefix).get_tensor("table"),
                                  expected[0])
    if tf_python is not None:
        tf_says = subprocess.run([tf_python, "-c", TF_READ, prefix], capture_output=True,
                                 text=True, check=True).stdout.split()
        assert tf_says == ["float32", "(262144,", "1024)", expected[1]]
