"""Graphs, collections, name scopes, dtypes and plain Variables."""

import threading

import numpy as np
import pytest

import varshare as vs


def const(value):
    return lambda shape, dtype=None, partition_info=None: np.full(shape, value, dtype)


# Collections.

def test_collections_are_lists_in_insertion_order(graph):
    vs.add_to_collection("c", 1)
    vs.add_to_collection("c", 1)
    assert vs.get_collection("c") == [1, 1]
    assert vs.get_collection("missing") == []
    assert "missing" not in graph.get_all_collection_keys()


def test_get_collection_returns_a_copy_and_ref_the_list(graph):
    vs.add_to_collection("c", 1)
    vs.get_collection("c").append(2)
    assert vs.get_collection("c") == [1]
    vs.get_collection_ref("c").append(2)
    assert vs.get_collection("c") == [1, 2]
    assert vs.get_collection_ref("new") == [] and "new" in graph.get_all_collection_keys()
    graph.clear_collection("new")
    assert "new" not in graph.get_all_collection_keys()


def test_add_to_collections_ignores_duplicate_keys():
    vs.add_to_collections(["a", "b", "a"], 7)
    vs.add_to_collections("c", 8)
    assert (vs.get_collection("a"), vs.get_collection("b"), vs.get_collection("c")) == (
        [7], [7], [8])


def test_scope_filter_is_re_match_on_names():
    with vs.variable_scope("ab"):
        ab = vs.get_variable("v", [1], initializer=const(0))
    with vs.variable_scope("abc"):
        abc = vs.get_variable("v", [1], initializer=const(0))
    vs.add_to_collection(vs.GraphKeys.GLOBAL_VARIABLES, "no name attribute")
    assert vs.get_collection(vs.GraphKeys.GLOBAL_VARIABLES, scope="ab") == [ab, abc]
    assert vs.global_variables("ab/") == [ab]
    assert vs.global_variables(".*c/v") == [abc]
    assert len(vs.global_variables()) == 3


def test_graph_keys_variables_is_global_variables():
    assert vs.GraphKeys.VARIABLES == vs.GraphKeys.GLOBAL_VARIABLES == "variables"


# Names.

def test_unique_name_counts_case_insensitively(graph):
    assert [graph.unique_name(n) for n in ("op", "op", "OP", "op_1", "op")] == [
        "op", "op_1", "OP_2", "op_1_1", "op_3"]


def test_unique_name_without_marking(graph):
    assert graph.unique_name("x", mark_as_used=False) == "x"
    assert graph.unique_name("x") == "x"
    assert graph.unique_name("x", mark_as_used=False) == "x_1"
    assert graph.unique_name("x") == "x_1"


def test_name_scopes_are_uniquified_and_nested(graph):
    with vs.name_scope("a") as a:
        assert a == "a/" and graph.get_name_scope() == "a"
        with vs.name_scope("b") as b:
            assert b == "a/b/"
        assert graph.unique_name("op") == "a/op"
    with vs.name_scope("a") as a1:
        assert a1 == "a_1/"
        with vs.name_scope("a/") as again:  # A trailing slash re-enters as is.
            assert again == "a/" and graph.get_name_scope() == "a"
        with vs.name_scope(None) as root:
            assert root == "" and graph.get_name_scope() == ""
    assert graph.get_name_scope() == ""


def test_name_scope_default_name_and_validation():
    with vs.name_scope(None, "Default") as scope:
        assert scope == "Default/"
        with vs.name_scope("_inner") as inner:  # A leading '_' is fine when nested.
            assert inner == "Default/_inner/"
    with pytest.raises(ValueError, match="not a valid root scope name"):
        with vs.name_scope("_root"):
            pass
    with pytest.raises(ValueError, match="At least one of name and default_name"):
        with vs.name_scope(None, values=[1]):
            pass


# Default graphs.

def test_as_default_nests_and_restores():
    outer = vs.get_default_graph()
    g1, g2 = vs.Graph(), vs.Graph()
    with g1.as_default() as entered:
        assert entered is g1 and vs.get_default_graph() is g1
        with g2.as_default():
            v = vs.get_variable("v", [1], initializer=const(1))
            assert v.graph is g2
        assert vs.get_default_graph() is g1
        with pytest.raises(AssertionError, match="nested graphs"):
            vs.reset_default_graph()
    assert vs.get_default_graph() is outer
    assert vs.global_variables() == [] and g2.get_collection("variables") == [v]


def test_reset_default_graph_gives_a_new_graph():
    old = vs.get_default_graph()
    vs.reset_default_graph()
    assert vs.get_default_graph() is not old


def test_default_graph_and_scopes_are_per_thread():
    main = vs.get_default_graph()
    seen = {}

    def worker():
        seen["graph"] = vs.get_default_graph()
        seen["scope"] = vs.get_variable_scope().name

    with vs.variable_scope("main_thread"):
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert seen["graph"] is not main and seen["scope"] == ""


