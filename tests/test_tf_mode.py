"""TF mode: TensorFlow's random streams bit for bit (docs/tf-mode.md).

The golden file holds TensorFlow 2.21's outputs (glibc 2.36, x86-64) as IEEE bit patterns.
Normals call the platform's libm as TensorFlow does, so their golden bits are checked where
libm is glibc; everything else is pure integer/IEEE arithmetic and checked everywhere.
"""

import contextlib
import ctypes.util
import itertools
import json
import pathlib
import platform
import threading

import numpy as np
import pytest

import varshare as vs
from varshare.random import _tf

GOLDEN = json.loads((pathlib.Path(__file__).parent / "data" / "tf_philox_golden.json").read_text())
GLIBC = platform.libc_ver()[0] == "glibc" and ctypes.util.find_library("m") is not None
needs_glibc = pytest.mark.skipif(not GLIBC, reason="normal golden bits come from glibc's libm")
BITS = {"float32": np.uint32, "float64": np.uint64}
INITIALIZERS = {name: getattr(vs, name) for name in (
    "random_normal_initializer", "truncated_normal_initializer", "random_uniform_initializer",
    "glorot_uniform_initializer", "variance_scaling_initializer")}


def bits(values, dtype):
    return np.asarray(values).view(BITS[dtype]).ravel()


def libm_mark(op):
    return needs_glibc if "normal" in op else []


# ------------------------------------------------------------------ golden file

@pytest.mark.parametrize("entry", GOLDEN["stateless_key_counter"], ids=str)
def test_stateless_key_counter(entry):
    assert _tf.stateless_key_counter(entry["seed"]) == (entry["key"], entry["counter"])


@pytest.mark.parametrize("entry", [
    pytest.param(e, marks=libm_mark(e["op"]), id=f"{e['op']}-{e['dtype']}-{e['seed']}")
    for e in GOLDEN["stateless"]])
def test_stateless_golden(entry):
    func = getattr(vs.random, entry["op"])
    value = func(entry["shape"], entry["seed"], dtype=entry["dtype"])
    assert value.dtype == entry["dtype"] and value.shape == tuple(entry["shape"])
    np.testing.assert_array_equal(bits(value, entry["dtype"]), entry["bits"])


def _graph_cases():
    def key(entry):
        return entry["graph_seed"], entry["op_seed"]
    for seeds, entries in itertools.groupby(GOLDEN["tf1_graph"], key=key):
        yield pytest.param(seeds, sorted(entries, key=lambda e: e["creation_index_in_graph"]),
                           marks=needs_glibc, id=f"G={seeds[0]}-S={seeds[1]}")


def _make(entry, **kwargs):
    """The golden entry's initializer, e.g. "random_uniform_initializer(-0.08, 0.08)"."""
    name, args = entry["initializer"].rstrip(")").split("(")
    return eval(f"INITIALIZERS[name]({args}{', ' if args else ''}**kwargs)",
                {"INITIALIZERS": INITIALIZERS, "name": name, "kwargs": kwargs})


@pytest.mark.parametrize("how", ["graph", "context", "keyword"])
@pytest.mark.parametrize("seeds, entries", list(_graph_cases()))
def test_tf1_graph_golden(seeds, entries, how):
    graph = vs.Graph(random_algorithm="tf" if how == "graph" else "varshare")
    keyword = {"algorithm": "tf"} if how == "keyword" else {}
    context = vs.random_algorithm("tf") if how == "context" else contextlib.nullcontext()
    with graph.as_default(), context:
        vs.set_random_seed(seeds[0])
        values = [_make(e, seed=seeds[1], **keyword)(e["shape"], dtype=e["dtype"])
                  for e in entries]
    for entry, value in zip(entries, values):
        np.testing.assert_array_equal(bits(value, entry["dtype"]), entry["bits"])


@needs_glibc
def test_get_variable_in_a_tf_graph_gives_tf_values():
    entry = GOLDEN["tf1_graph"][0]
    with vs.Graph(random_algorithm="tf").as_default():
        vs.set_random_seed(entry["graph_seed"])
        v = vs.get_variable("w", entry["shape"], initializer=_make(entry, seed=entry["op_seed"]))
    np.testing.assert_array_equal(bits(v.numpy(), "float32"), entry["bits"])


# ------------------------------------------------------------------ seeds

def test_tf_seed_rule(graph):
    tf_seeds = graph.seeds.tf_seeds
    graph.seed = 5
    assert [tf_seeds(None) for _ in range(3)] == [(5, 0), (5, 1), (5, 2)]
    assert tf_seeds(2**31 + 3) == (5, 4)              # reduced modulo 2**31 - 1
    assert tf_seeds(-7) == (5, 2**31 - 1 - 7)
    graph.seed = 0
    assert tf_seeds(0) == (0, 2**31 - 1)               # TF avoids (0, 0)
    graph.seed = None
    assert tf_seeds(9) == (87654321, 9)
    assert tf_seeds(None) != tf_seeds(None)           # OS entropy


