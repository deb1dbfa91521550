"""Scope-layer overheads: reuse lookups, mass creation, template calls."""

import numpy as np
import pytest

import varshare as vs


def zeros(shape, dtype=None, partition_info=None):
    return np.zeros(shape, dtype)


@pytest.mark.benchmark(group="scope")
def test_get_variable_reuse(benchmark):
    """get_variable of an existing small variable under reuse (target <= 10 us)."""
    with vs.Graph().as_default():
        with vs.variable_scope("model"):
            with vs.variable_scope("layer"):
                v = vs.get_variable("w", [4, 4], initializer=zeros)
        with vs.variable_scope("model", reuse=True):
            with vs.variable_scope("layer"):
                assert benchmark(vs.get_variable, "w", [4, 4]) is v


@pytest.mark.benchmark(group="scope")
@pytest.mark.parametrize("n", [10_000])
def test_create_10k_variables_in_nested_scopes(benchmark, n):
    """10^4 small variables in 100 x 10 nested scopes (target <= 1 s)."""

    def setup():
        graph = vs.Graph()
        return (graph,), {}

    def create(graph):
        with graph.as_default():
            for i in range(100):
                with vs.variable_scope(f"block{i}"):
                    for j in range(10):
                        with vs.variable_scope(f"layer{j}"):
                            for k in range(n // 1000):
                                vs.get_variable(f"v{k}", [8], initializer=zeros)
        assert len(graph.get_collection("variables")) == n

    benchmark.pedantic(create, setup=setup, rounds=3)


@pytest.mark.benchmark(group="scope")
def test_make_template_call(benchmark):
    """A template call that reuses two variables."""

    def dense(x):
        w = vs.get_variable("w", [4, 4], initializer=zeros)
        b = vs.get_variable("b", [4], initializer=zeros)
        return w, b

    with vs.Graph().as_default():
        template = vs.make_template("dense", dense)
        first = template(None)
        assert benchmark(template, None) == first
