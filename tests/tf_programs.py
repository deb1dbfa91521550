"""TF 1.x programs written once against an API module: ``tf.compat.v1`` or ``varshare``.

tools/record_tf_parity.py runs them on TensorFlow and records the results in
tests/data/tf_parity.json; tests/test_tf_parity.py runs them on varshare and compares. Each
runs in the caller's fresh default graph.
"""

from __future__ import annotations

from types import ModuleType


def names(variables: list) -> list[str]:
    return [v.name for v in variables]


def custom_getter_trainable(api: ModuleType) -> dict:
    """What a custom getter receives as ``trainable``."""
    seen = {}

    def getter(getter, name, *args, **kwargs):
        seen[name] = kwargs["trainable"]
        return getter(name, *args, **kwargs)

    with api.variable_scope("s", custom_getter=getter):
        api.get_variable("default", [1])
        api.get_variable("false", [1], trainable=False)
        api.get_variable("on_read", [1], synchronization=api.VariableSynchronization.ON_READ)
    return seen


def scope_collections(api: ModuleType) -> dict:
    """A scope's collection helpers, and the root scope's."""
    with api.variable_scope("a") as a:
        api.get_variable("w", [1])
        api.get_variable("n", [1], trainable=False)
        api.get_variable("l", [1], collections=[api.GraphKeys.LOCAL_VARIABLES])
    with api.variable_scope("ab"):
        api.get_variable("w", [1])
    root = api.get_variable_scope()
    return {"a.global_variables": names(a.global_variables()),
            "a.trainable_variables": names(a.trainable_variables()),
            "a.local_variables": names(a.local_variables()),
            "a.get_collection(trainable)": names(a.get_collection(
                api.GraphKeys.TRAINABLE_VARIABLES)),
            "root.global_variables": names(root.global_variables())}


def local_variables(api: ModuleType) -> dict:
    """``get_local_variable``: names, collections, reuse."""
    with api.variable_scope("outer"):
        w = api.get_local_variable("w", [1], trainable=True)
        extra = api.get_local_variable("e", [1], collections=["mine"])
    with api.variable_scope("outer", reuse=True):
        again = api.get_local_variable("w", [1])
    return {"names": [w.name, extra.name], "reused": again is w,
            "local": names(api.get_collection(api.GraphKeys.LOCAL_VARIABLES)),
            "mine": names(api.get_collection("mine")),
            "global": names(api.get_collection(api.GraphKeys.GLOBAL_VARIABLES)),
            "trainable": names(api.get_collection(api.GraphKeys.TRAINABLE_VARIABLES))}


PROGRAMS = {"custom_getter_trainable": custom_getter_trainable,
            "scope_collections": scope_collections, "local_variables": local_variables}
