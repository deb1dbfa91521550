"""streams="by_name": an unseeded variable's values follow from the graph seed and its name."""

import contextlib
import subprocess
import sys

import numpy as np
import pytest

import varshare as vs

SEED = 1234


def build(names, *, streams="by_name", seed=SEED, **kwargs):
    """Create variables ``names`` ("scope/var") in a fresh graph; their values by name."""
    with vs.Graph(streams=streams).as_default():
        vs.set_random_seed(seed)
        values = {}
        for full_name in names:
            *scopes, name = full_name.split("/")
            with vs.variable_scope("/".join(scopes)) if scopes else contextlib.nullcontext():
                values[full_name] = vs.get_variable(
                    name, [6, 5], initializer=vs.truncated_normal_initializer(), **kwargs).numpy()
        return values


def test_name_stream_known_answers():
    """The derivation is part of the determinism contract: these values never change."""
    assert vs.name_stream("dense/kernel") == 15574025943973342933
    assert vs.name_stream("") == 8764428765533970582
    assert vs.name_stream("emb/ü") == 8163239403640173534


def test_stream_is_the_name_stream_of_the_full_name():
    values = build(["layer/w"])
    expected = vs.random.truncated_normal([6, 5], SEED, stream=vs.name_stream("layer/w"))
    np.testing.assert_array_equal(values["layer/w"], expected)


@pytest.mark.parametrize("edited", [
    ["a/w", "c/w"],                              # remove a variable
    ["new/w", "a/w", "b/w", "extra/v", "c/w"],   # insert variables before and between
    ["c/w", "b/w", "a/w"],                       # reverse the order
])
def test_editing_the_model_changes_no_other_variable(edited):
    original = build(["a/w", "b/w", "c/w"])
    changed = build(edited)
    for name in set(original) & set(changed):
        np.testing.assert_array_equal(changed[name], original[name], err_msg=name)


def test_counter_rule_stays_the_default():
    original = build(["a/w", "b/w"], streams="counter")
    changed = build(["new/w", "a/w", "b/w"], streams="counter")
    assert not np.array_equal(changed["a/w"], original["a/w"])
    np.testing.assert_array_equal(changed["new/w"], original["a/w"])


def test_different_graph_seeds_differ():
    assert not np.array_equal(build(["w"])["w"], build(["w"], seed=SEED + 1)["w"])


def test_partitioned_variable_equals_the_whole():
    whole = build(["p/w"])["p/w"]
    shards = build(["p/w"], partitioner=vs.fixed_size_partitioner(3))["p/w"]
    np.testing.assert_array_equal(shards, whole)


def test_explicit_op_seed_keeps_its_stream():
    with vs.Graph(streams="by_name").as_default():
        vs.set_random_seed(SEED)
        w = vs.get_variable("w", [4], initializer=vs.random_normal_initializer(seed=9))
    np.testing.assert_array_equal(w.numpy(), vs.random.normal([4], SEED, stream=9))


def test_initializer_outside_a_variable_keeps_the_counter():
    with vs.Graph(streams="by_name").as_default() as graph:
        vs.set_random_seed(SEED)
        first = vs.random_normal_initializer()([3])
        vs.get_variable("w", [3], initializer=vs.random_normal_initializer())
        second = vs.random_normal_initializer()([3])
        assert graph.seeds.op_count == 2
    np.testing.assert_array_equal(first, vs.random.normal([3], SEED, stream=0))
    np.testing.assert_array_equal(second, vs.random.normal([3], SEED, stream=1))


def test_template_values_do_not_depend_on_call_order():
    def dense(x):
        return x @ vs.get_variable("w", [5, 5], initializer=vs.glorot_uniform_initializer())

    def run(template_first):
        with vs.Graph().as_default():
            vs.set_random_seed(SEED, streams="by_name")
            template = vs.make_template("block", dense)
            if template_first:
                template(np.ones((1, 5), np.float32))
            vs.get_variable("other", [5, 5], initializer=vs.glorot_uniform_initializer())
            template(np.ones((1, 5), np.float32))
            return {v.name: v.numpy() for v in vs.global_variables()}

    first, last = run(True), run(False)
    assert first.keys() == last.keys() == {"block/w:0", "other:0"}
    for name in first:
        np.testing.assert_array_equal(first[name], last[name], err_msg=name)


def test_tf_mode_reduces_the_name_stream_as_tf_reduces_seeds():
    with vs.Graph(random_algorithm="tf", streams="by_name").as_default():
        vs.set_random_seed(SEED)
        w = vs.get_variable("w", [4], initializer=vs.random_uniform_initializer())
    expected = vs.random.uniform([4], SEED, stream=vs.name_stream("w") % (2**31 - 1),
                                 algorithm="tf")
    np.testing.assert_array_equal(w.numpy(), expected)


def test_set_random_seed_keeps_the_rule_unless_given():
    with vs.Graph(streams="by_name").as_default() as graph:
        vs.set_random_seed(1)
        assert graph.seeds.streams == "by_name"
        vs.set_random_seed(2, streams="counter")
        assert graph.seeds.streams == "counter"


def test_bad_rule_is_refused_and_changes_nothing():
    with vs.Graph().as_default() as graph:
        vs.set_random_seed(5)
        with pytest.raises(ValueError, match="streams must be 'counter' or 'by_name', got 'name'"):
            vs.set_random_seed(6, streams="name")
        assert (graph.seed, graph.seeds.streams) == (5, "counter")
    with pytest.raises(ValueError, match="streams must be"):
        vs.Graph(streams=None)


PROGRAM = """
import varshare as vs
vs.set_random_seed(77, streams="by_name")
with vs.variable_scope("enc"):
    w = vs.get_variable("w", [64, 32], partitioner=vs.fixed_size_partitioner(3))
print(w.numpy().tobytes().hex())
"""


def test_two_processes_agree():
    runs = [subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                           check=True).stdout for _ in range(2)]
    assert runs[0] == runs[1]
    with vs.Graph().as_default():
        vs.set_random_seed(77, streams="by_name")
        with vs.variable_scope("enc"):
            w = vs.get_variable("w", [64, 32])
    assert runs[0].strip() == w.numpy().tobytes().hex()  # and equals this process's
