"""Write the TF checkpoints that tests/test_train_tf_files.py reads without TensorFlow.

    python -m venv /tmp/tfv && /tmp/tfv/bin/pip install tensorflow-cpu
    /tmp/tfv/bin/python tools/make_tf_checkpoints.py tests/data/tf_checkpoints

For each entry of tests/tf_checkpoint_models.py: build its variables with
``tf.compat.v1.get_variable`` (partitioned ones with ``fixed_size_partitioner``), load
their fixed values and save them with ``tf.compat.v1.train.Saver`` into ``OUT/<name>/``
(relative paths in the ``checkpoint`` file, no ``.meta`` graph, so the files are small
and do not depend on where they were written).
"""

from __future__ import annotations

import os
import shutil
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from tf_checkpoint_models import CHECKPOINTS, PREFIX, Checkpoint, Var, value  # noqa: E402

v1 = tf.compat.v1


def create(var: Var):
    """The TF variable for ``var`` (a PartitionedVariable if it has shards)."""
    if var.dtype == "string":
        return v1.Variable(value(var), name=var.name, dtype=tf.string)
    partitioner = v1.fixed_size_partitioner(var.shards, var.axis) if var.shards > 1 else None
    return v1.get_variable(var.name, var.shape, getattr(tf, var.dtype),
                           initializer=v1.zeros_initializer(), partitioner=partitioner)


def load(session, var: Var, tf_var, step: int | None) -> None:
    """Give ``tf_var`` (every shard of it) the value of ``var`` at ``step``."""
    full = value(var, step)
    shards = list(tf_var) if hasattr(tf_var, "_get_variable_list") else [tf_var]
    for shard in shards:
        info = shard._save_slice_info
        window = (tuple(slice(o, o + n) for o, n in zip(info.var_offset, info.var_shape))
                  if info else ())
        shard.load(np.asarray(full[window]).astype(shard.dtype.as_numpy_dtype), session)


def write(directory: str, checkpoint: Checkpoint) -> None:
    with tf.Graph().as_default():
        tf_vars = [create(var) for var in checkpoint.variables]
        saver = v1.train.Saver(max_to_keep=checkpoint.max_to_keep, sharded=checkpoint.sharded,
                               save_relative_paths=True)
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            for step in checkpoint.steps:
                for var, tf_var in zip(checkpoint.variables, tf_vars):
                    load(session, var, tf_var, step)
                saver.save(session, os.path.join(directory, PREFIX), global_step=step,
                           write_meta_graph=False)


def main(out: str) -> None:
    for name, checkpoint in CHECKPOINTS.items():
        directory = os.path.join(out, name)
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory)
        write(directory, checkpoint)
        print(name, sorted(os.listdir(directory)))


if __name__ == "__main__":
    main(sys.argv[1])
