"""Initializers: formulas, bounds, TF 1.x behaviours, shards equal to slices."""

import itertools
import math

import numpy as np
import pytest

import varshare as vs
import varshare.random as vsr
from varshare._init import initializers as vi
from varshare._core.graph import Graph, set_random_seed
from varshare._init.partitions import PartitionInfo

G, S = 1234, 77  # graph seed and op seed used throughout: kernel (seed, stream) = (G, S)


@pytest.fixture(autouse=True)
def graph():
    with Graph().as_default() as g:
        set_random_seed(G)
        yield g


def assert_bits_equal(actual, expected):
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_array_equal(actual.reshape(-1).view(np.uint8),
                                  expected.reshape(-1).view(np.uint8))


# ----------------------------------------------------------------------- formulas

def test_random_normal_is_one_fused_kernel_call():
    out = vi.random_normal_initializer(mean=3.0, stddev=0.5, seed=S)([40, 50])
    assert_bits_equal(out, vsr.normal([40, 50], G, 3.0, 0.5, stream=S))


def test_truncated_normal_is_one_fused_kernel_call_and_bounded():
    out = vi.truncated_normal_initializer(mean=-1.0, stddev=2.0, seed=S)([200, 100])
    assert_bits_equal(out, vsr.truncated_normal([200, 100], G, -1.0, 2.0, stream=S))
    assert np.abs(out + 1.0).max() <= 4.0


def test_random_uniform_bounds():
    out = vi.random_uniform_initializer(-2.0, 3.0, seed=S)([100, 100])
    assert_bits_equal(out, vsr.uniform([100, 100], G, -2.0, 3.0, stream=S))
    assert out.min() >= -2.0 and out.max() < 3.0
    default = vi.random_uniform_initializer(seed=S)([1000])  # maxval None means 1
    assert default.min() >= 0.0 and default.max() < 1.0


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_random_uniform_integers(dtype):
    out = vi.random_uniform_initializer(-3, 4, seed=S, dtype=dtype)([2000])
    assert out.dtype == dtype
    assert set(np.unique(out)) == set(range(-3, 4))


def test_random_uniform_integer_needs_maxval():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype int32"):
        vi.random_uniform_initializer(dtype="int32")([3])


def test_random_uniform_empty_range_is_the_constant():
    assert_bits_equal(vi.random_uniform_initializer(5.0, 5.0)([3]), np.full(3, 5, np.float32))


@pytest.mark.parametrize("shape, full_shape, fan_in", [
    ([20, 30], None, 20), ([3, 3, 8, 16], None, 72), ([7], None, 1), ([], None, 1),
    ([5, 30], [20, 30], 20),
])
def test_uniform_unit_scaling_limit(shape, full_shape, fan_in):
    out = vi.uniform_unit_scaling_initializer(1.5, seed=S, full_shape=full_shape)(shape)
    limit = 1.5 * math.sqrt(3.0 / fan_in)
    assert_bits_equal(out, vsr.uniform(shape, G, -limit, limit, stream=S))


def test_uniform_unit_scaling_uses_partition_full_shape():
    info = PartitionInfo([40, 6], [10, 0])
    out = vi.uniform_unit_scaling_initializer(seed=S)([10, 6], partition_info=info)
    limit = math.sqrt(3.0 / 40)
    full = vsr.uniform([40, 6], G, -limit, limit, stream=S)
    assert_bits_equal(out, full[10:20])


def test_uniform_unit_scaling_full_shape_wins_over_partition_info():
    init = vi.uniform_unit_scaling_initializer(seed=S, full_shape=[300, 6])
    out = init([10, 6], partition_info=PartitionInfo([40, 6], [0, 0]))
    assert np.abs(out).max() <= math.sqrt(3.0 / 300)


# TF's _compute_fans: (fan_in, fan_out) for a shape.
FANS = [([], 1, 1), ([6], 6, 6), ([6, 10], 6, 10), ([3, 3, 8, 16], 72, 144),
        ([2, 5, 4, 7], 40, 70), ([5, 3, 1], 15, 5)]


@pytest.mark.parametrize("shape, fan_in, fan_out", FANS)
@pytest.mark.parametrize("mode", ["fan_in", "fan_out", "fan_avg"])
@pytest.mark.parametrize("distribution", ["normal", "truncated_normal", "untruncated_normal",
                                          "uniform"])