def test_set_random_seed_is_per_graph(graph):
    assert graph.seed is None and graph.seeds.op_count == 0
    vs.set_random_seed(42)
    assert graph.seed == 42
    assert vs.Graph().seed is None


# Dtypes.

def test_dtypes_are_numpy_dtypes():
    assert vs.float32 == np.float32 and vs.bool == np.bool_ and vs.int64 == np.int64
    assert vs.as_dtype(float) == np.float32 and vs.as_dtype(int) == np.int32
    assert vs.as_dtype("float16") == np.float16 and vs.as_dtype(np.float64) == np.float64
    with pytest.raises(TypeError, match="Cannot convert"):
        vs.as_dtype("no such type")


# Variables.

def test_variable_names_are_unique_graph_wide():
    assert [vs.Variable(1.0, name="v").name for _ in range(2)] == ["v:0", "v_1:0"]
    assert vs.Variable(1.0).name == "Variable:0"
    with vs.name_scope("s"):
        v = vs.Variable(1.0, name="w")
    assert (v.name, v.op.name) == ("s/w:0", "s/w")


def test_variable_dtype_inference_follows_tf():
    assert vs.Variable(1.5).dtype == np.float32
    assert vs.Variable(3).dtype == np.int32
    assert vs.Variable(2**40).dtype == np.int64
    assert vs.Variable([1.0, 2.0]).dtype == np.float32
    assert vs.Variable(np.zeros(2)).dtype == np.float64  # Arrays keep their dtype.
    assert vs.Variable(1, dtype=vs.float64).dtype == np.float64


def test_variable_collections_and_trainable():
    v = vs.Variable(1.0)
    local = vs.Variable(1.0, trainable=False, collections=[vs.GraphKeys.LOCAL_VARIABLES])
    mine = vs.Variable(1.0, collections=["mine"])
    assert vs.global_variables() == [v]
    assert vs.trainable_variables() == [v, mine]
    assert vs.local_variables() == [local] and not local.trainable
    assert vs.get_collection("mine") == [mine]
    on_read = vs.Variable(1.0, synchronization=vs.VariableSynchronization.ON_READ)
    assert not on_read.trainable
    with pytest.raises(ValueError, match="must be a list, tuple, or set"):
        vs.Variable(1.0, collections="mine")
    assert len(vs.global_variables()) == 2  # The failed one is nowhere.


def test_variable_value_is_numpy_backed_and_writable():
    source = np.arange(3.0)
    v = vs.Variable(source, name="v")
    assert not np.shares_memory(np.asarray(v), source)  # A given value is copied.
    np.asarray(v)[0] = 10.0
    assert v.numpy()[0] == 10.0 and source[0] == 0.0
    assert v.shape == v.get_shape() == (3,) and v[1] == 1.0
    assert np.asarray(v, dtype=np.float32).dtype == np.float32


def test_callable_initial_value_is_adopted_without_copy():
    made = []
    v = vs.Variable(lambda: made.append(np.ones(2)) or made[0])
    assert np.shares_memory(v.numpy(), made[0]) and v.initial_value is made[0]


def test_assign_checks_shape_and_writes_in_place():
    v = vs.Variable(np.zeros(2, np.float32))
    view = np.asarray(v)
    assert v.assign([1, 2]) is v
    np.testing.assert_array_equal(view, [1, 2])
    v.assign_add([1, 1])
    v.assign_sub([0.5, 0.5])
    np.testing.assert_array_equal(view, [1.5, 2.5])
    with pytest.raises(ValueError, match="shape"):
        v.assign([1, 2, 3])


def test_variable_equality_is_identity_and_hashable():
    a, b = vs.Variable([1.0]), vs.Variable([1.0])
    assert a == a and a != b and len({a, b, a}) == 2
    np.testing.assert_array_equal(a + 1, [2.0])
    np.testing.assert_array_equal(2 * a, [2.0])
    np.testing.assert_array_equal(np.add(a, b), [2.0])


def test_variable_attributes():
    graph = vs.get_default_graph()
    v = vs.Variable(1.0, caching_device="/cpu:0", constraint=abs)
    assert (v.graph, v.device, v.caching_device, v.constraint) == (graph, "", "/cpu:0", abs)
    assert v.op.graph is graph and v.save_slice_info is None
    assert repr(v) == "<varshare.Variable 'Variable:0' shape=() dtype=float32>"


def test_variable_shape_argument_and_errors():
    assert vs.Variable([1.0, 2.0], shape=[None]).shape == (2,)
    with pytest.raises(ValueError, match="shape"):
        vs.Variable([1.0, 2.0], shape=[3])
    with pytest.raises(ValueError, match="initial_value must be specified"):
        vs.Variable()
    assert vs.global_variables() == [vs.global_variables()[0]]
    assert vs.Variable(1.0).name == "Variable_1:0"  # Failed attempts claimed no name.
