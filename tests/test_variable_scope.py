"""variable_scope, get_variable and the variable store (TF 1.x graph-mode behaviour)."""

import numpy as np
import pytest

import varshare as vs
from varshare._init import initializers as _initializers


def const(value):
    return lambda shape, dtype=None, partition_info=None: np.full(shape, value, dtype)


def get(name, shape=(1,), **kwargs):
    kwargs.setdefault("initializer", const(0))
    return vs.get_variable(name, shape, **kwargs)


def name_scope():
    return vs.get_default_graph().get_name_scope()


def graph_state(graph):
    """Everything a failed get_variable must leave as it was."""
    return ({k: list(graph.get_collection(k)) for k in graph.get_all_collection_keys()},
            vs.get_variable_store().variables, graph.seeds.op_count,
            graph.unique_name("probe", mark_as_used=False))


# Names and name scopes.

def test_variable_names_follow_variable_scopes():
    with vs.variable_scope("foo"):
        with vs.variable_scope("bar"):
            v = get("v")
    assert (v.name, v.op.name) == ("foo/bar/v:0", "foo/bar/v")


def test_reentered_scope_keeps_variable_names_but_not_name_scopes():
    with vs.variable_scope("foo") as foo:
        v = get("v")
        assert name_scope() == "foo"
        foo.reuse_variables()
    with vs.variable_scope(foo) as again:  # Reuse comes from the captured object.
        assert again.reuse is True and name_scope() == "foo_1"
        assert get("v") is v
    with vs.variable_scope("foo") as by_string:
        assert by_string.reuse is False and name_scope() == "foo_2"
        assert get("w").name == "foo/w:0"


def test_captured_scope_inside_another_scope():
    with vs.variable_scope("foo") as foo:
        pass
    with vs.variable_scope("outer"):
        with vs.variable_scope(foo) as scope:
            assert (scope.name, scope.original_name_scope, name_scope()) == (
                "foo", "foo/", "outer/foo")
            assert get("v").name == "foo/v:0"


def test_reentering_the_current_scope_nests_name_scopes():
    with vs.variable_scope("x"):
        with vs.variable_scope(vs.get_variable_scope()) as scope:
            assert (scope.name, name_scope()) == ("x", "x/x")
    with vs.variable_scope(vs.get_variable_scope(), reuse=True) as root:
        assert (root.name, name_scope(), root.reuse) == ("", "", True)


def test_name_scope_inside_variable_scope_does_not_affect_get_variable():
    with vs.variable_scope("s"):
        with vs.name_scope("n"):
            v = get("v")
            w = vs.Variable(1.0, name="w")
    assert (v.name, w.name) == ("s/v:0", "s/n/w:0")


def test_op_names_already_in_use_are_uniquified():
    vs.Variable(1.0, name="foo/v")
    assert get("foo/v").name == "foo/v_1:0"


def test_scope_names_with_slashes_and_empty_names():
    with vs.variable_scope("a/b") as scope:
        assert (scope.name, name_scope(), get("v").name) == ("a/b", "a/b", "a/b/v:0")
    with vs.variable_scope("") as empty:
        assert (empty.name, name_scope(), get("w").name) == ("", "", "w:0")


def test_auxiliary_name_scope_false_opens_no_name_scope():
    with vs.variable_scope("a"):
        with vs.variable_scope("b", auxiliary_name_scope=False) as b:
            assert (b.name, name_scope(), b.original_name_scope) == ("a/b", "a", "a/")
            assert get("v").name == "a/b/v:0"
    with vs.variable_scope("a") as a:
        pass
    with vs.variable_scope(a, auxiliary_name_scope=False) as again:
        assert (again.name, name_scope(), again.original_name_scope) == ("a", "", "a_1/")
    with pytest.raises(TypeError, match="auxiliary_name_scope must be `True` or `False`"):
        vs.variable_scope("a", auxiliary_name_scope=1)


# default_name.