def test_variance_scaling_parameters(shape, fan_in, fan_out, mode, distribution):
    fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    scale = 2.0 / max(1.0, fan)
    out = vi.variance_scaling_initializer(2.0, mode, distribution, seed=S)(shape)
    if distribution == "uniform":
        limit = math.sqrt(3 * scale)
        expected = vsr.uniform(shape, G, -limit, limit, stream=S)
    elif distribution == "untruncated_normal":
        expected = vsr.normal(shape, G, 0.0, math.sqrt(scale), stream=S)
    else:
        stddev = math.sqrt(scale) / 0.87962566103423978
        expected = vsr.truncated_normal(shape, G, 0.0, stddev, stream=S)
    assert_bits_equal(out, expected)


@pytest.mark.parametrize("distribution", ["truncated_normal", "untruncated_normal", "uniform"])
def test_variance_scaling_has_the_intended_variance(distribution):
    # As TF's init_ops_test: the sample variance is close to scale / fan_in.
    out = vi.variance_scaling_initializer(1.0, "fan_in", distribution, seed=S)([100, 4000])
    assert abs(out.mean()) < 2e-3
    assert out.var() == pytest.approx(1 / 100, rel=0.02)


def test_variance_scaling_fans_come_from_the_full_shape():
    info = PartitionInfo([3, 3, 8, 16], [0, 0, 0, 4])
    init = vi.variance_scaling_initializer(seed=S, distribution="uniform", mode="fan_avg")
    limit = math.sqrt(3.0 / 108)
    full = vsr.uniform([3, 3, 8, 16], G, -limit, limit, stream=S)
    assert_bits_equal(init([3, 3, 8, 4], partition_info=info), full[..., 4:8])


@pytest.mark.parametrize("kwargs, message", [
    ({"scale": 0.0}, r"Argument `scale` must be a positive float. Received: 0.0"),
    ({"scale": -1}, r"Received: -1"),
    ({"mode": "fan"}, r"Argument `mode` should be one of \('fan_in', 'fan_out', 'fan_avg'\)"
                      r". Received: fan"),
    ({"distribution": "gamma"}, r"Argument `distribution` should be one of .* Received: gamma"),
])
def test_variance_scaling_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        vi.variance_scaling_initializer(**kwargs)


def test_variance_scaling_distribution_is_case_insensitive():
    assert vi.variance_scaling_initializer(distribution="Uniform").distribution == "uniform"


@pytest.mark.parametrize("glorot, distribution", [
    (vi.glorot_uniform_initializer, "uniform"),
    (vi.glorot_normal_initializer, "truncated_normal"),
])
def test_glorot_is_fan_avg_variance_scaling(glorot, distribution):
    shape = [5, 5, 16, 32]
    expected = vi.variance_scaling_initializer(1.0, "fan_avg", distribution, seed=S)(shape)
    assert_bits_equal(glorot(seed=S)(shape), expected)


def test_glorot_uniform_limit():
    out = vi.glorot_uniform_initializer(seed=S)([300, 100])
    assert np.abs(out).max() <= math.sqrt(6 / 400)
    assert np.abs(out).max() > 0.99 * math.sqrt(6 / 400)


# ----------------------------------------------------------------------- orthogonal

@pytest.mark.parametrize("shape", [[10, 10], [30, 10], [10, 30], [3, 4, 5, 6]])
@pytest.mark.parametrize("dtype, tol", [("float32", 1e-5), ("float64", 1e-12)])
def test_orthogonal_is_orthogonal(shape, dtype, tol):
    out = vi.orthogonal_initializer(gain=2.0, seed=S, dtype=dtype)(shape)
    assert out.shape == tuple(shape) and out.dtype == dtype
    m = out.reshape(-1, shape[-1])
    gram = m.T @ m if m.shape[0] >= m.shape[1] else m @ m.T
    np.testing.assert_allclose(gram, 4.0 * np.eye(len(gram)), atol=tol * 10)


def test_orthogonal_is_sign_corrected_q_of_a_philox_normal_matrix():
    out = vi.orthogonal_initializer(seed=S, dtype="float64")([4, 7])
    a = vsr.normal([7, 4], G, dtype="float64", stream=S)
    q, r = np.linalg.qr(a)
    np.testing.assert_array_equal(out, (q * np.sign(np.diag(r))).T)
    assert (np.diag(np.linalg.qr(out.T)[1]) * np.diag(r) > 0).all()


def test_orthogonal_float16():
    out = vi.orthogonal_initializer(seed=S, dtype="float16")([8, 8])
    assert out.dtype == np.float16
    np.testing.assert_allclose(out.astype(np.float32) @ out.T.astype(np.float32), np.eye(8),
                               atol=1e-2)


@pytest.mark.parametrize("shape", [[], [5]])
def test_orthogonal_needs_two_dimensions(shape):
    with pytest.raises(ValueError, match="must be at least two-dimensional"):
        vi.orthogonal_initializer()(shape)