def test_partitioned_shards_draw_like_tf():
    init = vs.random_normal_initializer(seed=3, algorithm="tf")
    v = vs.get_variable("p", [8, 5], initializer=init, partitioner=vs.fixed_size_partitioner(2))
    first, second = (np.asarray(s) for s in v)
    np.testing.assert_array_equal(first, second)     # same seeds, same shape: TF's behaviour
    np.testing.assert_array_equal(first, init([4, 5]))


def test_partitioned_unseeded_shards_take_successive_counters(graph):
    graph.seed = 11
    with vs.random_algorithm("tf"):
        v = vs.get_variable("p", [6, 3], partitioner=vs.fixed_size_partitioner(3),
                            initializer=vs.truncated_normal_initializer())
    for n, shard in enumerate(v):
        np.testing.assert_array_equal(
            np.asarray(shard), vs.random.truncated_normal([2, 3], 11, stream=n, algorithm="tf"))
    assert graph.seeds.op_count == 3


def test_context_wins_over_the_graph_and_keyword_over_both():
    with vs.Graph(random_algorithm="tf").as_default():
        tf_value = vs.random_normal_initializer(seed=1)([3])
        with vs.random_algorithm("varshare"):
            own = vs.random_normal_initializer(seed=1)([3])
            np.testing.assert_array_equal(
                vs.random_normal_initializer(seed=1, algorithm="tf")([3]), tf_value)
    np.testing.assert_array_equal(tf_value, vs.random.normal(3, 87654321, stream=1,
                                                             algorithm="tf"))
    np.testing.assert_array_equal(own, vs.random_normal_initializer(seed=1)([3]))


def test_context_is_innermost_and_per_thread():
    init = vs.random_normal_initializer(seed=1)
    with vs.random_algorithm("tf"):
        tf_value = init([3])
        with vs.random_algorithm("varshare"):
            np.testing.assert_array_equal(init([3]), vs.random_normal_initializer(
                seed=1, algorithm="varshare")([3]))
        seen = []
        thread = threading.Thread(target=lambda: seen.append(vs.random_normal_initializer(
            seed=1)([3])))
        thread.start()
        thread.join()
        assert not np.array_equal(seen[0], tf_value)   # the other thread is not in TF mode
        np.testing.assert_array_equal(
            vs.random_normal_initializer(seed=1, algorithm="varshare")([3]), seen[0])
    np.testing.assert_array_equal(tf_value, vs.random_normal_initializer(
        seed=1, algorithm="tf")([3]))


def test_config_keeps_the_algorithm():
    init = vs.glorot_uniform_initializer(seed=4, algorithm="tf")
    assert init.get_config() == {"seed": 4, "dtype": "float32", "algorithm": "tf"}
    assert vs.glorot_uniform_initializer.from_config(init.get_config()).algorithm == "tf"
    assert "algorithm" not in vs.glorot_uniform_initializer().get_config()


def test_orthogonal_in_tf_mode_is_orthogonal_and_per_shard():
    init = vs.orthogonal_initializer(seed=2, algorithm="tf")
    q = init([6, 4])
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
    v = vs.get_variable("o", [8, 4], initializer=init, partitioner=vs.fixed_size_partitioner(2))
    np.testing.assert_array_equal(np.asarray(next(iter(v))), init([4, 4]))


# ------------------------------------------------------------------ invariances

CASES = [(f, dt) for f in ("uniform", "normal", "truncated_normal")
         for dt in ("float16", "float32", "float64")] + [("uniform", "int32"), ("uniform", "int64")]


def _draw(func, dtype, shape, **kwargs):
    args = (-5, 1000) if dtype.startswith("int") else (0.5, 2.0)
    return getattr(vs.random, func)(shape, 123, *args, dtype, stream=9, algorithm="tf", **kwargs)


@pytest.mark.parametrize("func, dtype", CASES)
def test_thread_count_never_changes_a_bit(func, dtype):
    one = _draw(func, dtype, (1 << 17) + 3, threads=1)
    for threads in (2, 3, 7):
        np.testing.assert_array_equal(_draw(func, dtype, (1 << 17) + 3, threads=threads), one)


@pytest.mark.parametrize("func, dtype", CASES)
def test_windows_offsets_and_layouts_are_slices(func, dtype):
    full = _draw(func, dtype, (9, 13))
    np.testing.assert_array_equal(_draw(func, dtype, (9, 13), window=np.s_[2:7, 3:12]),
                                  full[2:7, 3:12])
    np.testing.assert_array_equal(_draw(func, dtype, 50, offset=67), full.ravel()[67:117])
    out = np.zeros((13, 9), dtype).T
    assert _draw(func, dtype, (9, 13), out=out) is out
    np.testing.assert_array_equal(out, full)


