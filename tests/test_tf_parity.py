"""TF 1.x behaviour recorded from TF 2.21 by tools/record_tf_parity.py (tests/data/tf_parity.json):
the default initializer of TF mode, the exception class and text of each mistake, what a
custom getter sees, and a scope's collection helpers."""

import builtins
import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest

import varshare as vs

# The programs TF ran for the record, loaded by path (the tests folder is not a package).
_spec = importlib.util.spec_from_file_location("tf_programs",
                                               Path(__file__).parent / "tf_programs.py")
_programs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_programs)
PROGRAMS = _programs.PROGRAMS
RECORD = json.loads((Path(__file__).parent / "data" / "tf_parity.json").read_text())
DEFAULT = RECORD["default_initializer"]


def tf_mode_graph():
    graph = vs.Graph(random_algorithm="tf")
    with graph.as_default():
        vs.set_random_seed(DEFAULT["graph_seed"])
    return graph


def assert_bits(value, recorded):
    np.testing.assert_array_equal(np.asarray(value, np.float32).view(np.uint32).ravel(),
                                  np.array(recorded["bits"], np.uint32))


def test_tf_mode_default_initializer_is_tfs_glorot_uniform():
    with tf_mode_graph().as_default():
        for name, recorded in DEFAULT["plain"].items():
            variable = vs.get_variable(name, recorded["shape"])
            assert_bits(variable, recorded)


def test_tf_mode_default_initializer_of_a_partitioned_variable():
    recorded = DEFAULT["partitioned"]
    with tf_mode_graph().as_default():
        table = vs.get_variable("table", recorded["shape"],
                                partitioner=vs.fixed_size_partitioner(recorded["num_shards"]))
        for shard, shard_record in zip(table, recorded["shards"], strict=True):
            assert list(shard.shape) == shard_record["shape"]
            assert_bits(shard, shard_record)


def test_default_mode_keeps_unit_scaling():
    vs.set_random_seed(DEFAULT["graph_seed"])
    w = vs.get_variable("w", [3, 4])
    vs.reset_default_graph()
    vs.set_random_seed(DEFAULT["graph_seed"])
    np.testing.assert_array_equal(w, vs.uniform_unit_scaling_initializer()([3, 4]))


MISTAKES = {
    "name_with_space": lambda: vs.get_variable("a b", [1]),
    "name_starting_with_dash": lambda: vs.get_variable("-w", [1]),
    "random_normal_for_int32_variable": lambda: vs.get_variable(
        "i", [2], dtype=vs.int32, initializer=vs.random_normal_initializer()),
    "truncated_normal_for_int32_variable": lambda: vs.get_variable(
        "i", [2], dtype=vs.int32, initializer=vs.truncated_normal_initializer()),
    "random_uniform_for_bool_variable": lambda: vs.get_variable(
        "i", [2], dtype=vs.bool, initializer=vs.random_uniform_initializer()),
    "random_normal_initializer_int32": lambda: vs.random_normal_initializer(dtype=vs.int32),
    "glorot_uniform_for_int32_variable": lambda: vs.get_variable(
        "i", [2, 2], dtype=vs.int32, initializer=vs.glorot_uniform_initializer()),
    "orthogonal_for_int32_variable": lambda: vs.get_variable(
        "i", [2, 2], dtype=vs.int32, initializer=vs.orthogonal_initializer()),
    "uniform_unit_scaling_for_int32_variable": lambda: vs.get_variable(
        "i", [2, 2], dtype=vs.int32, initializer=vs.uniform_unit_scaling_initializer()),
    "variance_scaling_normal_for_int32_variable": lambda: vs.get_variable(
        "i", [2, 2], dtype=vs.int32, initializer=vs.variance_scaling_initializer()),
    "random_normal_for_bool_variable": lambda: vs.get_variable(
        "i", [2], dtype=vs.bool, initializer=vs.random_normal_initializer()),
    "orthogonal_initializer_int32": lambda: vs.orthogonal_initializer(dtype=vs.int32),
    "value_initializer_of_wrong_type": lambda: vs.get_variable("x", initializer={}),
    "partitioner_returning_floats": lambda: vs.get_variable(
        "x", [4, 2], partitioner=lambda shape, dtype: [2.0, 1]),
    "axis_size_partitioner_of_unknown_shape": lambda: vs.variable_axis_size_partitioner(100)(
        shape=(None, 4), dtype=vs.float32),
    "constant_and_explicit_dtype_differ": lambda: vs.get_variable(
        "a", initializer=1.5, dtype=vs.float64),
    "constant_too_long_for_a_shard": lambda: vs.get_variable(
        "x", [5, 2], partitioner=vs.fixed_size_partitioner(2),
        initializer=vs.constant_initializer(list(range(10)))),
}


@pytest.mark.parametrize("case", MISTAKES)
def test_mistake_raises_tfs_class_and_text(case):
    recorded = RECORD["mistakes"][case]
    with vs.Graph(random_algorithm="tf").as_default(), \
            pytest.raises(getattr(builtins, recorded["class"])) as error:
        MISTAKES[case]()
    message = recorded["message"].replace("tf.bfloat16, ", "")   # varshare has no bfloat16
    assert str(error.value) == message
    assert vs.global_variables() == []                          # nothing was created


def test_trainable_on_read_variable_is_accepted_as_in_tf():
    assert RECORD["mistakes"]["on_read_trainable"] is None
    v = vs.get_variable("r", [1], trainable=True,
                        synchronization=vs.VariableSynchronization.ON_READ)
    assert v.trainable and v in vs.trainable_variables()


def test_tf_mode_constant_gives_each_shard_the_value_on_its_own():
    with vs.Graph(random_algorithm="tf").as_default():
        x = vs.get_variable("x", [4, 1], partitioner=vs.fixed_size_partitioner(2),
                            initializer=vs.constant_initializer([1.0, 2.0]))
        assert [shard.numpy().tolist() for shard in x] == RECORD["constant_shards"]
    # The default mode keeps its rule: shards are slices of the unpartitioned variable.
    x = vs.get_variable("x", [4, 1], partitioner=vs.fixed_size_partitioner(2),
                        initializer=vs.constant_initializer([1.0, 2.0]))
    assert np.asarray(x).ravel().tolist() == [1.0, 2.0, 2.0, 2.0]


def test_uniform_unit_scaling_config_is_tfs():
    config = vs.uniform_unit_scaling_initializer(1.5, seed=3).get_config()
    assert config == RECORD["uniform_unit_scaling_config"]


def test_improperly_nested_exit_can_be_retried():
    outer = vs.variable_scope("bb")
    outer.__enter__()
    with vs.variable_scope("cc"):
        with pytest.raises(RuntimeError, match="Improper nesting of variable_scope."):
            outer.__exit__(None, None, None)
    outer.__exit__(None, None, None)                 # as in TF: the retry succeeds
    assert vs.get_variable_scope().name == ""


@pytest.mark.parametrize("name", PROGRAMS)
def test_program_gives_tfs_result(name):
    """Custom getters' trainable, a scope's collection helpers, get_local_variable."""
    assert PROGRAMS[name](vs) == RECORD[name]
