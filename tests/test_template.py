"""make_template: sharing across calls, scope naming, safeguards."""

import numpy as np
import pytest

import varshare as vs


def name_scope():
    return vs.get_default_graph().get_name_scope()


def make_w():
    return vs.get_variable("w", [1], initializer=np.ones), name_scope()


def test_calls_share_variables_and_open_new_name_scopes():
    template = vs.make_template("tm", make_w)
    assert template.variable_scope is None and template.variables == []
    (w1, ns1), (w2, ns2) = template(), template()
    assert w1 is w2 and w1.name == "tm/w:0" and (ns1, ns2) == ("tm", "tm_1")
    assert template.variable_scope.name == "tm" and template.var_scope is template.variable_scope
    assert template.variable_scope.original_name_scope == "tm/"
    assert template.variables == template.trainable_variables == template.global_variables == [w1]
    assert template.variable_scope_name == "tm/" and template.name == "tm"


def test_create_scope_now():
    template = vs.make_template("tm", make_w, create_scope_now_=True)
    assert template.variable_scope.name == "tm" and name_scope() == ""
    (w1, ns1), (w2, ns2) = template(), template()
    assert w1 is w2 and w1.name == "tm/w:0" and (ns1, ns2) == ("tm", "tm_1")
    other = vs.make_template("tm", make_w, create_scope_now_=True)
    w3, ns3 = other()
    assert other.variable_scope.name == "tm_1" and w3.name == "tm_1/w:0" and ns3 == "tm_1_1"


def test_two_templates_never_share():
    first, second = vs.make_template("tm", make_w), vs.make_template("tm", make_w)
    (w1, _), (w2, ns2) = first(), second()
    assert (w1.name, w2.name, ns2) == ("tm/w:0", "tm_1/w:0", "tm_1")


def test_unique_name_is_used_as_is():
    template = vs.make_template("tm", make_w, unique_name_="u")
    (w, ns), _ = template(), template()
    assert (w.name, ns, template.variable_scope.name) == ("u/w:0", "u", "u")
    with pytest.raises(ValueError, match="Variable u/w already exists"):
        vs.make_template("tm", make_w, unique_name_="u")()


def scaled(x, scalar_name):
    return x * vs.get_variable(scalar_name, [], initializer=lambda s, dtype=None: 2.0)


def test_kwargs_are_bound():
    template = vs.make_template("scale", scaled, scalar_name="y")
    assert template(3.0) == 6.0 and template(4.0) == 8.0
    assert [v.name for v in template.variables] == ["scale/y:0"]


def test_later_calls_cannot_create_a_differently_named_variable():
    template = vs.make_template("scale", scaled)
    assert template(3.0, scalar_name="y") == 6.0
    assert template(4.0, scalar_name="y") == 8.0
    with pytest.raises(ValueError, match="Variable scale/z does not exist"):
        template(1.0, scalar_name="z")  # Every call after the first one only reuses.
    assert [v.name for v in vs.global_variables()] == ["scale/y:0"]


def test_nested_templates():
    inner = vs.make_template("inner", lambda: vs.get_variable("w", [1], initializer=np.ones))

    def outer_fn():
        return inner(), vs.get_variable("b", [1], initializer=np.zeros)

    outer = vs.make_template("outer", outer_fn)
    (w1, b1), (w2, b2) = outer(), outer()
    assert (w1, b1) == (w2, b2) and [w1.name, b1.name] == ["outer/inner/w:0", "outer/b:0"]
    assert outer.variables == [w1, b1] and inner.variables == [w1]
    assert inner.variable_scope.name == "outer/inner"


def test_template_created_inside_a_template_call():
    def outer_fn():
        return vs.make_template("inner", lambda: vs.get_variable("w", [1], initializer=np.ones))()

    outer = vs.make_template("outer", outer_fn)
    assert outer() is outer() and outer().name == "outer/inner/w:0"


def test_trainable_variable_after_first_call_raises():
    template = vs.make_template("tm", lambda: vs.Variable(1.0, name="x"))
    template()
    with pytest.raises(ValueError, match="Trainable variable created when calling a template "
                                         "after the first time"):
        template()


def test_local_variables_may_be_created_on_every_call():
    template = vs.make_template("tm", lambda: vs.Variable(1.0, name="x", trainable=False))
    first, second = template(), template()
    assert (first.name, second.name) == ("tm/x:0", "tm_1/x:0")
    assert template.variables == [first] and template.trainable_variables == []
    assert template.non_trainable_variables == [first]


def test_name_none_raises():
    with pytest.raises(ValueError, match="name cannot be None."):
        vs.make_template(None, make_w)


def test_variables_filter_does_not_match_prefixes():
    with vs.variable_scope("ab"):
        vs.get_variable("v", [1], initializer=np.zeros)
    template = vs.make_template("a", make_w)
    template()
    assert [v.name for v in template.variables] == ["a/w:0"]


def test_template_scope_avoids_existing_scopes():
    with vs.variable_scope("ab"):
        pass
    template = vs.make_template("ab", make_w)
    w, _ = template()
    assert template.variable_scope.name == "ab_1" and w.name == "ab_1/w:0"


def test_template_called_first_under_reuse_fails():
    with vs.variable_scope("x", reuse=True):
        template = vs.make_template("tm", make_w)
        with pytest.raises(ValueError, match="Variable x/tm/w does not exist"):
            template()


def test_failed_first_call_can_be_retried():
    fail = [True]

    def fn():
        w = vs.get_variable("w", [1], initializer=np.ones)
        if fail.pop():
            raise RuntimeError("first call fails")
        return w

    template = vs.make_template("tm", fn, create_scope_now_=True)
    with pytest.raises(RuntimeError):
        template()
    with pytest.raises(ValueError, match="already exists"):  # TF: not a reusing call yet.
        template()


def test_custom_getter_applies_to_every_call():
    names = []

    def getter(getter, name, *args, **kwargs):
        names.append(name)
        return getter(name, *args, **kwargs)

    for create_now in (False, True):
        template = vs.make_template(f"tm{create_now}", make_w, create_scope_now_=create_now,
                                    custom_getter_=getter)
        template()
        template()
    assert names == ["tmFalse/w"] * 2 + ["tmTrue/w"] * 2


def test_reentering_the_definition_scope_with_reuse_shares():
    with vs.variable_scope("scope") as scope:
        first = vs.make_template("tm", make_w)
        (w1, _) = first()
    with vs.variable_scope(scope, reuse=True):
        second = vs.make_template("tm", make_w)
        (w2, _) = second()
    assert w1 is w2 and first.variables == second.variables == [w1]
    assert [v.name for v in vs.global_variables()] == ["scope/tm/w:0"]
