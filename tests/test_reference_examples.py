"""Every example of the reference document (shared/reference/sharing-variables.txt)."""

import numpy as np
import pytest

import varshare as vs


def test_get_variable_basic_example():
    with vs.variable_scope("foo"):
        v = vs.get_variable("v", [1])  # v.name == "foo/v:0"
        w = vs.get_variable("w", [1])  # w.name == "foo/w:0"
    with vs.variable_scope("foo", reuse=True):
        v1 = vs.get_variable("v")  # The same as v above.
    assert (v.name, w.name) == ("foo/v:0", "foo/w:0") and v1 is v


def test_simple_creation_example():
    with vs.variable_scope("foo"):
        with vs.variable_scope("bar"):
            v = vs.get_variable("v", [1])
            assert v.name == "foo/bar/v:0"


def test_basic_sharing_example():
    with vs.variable_scope("foo"):
        v = vs.get_variable("v", [1])
    with vs.variable_scope("foo", reuse=True):
        v1 = vs.get_variable("v", [1])
    assert v1 == v


def test_sharing_by_capturing_a_scope_example():
    with vs.variable_scope("foo") as scope:
        v = vs.get_variable("v", [1])
        scope.reuse_variables()
        v1 = vs.get_variable("v", [1])
    assert v1 == v


def test_accidental_sharing_raises_example():
    with vs.variable_scope("foo"):
        vs.get_variable("v", [1])
        with pytest.raises(ValueError, match="v already exists"):
            vs.get_variable("v", [1])


def test_reuse_of_missing_variable_raises_example():
    with vs.variable_scope("foo", reuse=True):
        with pytest.raises(ValueError, match="v does not exist"):
            vs.get_variable("v", [1])


def test_reuse_flag_is_inherited_note():
    with vs.variable_scope("foo"):
        v = vs.get_variable("v", [1])
    with vs.variable_scope("foo", reuse=True):
        with vs.variable_scope("bar") as bar:
            assert bar.reuse is True
    with vs.variable_scope("foo", reuse=True):
        assert vs.get_variable("v", [1]) is v


def test_custom_getter_example():
    def custom_getter(getter, name, *args, **kwargs):
        return getter(name + '_suffix', *args, **kwargs)

    with vs.variable_scope("foo", custom_getter=custom_getter):
        assert vs.get_variable("v", [1]).name == "foo/v_suffix:0"


def test_variable_op_scope_example():
    def my_op_with_vars(a, b, scope=None):
        with vs.variable_op_scope([a, b], scope, "MyOp") as scope:
            c = vs.get_variable('c', [1])
            return np.asarray(a) + np.asarray(b) + c, scope

    _, first = my_op_with_vars(1.0, 2.0)
    _, second = my_op_with_vars(1.0, 2.0)
    _, named = my_op_with_vars(1.0, 2.0, scope="mine")
    assert (first.name, second.name, named.name) == ("MyOp", "MyOp_1", "mine")
    assert [v.name for v in vs.global_variables()] == ["MyOp/c:0", "MyOp_1/c:0", "mine/c:0"]


def my_op(x, scalar_name):
    var1 = vs.get_variable(scalar_name,
                           shape=[],
                           initializer=vs.constant_initializer(1))
    return x * var1


def test_make_template_example():
    input1, input2 = np.array([1.0, 2.0]), np.array([3.0])
    scale_by_y = vs.make_template('scale_by_y', my_op, scalar_name='y')
    z = scale_by_y(input1)
    w = scale_by_y(input2)
    np.testing.assert_array_equal(z, input1)
    np.testing.assert_array_equal(w, input2)
    assert [v.name for v in vs.global_variables()] == ["scale_by_y/y:0"]


def test_make_template_different_names_raise():
    """Without scalar_name fixed at make_template time, a second name cannot be reused."""
    scale = vs.make_template('scale', my_op)
    scale(1.0, scalar_name='y')
    with pytest.raises(ValueError, match="does not exist"):
        scale(1.0, scalar_name='z')


def test_make_template_reentered_scope_example():
    input1, input2 = np.array([1.0]), np.array([2.0])
    with vs.variable_scope('scope') as scope:
        scale_by_y = vs.make_template('scale_by_y', my_op, scalar_name='y')
        z = scale_by_y(input1)
        w = scale_by_y(input2)

    # Creates a template that reuses the variables above.
    with vs.variable_scope(scope, reuse=True):
        scale_by_y2 = vs.make_template('scale_by_y', my_op, scalar_name='y')
        z2 = scale_by_y2(input1)
        w2 = scale_by_y2(input2)
    np.testing.assert_array_equal(z, z2)
    np.testing.assert_array_equal(w, w2)
    assert scale_by_y.variables == scale_by_y2.variables
    assert [v.name for v in vs.global_variables()] == ["scope/scale_by_y/y:0"]


def test_make_template_name_none_raises():
    with pytest.raises(ValueError):
        vs.make_template(None, my_op)


def test_default_initializer_and_regularizer_text():
    """Unset initializer/regularizer fall back to the scope's, then to the documented defaults."""
    with vs.variable_scope("s", initializer=vs.constant_initializer(2.0),
                           regularizer=vs.l2_regularizer(1.0)):
        v = vs.get_variable("v", [2])
    np.testing.assert_array_equal(v.numpy(), [2.0, 2.0])
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == [4.0]
    u = vs.get_variable("u", [3, 4])  # uniform_unit_scaling_initializer: |u| <= sqrt(3/3).
    assert np.all(np.abs(u.numpy()) <= 1.0) and np.any(u.numpy() != 0)
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == [4.0]


def test_tensor_initializer_text():
    v = vs.get_variable("t", initializer=np.array([[1.0, 2.0]], np.float32))
    assert v.shape == (1, 2) and v.dtype == np.float32


def test_partitioner_text():
    p = vs.get_variable("p", [10, 2], partitioner=vs.variable_axis_size_partitioner(32))
    assert len(p) > 1 and np.asarray(p).shape == (10, 2)
    p2 = vs.get_variable("q", [10, 2], partitioner=vs.min_max_variable_partitioner(2, min_slice_size=8))
    assert np.asarray(p2).shape == (10, 2)


def test_no_regularizer_function():
    assert vs.no_regularizer(np.ones(3)) is None


def test_zeros_and_ones_initializer_adaptors():
    z = vs.get_variable("z", [2], initializer=vs.zeros_initializer)
    o = vs.get_variable("o", [2], initializer=vs.ones_initializer())
    assert z.numpy().tolist() == [0, 0] and o.numpy().tolist() == [1, 1]