def test_default_name_is_uniquified_among_siblings():
    with vs.variable_scope("a"):
        pass
    with vs.variable_scope(None, default_name="a") as first:
        assert (first.name, name_scope(), first.original_name_scope) == ("a_1", "a_1", "a_1/")
    with vs.variable_scope(None, default_name="a") as second:
        assert second.name == "a_2"
    with vs.variable_scope("b"):
        with vs.variable_scope(None, default_name="a") as nested:
            assert nested.name == "b/a"


def test_default_name_counters_reset_when_the_parent_closes():
    names = []
    for _ in range(2):
        with vs.variable_scope("outer"):
            for _ in range(2):
                with vs.variable_scope(None, default_name="a") as scope:
                    names.append(scope.name)
    assert names == ["outer/a", "outer/a_1", "outer/a", "outer/a_1"]
    with vs.variable_scope(None, default_name="top"):
        pass
    with vs.variable_scope(None, default_name="top") as top:  # The root never closes.
        assert top.name == "top_1"


def test_default_name_counters_inside_captured_scopes_revert():
    names = []
    with vs.variable_scope("foo") as foo:
        with vs.variable_scope(None, default_name="x") as scope:
            names.append(scope.name)
    for _ in range(2):
        with vs.variable_scope(foo):
            for _ in range(2):
                with vs.variable_scope(None, default_name="x") as scope:
                    names.append(scope.name)
    assert names == ["foo/x", "foo/x", "foo/x_1", "foo/x", "foo/x_1"]


def test_second_positional_argument():
    with vs.variable_scope("a", None, None, const(3.0)) as tf1_style:  # default_name, values, initializer
        assert tf1_style.initializer is not None and tf1_style.reuse is False
    with vs.variable_scope(None, "d") as by_default_name:
        assert by_default_name.name == "d"
    with vs.variable_scope("a", True) as reusing:  # Older signature: (name, reuse, ...).
        assert reusing.reuse is True
    with vs.variable_scope("a", vs.AUTO_REUSE, const(5.0)) as auto:
        assert auto.reuse is vs.AUTO_REUSE
        assert get("w", initializer=None).numpy()[0] == 5.0
    with vs.variable_scope("a", False, dtype=vs.float64) as inherit:
        assert inherit.reuse is False and inherit.dtype == np.float64


def test_variable_op_scope():
    def my_op(a, b, scope=None):
        with vs.variable_op_scope([a, b], scope, default_name="MyOp") as scope:
            return scope.name, name_scope(), get("c").name

    assert my_op(1.0, 2.0) == ("MyOp", "MyOp", "MyOp/c:0")
    assert my_op(1.0, 2.0) == ("MyOp_1", "MyOp_1", "MyOp_1/c:0")
    assert my_op(1.0, 2.0, scope="given") == ("given", "given", "given/c:0")
    assert [v.name for v in vs.global_variables()] == ["MyOp/c:0", "MyOp_1/c:0", "given/c:0"]


def test_variable_scope_argument_errors():
    with pytest.raises(TypeError, match="If default_name is None then name_or_scope is required"):
        vs.variable_scope(None)
    with pytest.raises(ValueError, match="The reuse parameter must be True or False or None."):
        vs.variable_scope("a", reuse=1)
    with pytest.raises(ValueError, match="reuse=True cannot be used without a name_or_scope"):
        with vs.variable_scope(None, default_name="x", reuse=True):
            pass
    with pytest.raises(TypeError, match="name_or_scope must be a string or VariableScope"):
        with vs.variable_scope(3):
            pass
    assert vs.get_variable_scope().name == "" and name_scope() == ""


def test_improper_nesting_is_detected():
    outer, inner = vs.variable_scope("outer"), vs.variable_scope("inner")
    outer.__enter__()
    inner.__enter__()
    with pytest.raises(RuntimeError, match="Improper nesting of variable_scope."):
        outer.__exit__(None, None, None)


# Reuse.