def test_float16_and_integer_outputs_are_tf_conversions_of_the_same_words():
    seed = [4, 5]
    words = vs.random.stateless_uniform(1000, seed, None, None, "uint32")
    np.testing.assert_array_equal(  # 23 mantissa bits; float16 keeps 10 of them
        vs.random.stateless_uniform(1000, seed),
        ((words & 0x7FFFFF) | 0x3F800000).view(np.float32) - np.float32(1))
    np.testing.assert_array_equal(vs.random.stateless_uniform(1000, seed, dtype="float16"),
                                  (words & 0x3FF).astype(np.float16) / np.float16(1024))
    np.testing.assert_array_equal(vs.random.stateless_normal(1000, seed, dtype="float16"),
                                  vs.random.stateless_normal(1000, seed).astype(np.float16))
    wide = vs.random.stateless_uniform(500, seed, None, None, "uint64")
    np.testing.assert_array_equal(wide, words.view(np.uint64))
    np.testing.assert_array_equal(vs.random.stateless_uniform(1000, seed, -3, 10, "int32"),
                                  (words % 13).astype(np.int64) - 3)


def test_scaling_is_tf_python_wrappers():
    raw = vs.random.normal(100, 1, 0, 1, stream=2, algorithm="tf")
    np.testing.assert_array_equal(vs.random.normal(100, 1, 0.1, 0.05, stream=2, algorithm="tf"),
                                  raw * np.float32(0.05) + np.float32(0.1))
    unit = vs.random.uniform(100, 1, 0, 1, stream=2, algorithm="tf")
    np.testing.assert_array_equal(vs.random.uniform(100, 1, -2.0, 3.0, stream=2, algorithm="tf"),
                                  unit * np.float32(5.0) + np.float32(-2.0))
    np.testing.assert_array_equal(vs.random.uniform(100, 1, 0, -3.0, stream=2, algorithm="tf"),
                                  unit * np.float32(-3.0))   # keeps TF's -0.0


def test_default_stream_is_unchanged():
    assert not np.array_equal(vs.random.normal(64, 1), vs.random.normal(64, 1, algorithm="tf"))
    np.testing.assert_array_equal(vs.random.normal(64, 1, algorithm="varshare"),
                                  vs.random.normal(64, 1))


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, error, match", [
    (lambda: vs.random.uniform(3, 1, algorithm="jax"), ValueError, "algorithm"),
    (lambda: vs.Graph(random_algorithm="TF"), ValueError, "random_algorithm"),
    (lambda: vs.random_algorithm("numpy").__enter__(), ValueError, "name"),
    (lambda: vs.random_normal_initializer(algorithm="x"), ValueError, "algorithm"),
    (lambda: vs.random.stateless_normal(3, 7), TypeError, "seed"),
    (lambda: vs.random.stateless_normal(3, [1, 2, 3]), ValueError, "seed"),
    (lambda: vs.random.stateless_normal(3, [1, 2**63]), ValueError, "seed"),
    (lambda: vs.random.stateless_normal(3, [1, 2.5]), TypeError, "seed"),
    (lambda: vs.random.stateless_normal(3, [1, 2], alg="threefry"), ValueError, "alg"),
    (lambda: vs.random.stateless_normal(3, [1, 2], dtype="int32"), TypeError, "dtype"),
    (lambda: vs.random.stateless_normal(3, [1, 2], mean="0"), TypeError, "mean"),
    (lambda: vs.random.stateless_uniform(3, [1, 2], 0, None, "int32"), ValueError, "maxval"),
    (lambda: vs.random.stateless_uniform(3, [1, 2], 0, 5, "uint32"), ValueError, "uint32"),
    (lambda: vs.random.stateless_uniform(3, [1, 2], 5, 5, "int64"), ValueError, "minval"),
    (lambda: vs.random.stateless_uniform(3, [1, 2], 0, 2**31, "int32"), ValueError, "maxval"),
    (lambda: vs.random.uniform(3, 1, 0, None, "int32", algorithm="tf"), ValueError, "maxval"),
    (lambda: vs.random.normal(3, -1, algorithm="tf"), ValueError, "seed"),
    (lambda: vs.random.normal(3, 1, stream=2**64, algorithm="tf"), ValueError, "stream"),
    (lambda: vs.random.normal(3, 1, out=np.zeros(4, np.float32), algorithm="tf"),
     ValueError, "shape"),
])
def test_errors_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_tf_accepts_what_tf_accepts():
    assert vs.random.normal(4, 1, 0.0, -1.0, algorithm="tf").shape == (4,)     # stddev < 0
    assert (vs.random.uniform(4, 1, 2.0, 2.0, algorithm="tf") == 2.0).all()  # empty range
    assert vs.random.stateless_uniform([2, 2], np.array([1, 2], np.int64), name="x",
                                       alg="philox").shape == (2, 2)


# ------------------------------------------------------------------ against TensorFlow itself

def test_against_tensorflow():
    tf = pytest.importorskip("tensorflow")
    shape = [301, 7]
    for dtype in ("float16", "float32", "float64"):
        for op in ("stateless_uniform", "stateless_normal", "stateless_truncated_normal"):
            want = getattr(tf.random, op)(shape, [-3, 2**40], dtype=dtype).numpy()
            np.testing.assert_array_equal(getattr(vs.random, op)(shape, [-3, 2**40], dtype=dtype),
                                          want)
    for dtype in ("int32", "int64"):
        want = tf.random.stateless_uniform(shape, [5, 6], -9, 12345, dtype=dtype).numpy()
        np.testing.assert_array_equal(vs.random.stateless_uniform(shape, [5, 6], -9, 12345, dtype),
                                      want)