# ----------------------------------------------------------------------- constant

def test_constant_scalar():
    assert_bits_equal(vi.constant_initializer(2.5)([2, 3]), np.full((2, 3), 2.5, np.float32))


def test_constant_pads_with_the_last_value():
    assert_bits_equal(vi.constant_initializer([1, 2])([5]), np.array([1, 2, 2, 2, 2], "f4"))
    value = np.array([[1, 2], [3, 4]])
    assert_bits_equal(vi.constant_initializer(value)([3, 2]),
                      np.array([[1, 2], [3, 4], [4, 4]], "f4"))


def test_constant_reshapes_values():
    out = vi.constant_initializer([1, 2, 3, 4, 5, 6])([2, 3])
    assert_bits_equal(out, np.arange(1, 7, dtype="f4").reshape(2, 3))


def test_constant_too_many_values():
    with pytest.raises(ValueError,
                       match=r"^Too many elements provided. Takes at most 2, but got 3.$"):
        vi.constant_initializer([1, 2, 3])([2])


def test_constant_verify_shape():
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(2, 2\), but got \(4,\)."):
        vi.constant_initializer([1, 2, 3, 4], verify_shape=True)([2, 2])
    assert vi.constant_initializer([[1, 2]], verify_shape=True)([1, 2]).shape == (1, 2)


def test_constant_empty_value_is_zeros():
    assert_bits_equal(vi.constant_initializer([])([2]), np.zeros(2, np.float32))


@pytest.mark.parametrize("value, dtype, expected", [
    (3, "int32", np.array([3, 3, 3], "i4")),
    ([True, False], "bool", np.array([True, False, False])),
    (np.array([1.0, 2.0]), "int64", np.array([1, 2, 2], "i8")),   # arrays are cast
    ([True, 2], "float64", np.array([1.0, 2.0, 2.0])),
])
def test_constant_integer_and_bool(value, dtype, expected):
    assert_bits_equal(vi.constant_initializer(value, dtype=dtype)([3]), expected)


@pytest.mark.parametrize("value, dtype, message", [
    ([1, 2.0], "int32", r"Expected int32, but got 2.0 of type 'float'."),
    (2.5, "int64", r"Expected int64, but got 2.5 of type 'float'."),
    ([1, 0], "bool", r"Expected bool, but got 1 of type 'int'."),
])
def test_constant_python_values_must_fit_the_dtype(value, dtype, message):
    with pytest.raises(TypeError, match=message):
        vi.constant_initializer(value, dtype=dtype)([2])


@pytest.mark.parametrize("value", [None, {1: 2}])
def test_constant_bad_value_type(value):
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        vi.constant_initializer(value)


def test_constant_shard_is_the_slice_of_the_padded_whole():
    init = vi.constant_initializer(list(range(7)))
    whole = init([4, 3])
    info = PartitionInfo([4, 3], [0, 1])
    assert_bits_equal(init([4, 2], partition_info=info), whole[:, 1:3])


# ----------------------------------------------------------------------- zeros / ones

@pytest.mark.parametrize("fn, fill", [(vi.zeros_initializer, 0), (vi.ones_initializer, 1)])
def test_zeros_and_ones_call_styles(fn, fill):
    assert_bits_equal(fn([2, 3]), np.full((2, 3), fill, np.float32))            # direct call
    assert_bits_equal(fn([2], "int32"), np.full(2, fill, np.int32))
    assert_bits_equal(fn()([2, 3]), np.full((2, 3), fill, np.float32))          # TF 1.x
    assert_bits_equal(fn(dtype="float64")([2]), np.full(2, fill, np.float64))
    assert_bits_equal(fn(np.int64)([2]), np.full(2, fill, np.int64))
    assert_bits_equal(fn()([2], dtype="bool"), np.full(2, fill, bool))
    info = PartitionInfo([4], [2])
    assert_bits_equal(fn([2], dtype="float16", partition_info=info), np.full(2, fill, "f2"))
    assert fn([]).shape == ()
    assert fn(3).shape == (3,)


@pytest.mark.parametrize("fn, fill", [(vi.zeros_initializer, 0), (vi.ones_initializer, 1)])
def test_zeros_and_ones_as_get_variable_initializers(fn, fill):
    """get_variable accepts the class itself as well as an instance."""
    bare = vs.get_variable("bare", [2], initializer=fn)
    made = vs.get_variable("made", [3], dtype=vs.int32, initializer=fn())
    assert (bare.dtype, bare.numpy().tolist()) == (np.float32, [fill] * 2)
    assert (made.dtype, made.numpy().tolist()) == (np.int32, [fill] * 3)


