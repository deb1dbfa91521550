"""TF itself reads varshare's checkpoints and writes ones varshare reads: a TF 2.x subprocess,
run when TensorFlow is importable here or VARSHARE_TF_PYTHON names a Python that has it."""

import subprocess
import textwrap

import ml_dtypes
import numpy as np
import pytest

import varshare as vs
from varshare._checkpoint.bundle import ShardWriter, merge_entries, write_index


# In TF: read varshare's checkpoint with load_checkpoint and with a Saver into emb split in
# 3 along axis 1 (varshare saved 4 along axis 0); then save emb split in 2 along axis 0
# and the rest, for varshare to read; and read a table written as two data shards.
TF_PROGRAM = textwrap.dedent("""
    import sys
    import numpy as np
    import tensorflow as tf
    v1 = tf.compat.v1
    ours, theirs, out, merged = sys.argv[1:5]
    reader = tf.train.load_checkpoint(ours)
    read = {name: reader.get_tensor(name) for name in reader.get_variable_to_shape_map()}
    dtypes = {name: dtype.name for name, dtype in reader.get_variable_to_dtype_map().items()}
    with tf.Graph().as_default():
        zeros = v1.zeros_initializer()
        emb = v1.get_variable("emb", [12, 5], initializer=zeros,
                              partitioner=v1.fixed_size_partitioner(3, axis=1))
        rest = {name: v1.get_variable(name, read[name].shape, tf.as_dtype(dtypes[name]),
                                      initializer=zeros)
                for name in read if name != "emb"}
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            v1.train.Saver().restore(session, ours)
            restored = session.run({"emb": emb.as_tensor(), **rest})
    with tf.Graph().as_default():
        emb = v1.get_variable("emb", [12, 5], partitioner=v1.fixed_size_partitioner(2))
        scale = v1.get_variable("scale", [], tf.float64, initializer=v1.constant_initializer(-2))
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            for shard in emb:
                start = shard._save_slice_info.var_offset[0]
                shard.load(np.arange(60.0).reshape(12, 5)[start:start + 6] * 3, session)
            v1.train.Saver().save(session, theirs, write_meta_graph=False)
    np.savez(out, **{"read/" + k: np.asarray(v).astype(np.float64) for k, v in read.items()},
             **{"restored/" + k: np.asarray(v).astype(np.float64) for k, v in restored.items()},
             dtypes=np.array(sorted(dtypes.items())),
             merged=tf.train.load_checkpoint(merged).get_tensor("table"))
    """)


def _model():
    emb = vs.get_variable("emb", [12, 5], partitioner=vs.fixed_size_partitioner(4),
                          initializer=vs.random_normal_initializer(seed=3))
    return {"emb": emb,
            "dense/kernel": vs.get_variable("dense/kernel", [5, 2], vs.float16,
                                            initializer=vs.random_uniform_initializer(seed=1)),
            "half/b": vs.Variable(np.linspace(-2, 2, 6).astype(ml_dtypes.bfloat16),
                                  name="half/b"),
            "global_step": vs.get_variable("global_step", [], vs.int64,
                                           initializer=vs.constant_initializer(2**40)),
            "mask": vs.get_variable("mask", [4], vs.bool, initializer=vs.ones_initializer())}


def _two_shards(path):
    """A table written as two data files by two shard writers, then merged (the route of
    a Dask writer)."""
    path.parent.mkdir()
    table = np.arange(40, dtype=np.float32).reshape(10, 4)
    entries = []
    for shard_id, box in enumerate([((0, 6), (0, 4)), ((6, 10), (0, 4))]):
        with ShardWriter(str(path), shard_id, 2) as writer:
            writer.add_slice("table", table.shape, box, table[slice(*box[0])])
        entries.append(writer.entries)
    write_index(str(path), merge_entries(entries), num_shards=2)
    return str(path), table


def test_tf_reads_ours_and_we_read_tfs(tmp_path, tf_python):
    if tf_python is None:
        pytest.skip("TensorFlow is not installed (or set VARSHARE_TF_PYTHON to a Python "
                    "that has it)")
    model = {name: np.asarray(v) for name, v in _model().items()}
    ours = vs.train.Saver(progress=False).save(None, tmp_path / "ours" / "model.ckpt")
    theirs = tmp_path / "theirs" / "model.ckpt"
    merged, table = _two_shards(tmp_path / "merged" / "table")
    run = subprocess.run([tf_python, "-c", TF_PROGRAM, ours, str(theirs),
                          str(tmp_path / "tf.npz"), merged],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    with np.load(tmp_path / "tf.npz") as tf_values:
        np.testing.assert_array_equal(tf_values["merged"], table)
        assert dict(tf_values["dtypes"].tolist()) == {
            "emb": "float32", "dense/kernel": "float16", "half/b": "bfloat16",
            "global_step": "int64", "mask": "bool"}
        for name, value in model.items():
            np.testing.assert_array_equal(tf_values["read/" + name], value.astype(np.float64))
            np.testing.assert_array_equal(tf_values["restored/" + name],
                                          value.astype(np.float64))
    expected = np.arange(60.0, dtype=np.float32).reshape(12, 5) * 3
    assert vs.train.list_variables(theirs.parent) == [("emb", [12, 5]), ("scale", [])]
    np.testing.assert_array_equal(vs.train.load_checkpoint(theirs).get_tensor("emb"), expected)
    with vs.Graph().as_default():
        emb = vs.get_variable("emb", [12, 5], partitioner=vs.fixed_size_partitioner(5, axis=1))
        scale = vs.get_variable("scale", [], vs.float64)
        vs.train.Saver(progress=False).restore(None, theirs)
        np.testing.assert_array_equal(np.asarray(emb), expected)
        assert scale.numpy() == -2
