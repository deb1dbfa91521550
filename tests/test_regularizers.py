"""l1/l2/no regularizers with TF 1.x contrib semantics."""

import numpy as np
import pytest

import varshare as vs


def test_l1_and_l2_values():
    w = np.array([1.0, -2.0, 3.0], np.float32)
    l1, l2 = vs.l1_regularizer(0.5)(w), vs.l2_regularizer(0.5)(w)
    assert l1 == pytest.approx(3.0) and l2 == pytest.approx(0.5 * 14 / 2)
    assert l1.dtype == np.float32 and l2.dtype == np.float32
    assert vs.l2_regularizer(1.0)(np.ones(4, np.float64)).dtype == np.float64


def test_regularizers_accept_variables():
    v = vs.Variable([3.0, 4.0])
    assert vs.l2_regularizer(1.0)(v) == pytest.approx(12.5)


def test_zero_scale_disables():
    assert vs.l1_regularizer(0.0)(np.ones(2)) is None
    assert vs.l2_regularizer(0.0)(np.ones(2)) is None
    vs.get_variable("v", [2], initializer=np.ones, regularizer=vs.l2_regularizer(0.0))
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == []


@pytest.mark.parametrize("regularizer", [vs.l1_regularizer, vs.l2_regularizer])
def test_invalid_scales(regularizer):
    with pytest.raises(ValueError, match="scale cannot be an integer: 1"):
        regularizer(1)
    with pytest.raises(ValueError, match="Setting a scale less than 0 on a regularizer: -0.5"):
        regularizer(-0.5)


def test_no_regularizer_overrides_the_scope_default():
    assert vs.no_regularizer(np.ones(3)) is None
    with vs.variable_scope("s", regularizer=vs.l1_regularizer(1.0)):
        vs.get_variable("a", [2], initializer=np.ones)
        vs.get_variable("b", [2], initializer=np.ones, regularizer=vs.no_regularizer)
    assert vs.get_collection(vs.GraphKeys.REGULARIZATION_LOSSES) == [2.0]