def test_reuse_defaults_to_false_and_is_inherited():
    assert vs.get_variable_scope().reuse is False
    with vs.variable_scope("a") as a:
        assert a.reuse is False
    with vs.variable_scope("a", reuse=True):
        with vs.variable_scope("b") as b:
            assert b.reuse is True
            with vs.variable_scope("c", reuse=False) as c:  # False means inherit.
                assert c.reuse is True


def test_reuse_returns_the_existing_variable_without_a_shape():
    with vs.variable_scope("foo"):
        v = get("v")
    with vs.variable_scope("foo", reuse=True):
        assert vs.get_variable("v") is v
    with vs.variable_scope("bar") as bar:
        w = get("w")
        bar.reuse_variables()  # Reuse is on for the rest of this block.
        assert vs.get_variable("w") is w and vs.get_variable("w", [1]) is w


def test_creating_an_existing_variable_fails():
    get("v")
    with pytest.raises(vs.errors.VariableReuseError) as error:
        get("v")
    assert isinstance(error.value, ValueError)                     # TF's class
    assert str(error.value) == (
        "Variable v already exists, disallowed. Did you mean to set reuse=True or "
        "reuse=vs.AUTO_REUSE in VarScope?")


def test_reusing_a_missing_variable_fails():
    with vs.variable_scope("z", reuse=True):
        with pytest.raises(vs.errors.VariableReuseError) as error:
            vs.get_variable("q")
    assert isinstance(error.value, ValueError)
    assert str(error.value) == (
        "Variable z/q does not exist, or was not created with vs.get_variable(). Did you "
        "mean to set reuse=vs.AUTO_REUSE in VarScope?")


def test_reuse_checks_shape_and_dtype():
    get("v", [1])
    get("d", [1], dtype=vs.float64)
    with vs.variable_scope("", reuse=True):
        with pytest.raises(ValueError) as error:
            vs.get_variable("v", [2])
        assert str(error.value) == (
            "Trying to share variable v, but specified shape (2,) and found shape (1,).")
        with pytest.raises(ValueError) as error:
            vs.get_variable("d", [1])  # No dtype means the scope's dtype, float32.
        assert str(error.value) == (
            "Trying to share variable d, but specified dtype float32 and found dtype float64.")
        assert vs.get_variable("d", [None], dtype=vs.float64).shape == (1,)


def test_captured_scope_reuse_comes_from_the_object():
    with vs.variable_scope("a", reuse=True):
        with vs.variable_scope("b") as b:
            pass
    with vs.variable_scope("c", reuse=True):
        with vs.variable_scope(b) as again:
            assert again.reuse is True and again.name == "a/b"
    with vs.variable_scope("x") as x:
        pass
    with vs.variable_scope("y", reuse=True):
        with vs.variable_scope(x) as again:  # Not inherited from "y".
            assert again.reuse is False
        with vs.variable_scope(x, reuse=True) as forced:
            assert forced.reuse is True


def test_auto_reuse_creates_then_reuses_and_is_inherited():
    with vs.variable_scope("a", reuse=vs.AUTO_REUSE):
        with vs.variable_scope("b") as b:
            assert b.reuse is vs.AUTO_REUSE
            v = get("v")
            assert get("v") is v and v.name == "a/b/v:0"
    with vs.variable_scope("a", reuse=True):
        with vs.variable_scope("b", reuse=vs.AUTO_REUSE) as b:
            assert b.reuse is vs.AUTO_REUSE  # An explicit reuse wins over the parent's.


# Initializers and dtypes.

def test_constant_initializers_give_shape_and_dtype():
    a = vs.get_variable("a", initializer=1.5)
    i = vs.get_variable("i", initializer=3)
    x = vs.get_variable("x", initializer=np.arange(6.0).reshape(2, 3))
    assert (a.dtype, i.dtype, x.dtype, x.shape) == (np.float32, np.int32, np.float64, (2, 3))
    with pytest.raises(ValueError) as error:
        vs.get_variable("y", [2], initializer=np.zeros(2))
    assert str(error.value) == "If initializer is a constant, do not specify shape."


