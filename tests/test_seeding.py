"""TF 1.x seeding: (graph seed, op seed) -> Philox (seed, stream), shared draws."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import varshare.random as vsr
from varshare._core.graph import Graph, get_default_graph, set_random_seed
from varshare._init.initializers import random_normal_initializer, truncated_normal_initializer
from varshare._init.partitions import PartitionInfo
from varshare._core.seeding import DEFAULT_GRAPH_SEED


def kernel_seed(op_seed):
    return get_default_graph().seeds.kernel_seed(op_seed)


def variable_creation():
    return get_default_graph().seeds.creating_variable()


@pytest.fixture(autouse=True)
def graph():
    with Graph().as_default() as g:
        yield g


def test_graph_and_op_seed_are_key_and_stream():
    set_random_seed(7)
    assert kernel_seed(3) == (7, 3)
    assert kernel_seed(3) == (7, 3)


def test_op_seed_alone_uses_tf_default_graph_seed():
    assert DEFAULT_GRAPH_SEED == 87654321
    assert kernel_seed(5) == (87654321, 5)


def test_graph_seed_alone_counts_unseeded_ops_in_creation_order(graph):
    set_random_seed(11)
    assert [kernel_seed(None) for _ in range(3)] == [(11, 0), (11, 1), (11, 2)]
    assert kernel_seed(9) == (11, 9)          # explicit op seeds do not advance the counter
    assert kernel_seed(None) == (11, 3)
    assert graph.seeds.op_count == 4


def test_counter_is_per_graph():
    set_random_seed(1)
    kernel_seed(None)
    with Graph().as_default():
        set_random_seed(1)
        assert kernel_seed(None) == (1, 0)


def test_no_seeds_draw_fresh_entropy_every_time(graph):
    draws = {kernel_seed(None) for _ in range(4)}
    assert len(draws) == 4
    assert all(0 <= word < 2**64 for draw in draws for word in draw)
    assert graph.seeds.op_count == 0


def test_seeds_wrap_modulo_2_64():
    set_random_seed(-1)
    assert kernel_seed(-2) == (2**64 - 1, 2**64 - 2)
    set_random_seed(2**64 + 5)
    assert kernel_seed(2**40) == (5, 2**40)     # no reduction modulo 2**31 - 1, unlike TF


@pytest.mark.parametrize("seed", [1.5, "1"])
def test_bad_seed(seed):
    with pytest.raises(TypeError, match="seed must be an integer or None"):
        random_normal_initializer(seed=seed)
    set_random_seed(seed)
    with pytest.raises(TypeError, match="graph seed must be an integer or None"):
        kernel_seed(None)


def test_initializer_values_follow_the_mapping():
    set_random_seed(123)
    init = random_normal_initializer(mean=1.0, stddev=2.0)
    first, second = init([4, 5]), init([4, 5])
    np.testing.assert_array_equal(first, vsr.normal([4, 5], 123, 1.0, 2.0, stream=0))
    np.testing.assert_array_equal(second, vsr.normal([4, 5], 123, 1.0, 2.0, stream=1))


def test_same_graph_seed_same_program_same_values():
    def program():
        with Graph().as_default():
            set_random_seed(42)
            init = truncated_normal_initializer()
            return [init([3, 3]), init([3, 3]), truncated_normal_initializer(seed=1)([2])]

    a, b = program(), program()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(a[0], a[1])


def test_unseeded_without_graph_seed_differs_between_calls():
    init = random_normal_initializer()
    assert not np.array_equal(init([16]), init([16]))


def test_variable_creation_shares_one_draw(graph):
    set_random_seed(3)
    with variable_creation():
        assert kernel_seed(None) == kernel_seed(None) == (3, 0)
        assert kernel_seed(8) == (3, 8)
        with variable_creation():                 # nested creations join the outer one
            assert kernel_seed(None) == (3, 0)
    assert kernel_seed(None) == (3, 1)
    assert graph.seeds.op_count == 2


def test_variable_creation_shares_entropy():
    with variable_creation():
        first = kernel_seed(None)
        assert kernel_seed(None) == first
    assert kernel_seed(None) != first


def test_variable_creation_ends_on_error():
    with pytest.raises(RuntimeError):
        with variable_creation():
            first = kernel_seed(None)
            raise RuntimeError
    assert kernel_seed(None) != first


def test_failed_variable_creation_gives_back_its_counter_draws(graph):
    set_random_seed(4)
    with pytest.raises(RuntimeError):
        with variable_creation():
            assert kernel_seed(None) == (4, 0)
            raise RuntimeError
    assert graph.seeds.op_count == 0
    assert kernel_seed(None) == (4, 0)


def test_variable_creation_is_thread_local():
    seen = []
    with variable_creation():
        mine = kernel_seed(None)
        thread = threading.Thread(target=lambda: seen.append(kernel_seed(None)))
        thread.start()
        thread.join()
    assert seen[0] != mine


def test_unseeded_partitioned_variable_is_a_slice_of_the_whole():
    """All shards created in one variable_creation() share the draw of the whole."""
    def build(shards):
        with Graph().as_default():
            set_random_seed(5)
            init = truncated_normal_initializer(stddev=0.1)
            with variable_creation():
                return [init(shape, partition_info=info) for shape, info in shards]

    full = (10, 3)
    (whole,) = build([(full, None)])
    parts = build([((4, 3), PartitionInfo(full, (0, 0))), ((3, 3), PartitionInfo(full, (4, 0))),
                   ((3, 3), PartitionInfo(full, (7, 0)))])
    np.testing.assert_array_equal(np.concatenate(parts), whole)


PROGRAM = """
import sys
import varshare._init.initializers as vi
from varshare._core.graph import set_random_seed
set_random_seed(2024)
values = [vi.truncated_normal_initializer()([64, 8]), vi.glorot_uniform_initializer()([8, 8]),
          vi.random_uniform_initializer(0, 100, seed=3, dtype="int64")([5]),
          vi.orthogonal_initializer()([4, 4])]
sys.stdout.buffer.write(b"".join(v.tobytes() for v in values))
"""


def test_determinism_across_processes():
    env = dict(os.environ, PYTHONHASHSEED="random")
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    runs = [subprocess.run([sys.executable, "-c", PROGRAM], env=env, capture_output=True,
                           check=True).stdout for _ in range(2)]
    here = {}
    exec(PROGRAM.replace("sys.stdout.buffer.write", "here['out'] = "), {"here": here})
    assert runs[0] == runs[1] == here["out"]
    assert len(runs[0]) == (64 * 8 + 8 * 8) * 4 + 5 * 8 + 16 * 4