# ----------------------------------------------------------------------- dtypes

FLOAT_ONLY = [vi.random_normal_initializer, vi.truncated_normal_initializer,
              vi.uniform_unit_scaling_initializer, vi.variance_scaling_initializer,
              vi.glorot_uniform_initializer, vi.glorot_normal_initializer,
              vi.orthogonal_initializer]


@pytest.mark.parametrize("make", FLOAT_ONLY)
@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_float_only_initializers_reject_other_dtypes(make, dtype):
    """At construction TF's ValueError; at call time TF's TypeError from converting the
    first parameter (tests/test_tf_parity.py holds TF's own texts)."""
    message = f"Argument `dtype` is expected to be floating point. Received: <dtype: '{dtype}'>."
    with pytest.raises(ValueError, match=message):
        make(dtype=dtype)
    with pytest.raises(TypeError, match=f"^Expected {dtype}, but got .* of type 'float'.$"):
        make()([2, 2], dtype=dtype)


def test_random_uniform_rejects_bool():
    with pytest.raises(ValueError, match="Argument `dtype` got invalid value <dtype: 'bool'>"):
        vi.random_uniform_initializer(dtype="bool")
    with pytest.raises(ValueError, match="Argument `dtype` got invalid value <dtype: 'bool'>"):
        vi.random_uniform_initializer()([2], dtype="bool")


@pytest.mark.parametrize("make", FLOAT_ONLY + [vi.random_uniform_initializer])
@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_call_dtype_overrides_constructor(make, dtype):
    out = make(seed=S)([4, 6], dtype=dtype)
    assert out.dtype == dtype
    assert_bits_equal(out, make(seed=S, dtype=dtype)([4, 6]))


def test_python_float_means_float32():
    assert vi.random_normal_initializer(dtype=float)([2]).dtype == np.float32


# ----------------------------------------------------------------------- config

CONFIGS = [
    (vi.zeros_initializer(), {"dtype": "float32"}),
    (vi.ones_initializer("int64"), {"dtype": "int64"}),
    (vi.constant_initializer([1, 2], dtype="int32"), {"value": [1, 2], "dtype": "int32"}),
    (vi.random_uniform_initializer(), {"minval": 0, "maxval": None, "seed": None,
                                       "dtype": "float32"}),
    (vi.random_normal_initializer(seed=1), {"mean": 0.0, "stddev": 1.0, "seed": 1,
                                            "dtype": "float32"}),
    (vi.truncated_normal_initializer(1.0, 2.0, 3, "float64"),
     {"mean": 1.0, "stddev": 2.0, "seed": 3, "dtype": "float64"}),
    (vi.uniform_unit_scaling_initializer(1.43, full_shape=[4, 4]),
     {"factor": 1.43, "seed": None, "dtype": "float32", "full_shape": (4, 4)}),
    (vi.variance_scaling_initializer(), {"scale": 1.0, "mode": "fan_in",
                                         "distribution": "truncated_normal", "seed": None,
                                         "dtype": "float32"}),
    (vi.glorot_uniform_initializer(seed=3, dtype="float64"), {"seed": 3, "dtype": "float64"}),
    (vi.glorot_normal_initializer(), {"seed": None, "dtype": "float32"}),
    (vi.orthogonal_initializer(0.5), {"gain": 0.5, "seed": None, "dtype": "float32"}),
]


@pytest.mark.parametrize("init, config", CONFIGS)
def test_get_config_round_trips(init, config):
    assert init.get_config() == config
    assert type(init).from_config(config).get_config() == config


# ----------------------------------------------------------------------- shards

RANDOM = {
    "random_normal": vi.random_normal_initializer(0.5, 2.0, seed=S),
    "truncated_normal": vi.truncated_normal_initializer(stddev=0.1, seed=S),
    "random_uniform": vi.random_uniform_initializer(-1.0, 2.0, seed=S),
    "random_uniform_int": vi.random_uniform_initializer(-5, 50, seed=S, dtype="int64"),
    "uniform_unit_scaling": vi.uniform_unit_scaling_initializer(seed=S),
    "variance_scaling": vi.variance_scaling_initializer(seed=S),
    "variance_scaling_normal": vi.variance_scaling_initializer(2.0, "fan_out",
                                                               "untruncated_normal", seed=S),
    "glorot_uniform": vi.glorot_uniform_initializer(seed=S),
    "glorot_normal": vi.glorot_normal_initializer(seed=S),
    "orthogonal": vi.orthogonal_initializer(seed=S),
    "unseeded_truncated_normal": vi.truncated_normal_initializer(),
}
SHAPES = [(23,), (9, 7), (5, 6, 7), (3, 4, 5, 6)]


