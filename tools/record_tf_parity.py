"""Record TensorFlow 1.x behaviour that varshare must reproduce, for tests that need no TF.

    python -m venv /tmp/tfv && /tmp/tfv/bin/pip install tensorflow-cpu
    /tmp/tfv/bin/python tools/record_tf_parity.py tests/data/tf_parity.json

Runs ``tf.compat.v1`` graph-mode programs and writes what they give: the values of variables
created without an initializer (TF's default, glorot uniform), plain and partitioned, as
float32 bit patterns; which exception class and message each mistake raises; what a custom
getter receives as ``trainable``; what a scope's collection helpers return.
"""

from __future__ import annotations

import json
import os
import sys

import numpy as np
import tensorflow as tf

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from tf_programs import PROGRAMS  # noqa: E402  (written once for TF and varshare)

v1 = tf.compat.v1
GRAPH_SEED = 7


def bits(value: np.ndarray) -> list:
    """float32 values as their uint32 bit patterns (exact in JSON)."""
    return np.asarray(value, np.float32).view(np.uint32).ravel().tolist()


def evaluate(build):
    """Run ``build()`` in a fresh seeded graph; return the values of what it returns."""
    with tf.Graph().as_default():
        v1.set_random_seed(GRAPH_SEED)
        result = build()
        with v1.Session() as session:
            session.run(v1.global_variables_initializer())
            return session.run(result)


def default_initializer() -> dict:
    def plain():
        return [v1.get_variable("w", [3, 4]), v1.get_variable("b", [5])]

    def partitioned():
        table = v1.get_variable("table", [10, 4], partitioner=v1.fixed_size_partitioner(3))
        return list(table)

    w, b = evaluate(plain)
    shards = evaluate(partitioned)
    return {"graph_seed": GRAPH_SEED,
            "plain": {"w": {"shape": [3, 4], "bits": bits(w)},
                      "b": {"shape": [5], "bits": bits(b)}},
            "partitioned": {"shape": [10, 4], "num_shards": 3,
                            "shards": [{"shape": list(s.shape), "bits": bits(s)} for s in shards]}}


def raised(build) -> dict | None:
    """The class and message of what ``build()`` raises in a fresh graph, or None."""
    with tf.Graph().as_default():
        try:
            build()
        except Exception as error:   # record whatever TF raises
            return {"class": type(error).__name__, "message": str(error)}
    return None


def mistakes() -> dict:
    return {
        "name_with_space": raised(lambda: v1.get_variable("a b", [1])),
        "name_starting_with_dash": raised(lambda: v1.get_variable("-w", [1])),
        "random_normal_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2], dtype=tf.int32, initializer=v1.random_normal_initializer())),
        "truncated_normal_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2], dtype=tf.int32, initializer=v1.truncated_normal_initializer())),
        "random_uniform_for_bool_variable": raised(lambda: v1.get_variable(
            "i", [2], dtype=tf.bool, initializer=v1.random_uniform_initializer())),
        "random_normal_initializer_int32": raised(
            lambda: v1.random_normal_initializer(dtype=tf.int32)),
        "glorot_uniform_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2, 2], dtype=tf.int32, initializer=v1.glorot_uniform_initializer())),
        "orthogonal_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2, 2], dtype=tf.int32, initializer=v1.orthogonal_initializer())),
        "uniform_unit_scaling_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2, 2], dtype=tf.int32, initializer=v1.uniform_unit_scaling_initializer())),
        "variance_scaling_normal_for_int32_variable": raised(lambda: v1.get_variable(
            "i", [2, 2], dtype=tf.int32, initializer=v1.variance_scaling_initializer())),
        "random_normal_for_bool_variable": raised(lambda: v1.get_variable(
            "i", [2], dtype=tf.bool, initializer=v1.random_normal_initializer())),
        "glorot_uniform_initializer_int32": raised(
            lambda: v1.glorot_uniform_initializer(dtype=tf.int32)),
        "random_uniform_initializer_bool": raised(
            lambda: v1.random_uniform_initializer(dtype=tf.bool)),
        "orthogonal_initializer_int32": raised(lambda: v1.orthogonal_initializer(dtype=tf.int32)),
        "value_initializer_of_wrong_type": raised(lambda: v1.get_variable("x", initializer={})),
        "partitioner_returning_floats": raised(lambda: v1.get_variable(
            "x", [4, 2], partitioner=lambda shape, dtype: [2.0, 1])),
        "axis_size_partitioner_of_unknown_shape": raised(
            lambda: v1.variable_axis_size_partitioner(100)(
                shape=tf.TensorShape([None, 4]), dtype=tf.float32)),
        "constant_and_explicit_dtype_differ": raised(
            lambda: v1.get_variable("a", initializer=1.5, dtype=tf.float64)),
        "constant_too_long_for_a_shard": raised(lambda: v1.get_variable(
            "x", [5, 2], partitioner=v1.fixed_size_partitioner(2),
            initializer=v1.constant_initializer(list(range(10))))),
        "on_read_trainable": raised(lambda: v1.get_variable(
            "r", [1], trainable=True, synchronization=tf.VariableSynchronization.ON_READ)),
    }


def constant_shards() -> list:
    """A list constant on a partitioned variable: TF gives each shard the value on its own."""
    def build():
        return list(v1.get_variable("x", [4, 1], partitioner=v1.fixed_size_partitioner(2),
                                    initializer=v1.constant_initializer([1.0, 2.0])))
    return [s.tolist() for s in evaluate(build)]


def main(path: str) -> None:
    v1.disable_eager_execution()
    record = {"tensorflow": tf.__version__, "default_initializer": default_initializer(),
              "mistakes": mistakes(), "constant_shards": constant_shards(),
              "uniform_unit_scaling_config": v1.uniform_unit_scaling_initializer(
                  1.5, seed=3).get_config()}
    for name, program in PROGRAMS.items():
        with tf.Graph().as_default():
            record[name] = program(v1)
    with open(path, "w") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(json.dumps({k: v for k, v in record.items() if k != "default_initializer"}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
