"""The variables of the TF checkpoints in tests/data/tf_checkpoints, written once as data.

tools/make_tf_checkpoints.py builds them in TensorFlow and saves them with
``tf.compat.v1.train.Saver``; tests/test_train_tf_files.py builds the same variables in
varshare and compares.  Every value is a fixed function of the variable (``value``), so
both sides hold the same numbers without sharing a file.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np


class Var(NamedTuple):
    """A variable: ``shards`` > 1 partitions it along ``axis`` (fixed_size_partitioner)."""

    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    shards: int = 1
    axis: int = 0


class Checkpoint(NamedTuple):
    """A directory of checkpoints: one save per step (None: no global_step suffix)."""

    variables: tuple[Var, ...]
    steps: tuple[int | None, ...] = (None,)
    max_to_keep: int = 5
    sharded: bool = False


CHECKPOINTS = {
    "plain": Checkpoint((Var("dense/kernel", (3, 4)), Var("dense/bias", (4,)),
                         Var("scale", ()))),
    "partitioned": Checkpoint((Var("emb", (10, 3), shards=4, axis=0),
                               Var("proj", (3, 10), "float64", shards=3, axis=1),
                               Var("out/bias", (5,)))),
    "global_step": Checkpoint((Var("global_step", (), "int64"), Var("w", (2, 3))), steps=(7,)),
    "max_to_keep": Checkpoint((Var("global_step", (), "int64"), Var("w", (4,))),
                              steps=(1, 2, 3), max_to_keep=2),
    "dtypes": Checkpoint(tuple(Var(f"v_{d}", (2, 5), d) for d in (
        "float16", "bfloat16", "float32", "float64", "int32", "int64", "bool"))),
    "strings": Checkpoint((Var("names", (3,), "string"), Var("w", (2, 2)))),
    "sharded": Checkpoint((Var("emb", (8, 2), shards=2), Var("w", (3,))), sharded=True),
}
PREFIX = "model.ckpt"


def value(var: Var, step: int | None = None) -> np.ndarray:
    """The value of ``var`` when saved at ``step``: small exact numbers of its dtype
    (numpy dtypes by name; bfloat16 is returned as float32, strings as bytes)."""
    n = math.prod(var.shape)
    base = np.arange(n, dtype=np.int64) + (step or 0)
    if var.name == "global_step":
        flat = np.full(n, step or 0)
    elif var.dtype == "bool":
        flat = base % 3 == 0
    elif var.dtype == "string":
        flat = np.array([b"s%d" % i for i in base], dtype=object)
    elif var.dtype == "int64":
        flat = base * (1 << 33) - 5
    elif var.dtype == "int32":
        flat = base * 1000 - 7
    else:
        flat = (base - n // 2) * 0.25 + 0.5
    dtype = {"bfloat16": "float32", "string": object}.get(var.dtype, var.dtype)
    return np.asarray(flat, dtype=dtype).reshape(var.shape)