def tf_shards(length, count):
    """TF's shard sizes along an axis: the first ``length % count`` are one larger."""
    base, extra = divmod(length, count)
    return [base + (k < extra) for k in range(count)]


def fresh(graph, init, *args, **kwargs):
    """Call ``init`` with the graph's counter reset, so unseeded calls draw alike."""
    graph.seeds.op_count = 0
    return init(*args, **kwargs)


@pytest.mark.parametrize("name, full", [
    (name, full) for name in RANDOM for full in SHAPES
    if not (name == "orthogonal" and len(full) < 2)])  # orthogonal needs a matrix
def test_shards_concatenate_to_the_whole(graph, name, full):
    init = RANDOM[name]
    whole = fresh(graph, init, full)
    for axis, count in itertools.product(range(len(full)), (2, 3)):
        parts, start = [], 0
        for size in tf_shards(full[axis], count):
            shape = full[:axis] + (size,) + full[axis + 1:]
            offset = [0] * len(full)
            offset[axis] = start
            parts.append(fresh(graph, init, shape, partition_info=PartitionInfo(full, offset)))
            start += size
        assert_bits_equal(np.concatenate(parts, axis=axis), whole)


@pytest.mark.parametrize("name", RANDOM)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_any_window_is_the_slice(graph, name, dtype):
    if name == "random_uniform_int":
        dtype = "int32"
    whole = fresh(graph, RANDOM[name], (6, 5, 8), dtype=dtype)
    window = fresh(graph, RANDOM[name], (3, 2, 5), dtype=dtype,
                   partition_info=PartitionInfo((6, 5, 8), (2, 3, 1)))
    assert_bits_equal(window, whole[2:5, 3:5, 1:6])


NOT_RANDOM = {"zeros": vi.Zeros(), "ones": vi.Ones("int64"),
              "constant": vi.constant_initializer([1.0, 2.0, 3.0])}


@pytest.mark.parametrize("name", [*RANDOM, *NOT_RANDOM])
def test_fill_writes_the_window_into_any_layout(graph, name):
    init = {**RANDOM, **NOT_RANDOM}[name]
    dtype = "int64" if name in ("random_uniform_int", "ones") else "float32"
    whole = fresh(graph, init, (6, 5, 8), dtype=dtype)
    out = np.full((8, 5, 3), 7, dtype, order="F").transpose(2, 1, 0)   # (3, 5, 8), strided
    result = fresh(graph, init.fill, out, PartitionInfo((6, 5, 8), (2, 0, 0)))
    assert result is out
    assert_bits_equal(np.ascontiguousarray(out), whole[2:5])


def test_fill_checks_the_dtype_and_the_array():
    with pytest.raises(vs.errors.DTypeError):
        vi.random_normal_initializer().fill(np.zeros(3, np.int32))
    with pytest.raises(ValueError, match="read-only"):
        vi.random_normal_initializer().fill(_read_only())
    with pytest.raises(TypeError, match="numpy array"):
        vi.Zeros().fill([0.0, 0.0])


def _read_only():
    out = np.zeros(3, np.float32)
    out.flags.writeable = False
    return out


@pytest.mark.parametrize("shape, info", [
    ((5, 4), PartitionInfo((4, 4), (0, 0))),   # longer than the whole
    ((4, 4), PartitionInfo((4, 4), (1, 0))),   # pushed out by its offset
    ((4,), PartitionInfo((4, 4), (0, 0))),     # another rank
])
def test_shard_must_fit_its_full_shape(shape, info):
    with pytest.raises(ValueError, match="does not fit in full_shape"):
        vi.random_normal_initializer()(shape, partition_info=info)


@pytest.mark.parametrize("shape, error, message", [
    ([2, -1], ValueError, r"shape must not be negative, got \(2, -1\)"),
    ([2, 1.5], TypeError, r"shape must be an int or a sequence of ints, got \[2, 1.5\]"),
    (None, TypeError, "shape must be an int or a sequence of ints, got None"),
    ("2", TypeError, "shape must be an int or a sequence of ints, got '2'"),
])
def test_bad_shape(shape, error, message):
    for init in (vi.random_normal_initializer(), vi.constant_initializer(1.0)):
        with pytest.raises(error, match=message):
            init(shape)


def test_base_initializer():
    assert vi.Initializer().get_config() == {}
    with pytest.raises(NotImplementedError):
        vi.Initializer()([2])