def test_constant_initializer_and_explicit_dtype_must_match():
    assert vs.get_variable("ok", initializer=np.zeros(2), dtype=vs.float64).dtype == np.float64
    with pytest.raises(ValueError, match="Initializer type '<dtype: 'float32'>' and explicit "
                                         "dtype '<dtype: 'float64'>' don't match."):
        vs.get_variable("a", initializer=1.5, dtype=vs.float64)


def test_a_given_constant_is_copied():
    value = np.zeros(3)
    v = vs.get_variable("v", initializer=value)
    np.asarray(v)[:] = 1
    assert value.sum() == 0


def test_shape_is_required_without_a_constant():
    with pytest.raises(ValueError, match="Variable a did not get an initializer, so its "
                                         "`shape` argument must be specified."):
        vs.get_variable("a")
    with pytest.raises(ValueError, match="The initializer passed is not valid"):
        vs.get_variable("b", initializer=const(1))
    with pytest.raises(ValueError, match=r"The initializer passed is not valid\. .* `shape` "
                                         r"should be fully defined\.$"):
        vs.get_variable("c", [None, 2], initializer=const(1))
    assert vs.get_variable("d", [None, 3], initializer=lambda: np.zeros((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match=r"the initial value's shape \(\(3,\)\) is not "
                                         r"compatible with the explicitly supplied `shape` "
                                         r"argument \(\(None, 2\)\)\.$"):
        vs.get_variable("e", [None, 2], initializer=lambda: np.zeros(3))


def test_callable_without_arguments_and_no_shape():
    v = vs.get_variable("v", initializer=lambda: [1.0, 2.0])
    assert v.shape == (2,) and v.dtype == np.float32


def test_initializer_receives_shape_and_dtype_and_result_is_cast():
    calls = []

    def init(shape, dtype=None, partition_info=None):
        calls.append((shape, dtype, partition_info))
        return np.ones(shape)  # float64, cast to the variable's dtype.

    v = vs.get_variable("v", [2, 3], dtype=vs.float16, initializer=init)
    assert calls == [((2, 3), np.float16, None)] and v.dtype == np.float16
    assert vs.get_variable("w", [2], initializer=lambda shape, dtype: np.ones(shape)).shape == (2,)


def test_validate_shape():
    wrong = lambda shape, dtype=None, partition_info=None: np.zeros(3, dtype)  # noqa: E731
    with pytest.raises(ValueError, match=r"returned shape \(3,\), but shape \(2,\)"):
        vs.get_variable("v", [2], initializer=wrong)
    assert vs.get_variable("v", [2], initializer=wrong, validate_shape=False).shape == (3,)


def test_scope_defaults_initializer_and_dtype():
    with vs.variable_scope("s", initializer=const(2.0), dtype=vs.float64):
        v = vs.get_variable("v", [2])
        with vs.variable_scope("inner"):
            w = vs.get_variable("w", [1])
            u = vs.get_variable("u", [1], initializer=const(3.0), dtype=vs.float32)
    assert (v.dtype, v.numpy().tolist(), w.dtype, w.numpy().tolist()) == (
        np.float64, [2.0, 2.0], np.float64, [2.0])
    assert (u.dtype, u.numpy().tolist()) == (np.float32, [3.0])


def test_default_initializer_is_uniform_unit_scaling_for_floats():
    vs.set_random_seed(7)
    v = vs.get_variable("v", [40, 50])
    limit = np.sqrt(3.0 / 40)
    assert v.dtype == np.float32 and np.all(np.abs(v.numpy()) <= limit)
    assert v.numpy().std() > limit / 3  # Really random, not zeros.
    expected_graph = vs.Graph()
    with expected_graph.as_default():
        vs.set_random_seed(7)
        w = vs.get_variable("v", [40, 50],
                            initializer=_initializers.uniform_unit_scaling_initializer())
    np.testing.assert_array_equal(v.numpy(), w.numpy())


def test_default_initializer_is_zeros_for_integers_and_bools():
    iz = vs.get_variable("iz", [3], dtype=vs.int32)
    bz = vs.get_variable("bz", [2], dtype=vs.bool)
    assert iz.numpy().tolist() == [0, 0, 0] and iz.dtype == np.int32
    assert bz.numpy().tolist() == [False, False]
    with pytest.raises(ValueError, match="An initializer for variable c of complex64 is required"):
        vs.get_variable("c", [1], dtype=np.complex64)


# Collections, trainable, other attributes.

def test_collections_replace_global_but_trainable_still_added():
    e = get("e", collections=["mine"])
    assert vs.global_variables() == [] and vs.trainable_variables() == [e]
    assert vs.get_collection("mine") == [e]
    local = get("l", trainable=False, collections=[vs.GraphKeys.LOCAL_VARIABLES])
    assert vs.local_variables() == [local] and vs.trainable_variables() == [e]


def test_caching_device_is_stored_and_inherited():
    with vs.variable_scope("s", caching_device="/cpu:0") as scope:
        with vs.variable_scope("inner") as inner:
            v = get("v")
            w = get("w", caching_device="/cpu:1")
    assert (scope.caching_device, inner.caching_device) == ("/cpu:0", "/cpu:0")
    assert (v.caching_device, w.caching_device) == ("/cpu:0", "/cpu:1")


def test_tf1_only_arguments_are_accepted():
    clip = lambda x: x  # noqa: E731
    v = get("v", use_resource=True, constraint=clip,
            synchronization=vs.VariableSynchronization.ON_READ,
            aggregation=vs.VariableAggregation.SUM)
    assert v.constraint is clip and not v.trainable
    assert v.aggregation is vs.VariableAggregation.SUM
    with vs.variable_scope("s", constraint=clip, use_resource=True) as scope:
        assert get("w").constraint is clip and scope.use_resource is True
        with vs.variable_scope("inner") as inner:  # TF does not inherit constraints.
            assert inner.constraint is None
    with pytest.raises(ValueError, match="Invalid variable aggregation mode"):
        get("x", aggregation=17)


# Regularizers.

def test_regularizer_loss_is_added_once_at_creation():
    reg = lambda w: np.sum(np.asarray(w))  # noqa: E731
    with vs.variable_scope("s", regularizer=reg):
        v = get("v", [2], initializer=const(1.5))
        get("n", regularizer=vs.no_regularizer)
        get("none", regularizer=lambda w: None)
    with vs.variable_scope("s", reuse=True):
        assert get("v", [2]) is v
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == [3.0]


def test_regularizer_sees_the_new_variable():
    seen = []
    v = get("v", regularizer=lambda w: seen.append(w.name))
    assert seen == [v.name]


# Custom getters.

def test_custom_getters_chain_innermost_first_with_keywords():
    calls = []

    def recorder(tag):
        def getter(getter, *args, **kwargs):
            calls.append((tag, args, kwargs["name"]))
            return getter(*args, **kwargs)
        return getter

    with vs.variable_scope("o", custom_getter=recorder("g1")):
        with vs.variable_scope("i", custom_getter=recorder("g2")):
            v = get("v")
        with vs.variable_scope("o2", custom_getter=recorder("g3")):
            get("w", custom_getter=recorder("g4"))  # Replaces the scope's getters.
    assert calls == [("g2", (), "o/i/v"), ("g1", (), "o/i/v"), ("g4", (), "o/o2/w")]
    assert v.name == "o/i/v:0"


def test_custom_getter_receives_every_argument():
    seen = {}

    def getter(getter, name, **kwargs):
        seen.update(kwargs)
        return getter(name, **kwargs)

    get("v", custom_getter=getter)
    assert set(seen) == {"shape", "dtype", "initializer", "regularizer", "reuse", "trainable",
                         "collections", "caching_device", "partitioner", "validate_shape",
                         "use_resource", "constraint", "synchronization", "aggregation"}

    def no_constraint(getter, name, shape, dtype, initializer, regularizer, reuse, trainable,
                      collections, caching_device, partitioner, validate_shape, use_resource,
                      synchronization, aggregation):
        return getter(name, shape, dtype, initializer)

    assert get("w", custom_getter=no_constraint).name == "w:0"


def test_custom_getter_can_rename_and_wrap():
    def suffix(getter, name, *args, **kwargs):
        return getter(name + "_suffix", *args, **kwargs)

    with vs.variable_scope("s", custom_getter=suffix) as scope:
        assert get("v").name == "s/v_suffix:0"
    with vs.variable_scope(scope, reuse=True):
        assert get("v").name == "s/v_suffix:0"
    with pytest.raises(ValueError, match="Passed a custom_getter which is not callable"):
        get("x", custom_getter=3)


def test_set_custom_getter_replaces():
    calls = []
    with vs.variable_scope("s", custom_getter=lambda g, *a, **k: calls.append(1) or g(*a, **k)):
        vs.get_variable_scope().set_custom_getter(None)
        get("v")
    assert calls == []


# VariableScope objects.

def test_variable_scope_object_api():
    scope = vs.VariableScope(False, name="m", initializer=const(4.0), dtype=vs.float64)
    assert (scope.name, scope.reuse, scope.original_name_scope, scope.dtype) == (
        "m", False, "", np.float64)
    store = vs.get_variable_store()
    v = scope.get_variable(store, "v", [2])
    assert v.name == "m/v:0" and v.numpy().tolist() == [4.0, 4.0] and v.dtype == np.float64
    scope.reuse_variables()
    assert scope.get_variable(store, "v") is v
    for attribute, value in [("initializer", const(1)), ("regularizer", abs),
                             ("caching_device", "/cpu:0"), ("partitioner", abs),
                             ("custom_getter", abs), ("dtype", np.float16),
                             ("use_resource", True)]:
        getattr(scope, f"set_{attribute}")(value)
        assert getattr(scope, attribute) == value
    assert vs.get_variable_store() is store and vs.get_variable_store(vs.Graph()) is not store


def test_captured_scope_keeps_its_defaults():
    with vs.variable_scope("a", initializer=const(2.0), dtype=vs.float64,
                           caching_device="/cpu:0") as a:
        pass
    with vs.variable_scope("b", initializer=const(9.0)):
        with vs.variable_scope(a) as scope:
            assert (scope.dtype, scope.caching_device, scope.initializer) == (
                np.float64, "/cpu:0", a.initializer)
            with vs.variable_scope(a, dtype=vs.float16) as overridden:
                assert overridden.dtype == np.float16


# Failed creations leave the graph unchanged.

@pytest.mark.parametrize("kwargs", [
    dict(initializer=lambda shape, dtype=None, partition_info=None: 1 / 0),
    dict(regularizer=lambda w: 1 / 0),
    dict(collections="not a list"),
    dict(initializer=lambda shape, dtype=None, partition_info=None: np.zeros(5)),
    dict(partitioner=lambda shape, dtype: [2, 1],
         initializer=lambda shape, dtype=None, partition_info=None:
         1 / partition_info.var_offset[0]),
    dict(partitioner=lambda shape, dtype: [2, 1], regularizer=lambda w: 1 / 0),
])
def test_errors_leave_the_graph_unchanged(graph, kwargs):
    get("before")
    before = graph_state(graph)
    with pytest.raises((ValueError, ZeroDivisionError)):
        vs.get_variable("v", [4, 2], **kwargs)
    assert graph_state(graph) == before
    assert get("v", [4, 2]).name == "v:0"


def test_failed_random_initialization_does_not_advance_the_seed_counter(graph):
    vs.set_random_seed(1)
    with pytest.raises(ValueError):
        vs.get_variable("v", [4], validate_shape=True,
                        regularizer=lambda w: np.asarray(w).reshape(3))
    first = vs.get_variable("v", [4]).numpy().copy()
    fresh = vs.Graph()
    with fresh.as_default():
        vs.set_random_seed(1)
        np.testing.assert_array_equal(vs.get_variable("v", [4]).numpy(), first)


# Partitioned variables.

def offsets(shape, dtype=None, partition_info=None):
    """Each element is its row index in the full variable."""
    start = partition_info.var_offset[0]
    return np.broadcast_to(np.arange(start, start + shape[0], dtype=dtype)[:, None], shape)


def test_partitioned_variable_shards_names_and_values():
    with vs.variable_scope("s"):
        p = vs.get_variable("p", [5, 3], initializer=offsets,
                            partitioner=vs.fixed_size_partitioner(2))
    assert isinstance(p, vs.PartitionedVariable) and len(p) == 2
    assert (p.name, p.shape, p.get_shape(), p.dtype) == ("s/p", (5, 3), (5, 3), np.float32)
    assert [v.name for v in p] == ["s/p/part_0:0", "s/p/part_1:0"]
    assert [v.shape for v in p.get_variable_list()] == [(3, 3), (2, 3)]  # 5 % 2 extra row first.
    assert p.get_partitions() == [2, 1]
    np.testing.assert_array_equal(np.asarray(p), np.repeat(np.arange(5.0)[:, None], 3, 1))
    assert [v.save_slice_info for v in p] == [
        vs.SaveSliceInfo("s/p", (5, 3), (0, 0), (3, 3)),
        vs.SaveSliceInfo("s/p", (5, 3), (3, 0), (2, 3))]
    assert [v.save_slice_info.spec for v in p] == ["5 3 0,3:0,3", "5 3 3,2:0,3"]
    assert vs.global_variables() == list(p) == vs.trainable_variables()


def test_partitioning_along_another_axis_and_shard_sizes():
    p = vs.get_variable("p", [2, 7], initializer=const(1.0),
                        partitioner=lambda shape, dtype: [1, 3])
    assert [v.shape for v in p] == [(2, 3), (2, 2), (2, 2)]
    assert [v.save_slice_info.var_offset for v in p] == [(0, 0), (0, 3), (0, 5)]
    assert np.asarray(p).shape == (2, 7)


def test_partitioner_receives_shape_and_dtype():
    calls = []
    vs.get_variable("p", [4, 2], dtype=vs.float64, initializer=const(0),
                    partitioner=lambda shape, dtype: calls.append((shape, dtype)) or [2, 1])
    assert calls == [((4, 2), np.float64)]


def test_partitioned_random_initializer_shards_are_slices_of_the_whole():
    init = vs.truncated_normal_initializer(seed=3)
    whole = vs.get_variable("whole", [7, 4], initializer=init).numpy()
    parts = vs.get_variable("parts", [7, 4], initializer=init,
                            partitioner=vs.fixed_size_partitioner(3))
    np.testing.assert_array_equal(np.asarray(parts), whole)


def test_partitioned_constant_initializer_is_sliced():
    value = np.arange(6.0).reshape(3, 2)
    p = vs.get_variable("p", initializer=value, partitioner=vs.fixed_size_partitioner(2))
    assert p.dtype == np.float64 and [v.shape for v in p] == [(2, 2), (1, 2)]
    np.testing.assert_array_equal(np.asarray(p), value)


def test_scalars_ignore_the_partitioner():
    v = vs.get_variable("sc", [], initializer=const(1), partitioner=vs.fixed_size_partitioner(2))
    assert isinstance(v, vs.Variable) and v.name == "sc:0"


def test_partitioned_regularization_is_per_shard():
    vs.get_variable("w", [4, 2], initializer=const(1.0), regularizer=lambda w: np.sum(w),
                    partitioner=vs.fixed_size_partitioner(2))
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == [4.0, 4.0]


def test_partitioned_collections_are_per_shard():
    p = vs.get_variable("p", [4], initializer=const(0), collections=["mine"],
                        partitioner=vs.fixed_size_partitioner(2))
    assert vs.get_collection("mine") == list(p) == vs.trainable_variables()
    assert vs.global_variables() == []


def test_partitioned_reuse():
    partitioner = vs.fixed_size_partitioner(2)
    p = vs.get_variable("p", [5, 3], initializer=const(0), partitioner=partitioner)
    with vs.variable_scope("", reuse=True):
        assert vs.get_variable("p") is p  # The partitioner is not needed to reuse.
        assert vs.get_variable("p", [5, 3], partitioner=partitioner) is p
        with pytest.raises(ValueError, match=r"Trying to reuse partitioned variable p, but "
                                             r"specified partitions \[3, 1\] and found "
                                             r"partitions \[2, 1\]."):
            vs.get_variable("p", [5, 3], partitioner=vs.fixed_size_partitioner(3))
        with pytest.raises(ValueError, match=r"specified shape \(5, 4\) and found shape"):
            vs.get_variable("p", [5, 4], partitioner=partitioner)
        with pytest.raises(ValueError, match="specified dtype float64 and found dtype float32"):
            vs.get_variable("p", [5, 3], dtype=vs.float64, partitioner=partitioner)
        with pytest.raises(ValueError, match="PartitionedVariable q does not exist"):
            vs.get_variable("q", [5, 3], partitioner=partitioner)
    with vs.variable_scope("", reuse=vs.AUTO_REUSE):
        assert vs.get_variable("p", [5, 3], partitioner=partitioner) is p


def test_partitioned_and_plain_variables_do_not_mix():
    partitioner = vs.fixed_size_partitioner(2)
    vs.get_variable("p", [4], initializer=const(0), partitioner=partitioner)
    vs.get_variable("plain", [4], initializer=const(0))
    with pytest.raises(ValueError, match="Partitioned variable with name p already exists"):
        vs.get_variable("p", [4], initializer=const(0), partitioner=partitioner)
    with pytest.raises(ValueError, match="No partitioner was provided, but a partitioned "
                                         "version of the variable was found: p/part_0"):
        vs.get_variable("p", [4], initializer=const(0))
    with pytest.raises(ValueError, match="A partitioner was provided, but an unpartitioned "
                                         "version of the variable was found: plain."):
        vs.get_variable("plain", [4], initializer=const(0), partitioner=partitioner)


@pytest.mark.parametrize("partitions, message", [
    ([2, 2], "Can only slice a variable along one dimension"),
    ([2], "does not match the Variable's rank"),
    ([0, 1], "zero partitions"),
    (2, "must return a sequence"),
])
def test_partitioner_results_are_validated(graph, partitions, message):
    with pytest.raises(ValueError, match=message):
        vs.get_variable("p", [4, 4], initializer=const(0),
                        partitioner=lambda shape, dtype: partitions)
    assert vs.global_variables() == []
    with pytest.raises(ValueError, match="Partitioner must be callable"):
        vs.get_variable("p", [4, 4], partitioner=3)
    with pytest.raises(ValueError, match="must be fully defined"):
        vs.get_variable("p", [None, 4], partitioner=lambda shape, dtype: [1, 1])


def test_partitioned_shards_share_one_seed_draw():
    """Without any seed, each shard is still a slice of one random whole."""
    p = vs.get_variable("p", [6, 3], initializer=vs.random_uniform_initializer(),
                        partitioner=vs.fixed_size_partitioner(3))
    shards = [v.numpy() for v in p]
    assert len({s.tobytes() for s in shards}) == 3
    graph = vs.Graph()
    with graph.as_default():  # Same graph seed and op count: same values, one draw.
        vs.set_random_seed(5)
        a = np.asarray(vs.get_variable("p", [6, 3], initializer=vs.random_uniform_initializer(),
                                       partitioner=vs.fixed_size_partitioner(3)))
    with vs.Graph().as_default():
        vs.set_random_seed(5)
        b = vs.get_variable("p", [6, 3], initializer=vs.random_uniform_initializer()).numpy()
    np.testing.assert_array_equal(a, b)
