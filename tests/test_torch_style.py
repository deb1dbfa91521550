"""torch.nn.init-style initializers (no torch needed): fans, gains, the statistical checks the
random kernels pass (moments, Kolmogorov-Smirnov at the 0.1% level), windows and errors."""

import math

import numpy as np
import pytest

import varshare as vs
from varshare._init import torch_style as ts
from varshare._init.inverse_normal import ndtr, ndtri
from varshare._init.partitions import PartitionInfo

from test_random_distributions import ks_limit, ks_statistic, norm_cdf

N = 2**18


def sample(init, shape=(512, 512), dtype="float32"):
    return init(shape, dtype).astype(np.float64)


# ------------------------------------------------------------------ fans and gains

@pytest.mark.parametrize("shape, fans", [
    ((16, 8), (8, 16)),                   # Linear (out, in)
    ((32, 4, 3, 3), (36, 288)),           # Conv2d (out, in, kh, kw)
    ((6, 2, 5), (10, 30)),                # Conv1d
    ((4, 0), (0, 4)),
])
def test_fans_read_torch_layout(shape, fans):
    assert ts.torch_fans(shape) == fans


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        ts.torch_fans((5,))


@pytest.mark.parametrize("nonlinearity, param, gain", [
    ("linear", None, 1.0), ("conv2d", None, 1.0), ("sigmoid", None, 1.0),
    ("tanh", None, 5 / 3), ("relu", None, math.sqrt(2)), ("selu", None, 0.75),
    ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
    ("leaky_relu", math.sqrt(5), math.sqrt(1 / 3)),
])
def test_gains(nonlinearity, param, gain):
    assert ts.calculate_gain(nonlinearity, param) == pytest.approx(gain, rel=1e-15)


@pytest.mark.parametrize("call, message", [
    (lambda: ts.calculate_gain("swish"), "Unsupported nonlinearity"),
    (lambda: ts.calculate_gain("leaky_relu", "x"), "not a valid number"),
    (lambda: ts.KaimingUniform(mode="fan_avg"), "Mode fan_avg not supported"),
    (lambda: ts.TruncNormal(std=0.0), "std positive"),
    (lambda: ts.TruncNormal(a=1.0, b=1.0), "a must be < b"),
])
def test_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_integer_dtypes_are_refused():
    with pytest.raises(vs.errors.DTypeError):
        ts.TruncNormal()((3,), "int32")
    with pytest.raises(vs.errors.DTypeError):
        ts.KaimingNormal(dtype="int64")


# ------------------------------------------------------ uniform and normal families

@pytest.mark.parametrize("init, shape, bound", [
    (ts.KaimingUniform(seed=1), (256, 1024), math.sqrt(2) * math.sqrt(3 / 1024)),  # a=0: relu
    (ts.KaimingUniform(a=math.sqrt(5), seed=2), (256, 1024), 1 / math.sqrt(1024)),
    (ts.KaimingUniform(mode="fan_out", nonlinearity="relu", seed=3), (64, 16, 4, 4),
     math.sqrt(2) * math.sqrt(3 / (64 * 16))),
    (ts.XavierUniform(gain=2.0, seed=4), (512, 512), 2 * math.sqrt(6 / 1024)),
])
def test_uniform_family(init, shape, bound):
    x = sample(init, shape)
    assert np.abs(x).max() <= bound
    assert ks_statistic(x, lambda t: np.clip((t + bound) / (2 * bound), 0, 1)) < ks_limit(x.size)
    assert abs(x.mean()) < 5 * bound / math.sqrt(3 * x.size)


@pytest.mark.parametrize("init, shape, std", [
    (ts.KaimingNormal(seed=1), (256, 1024), math.sqrt(2) / math.sqrt(1024)),
    (ts.KaimingNormal(mode="fan_out", nonlinearity="tanh", seed=2), (64, 16, 4, 4),
     5 / 3 / math.sqrt(64 * 16)),
    (ts.XavierNormal(seed=3), (300, 700), math.sqrt(2 / 1000)),
])
def test_normal_family(init, shape, std):
    x = sample(init, shape)
    assert ks_statistic(x, lambda t: norm_cdf(t / std)) < ks_limit(x.size)
    assert abs(x.std() / std - 1) < 0.01


# -------------------------------------------------------------- truncated normal

def truncated_cdf(mean, std, a, b):
    """The CDF from erfc (1 + erf loses the far lower tail)."""
    lo, hi = ndtr((a - mean) / std), ndtr((b - mean) / std)
    cdf = np.vectorize(ndtr, otypes=[np.float64])
    return lambda t: np.clip((cdf((t - mean) / std) - lo) / (hi - lo), 0, 1)


def truncated_moments(mean, std, a, b):
    alpha, beta = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi) if math.isfinite(z) else 0.0
    mass = ndtr(beta) - ndtr(alpha)
    m = (pdf(alpha) - pdf(beta)) / mass
    var = 1 + (alpha * pdf(alpha) - beta * pdf(beta)) / mass - m * m
    return mean + std * m, std * math.sqrt(var)


@pytest.mark.parametrize("mean, std, a, b", [
    (0.0, 1.0, -2.0, 2.0),         # torch's defaults
    (0.0, 0.02, -2.0, 2.0),        # the usual call: bounds at 100 sigma, no truncation
    (0.0, 0.02, -0.04, 0.04),      # two sigma
    (1.0, 2.0, 3.0, 5.0),          # both bounds above the mean: mirrored
    (0.0, 1.0, -10.0, -8.0),       # far lower tail
    (0.5, 1.0, 0.4, 0.6),          # narrow, around the mean
])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_trunc_normal(mean, std, a, b, dtype):
    x = sample(ts.TruncNormal(mean, std, a, b, seed=9), (512, 512), dtype)
    assert x.min() >= np.float32(a) if dtype == "float32" else a
    assert x.max() <= np.float32(b) if dtype == "float32" else b
    assert ks_statistic(x, truncated_cdf(mean, std, a, b)) < ks_limit(x.size)
    mu, sigma = truncated_moments(mean, std, a, b)
    assert abs(x.mean() - mu) < 5 * sigma / math.sqrt(x.size)
    assert abs(x.std() / sigma - 1) < 0.01


def test_trunc_normal_windows_and_fill_are_slices_of_the_whole():
    init = ts.TruncNormal(0.1, 0.5, -0.3, 0.9, seed=3)
    whole = init((9, 7, 5), "float32")
    info = PartitionInfo((9, 7, 5), (2, 3, 1))
    np.testing.assert_array_equal(init((4, 3, 4), partition_info=info), whole[2:6, 3:6, 1:5])
    out = np.zeros((4, 4, 3), "float32", order="F").transpose(1, 2, 0)   # (4, 3, 4), strided
    assert init.fill(out, info) is out
    np.testing.assert_array_equal(out, whole[2:6, 3:6, 1:5])


def test_trunc_normal_keeps_the_normal_draws_inside_the_bounds():
    normal = vs.random_normal_initializer(0.1, 0.5, seed=3)((300, 200))
    inside = (normal >= -0.4) & (normal <= 1.0)
    x = ts.TruncNormal(0.1, 0.5, -0.4, 1.0, seed=3)((300, 200))
    np.testing.assert_array_equal(x[inside], normal[inside])
    assert 0.05 < 1 - inside.mean() < 0.2 and not np.isin(x[~inside], normal[~inside]).any()
    # bounds at 100 standard deviations (torch's default with std=0.02): the normal itself
    wide = ts.TruncNormal(std=0.02, seed=3)((300, 200))
    np.testing.assert_array_equal(wide, vs.random_normal_initializer(0, 0.02, seed=3)((300, 200)))


def test_trunc_normal_of_a_scalar():
    x = ts.TruncNormal(5.0, 1.0, -1.0, 0.0, seed=1)(())     # always redrawn
    assert x.shape == () and -1.0 <= x <= 0.0


def test_trunc_normal_draws_its_seed_once():
    vs.set_random_seed(7)
    graph = vs.get_default_graph()
    ts.TruncNormal(0.0, 1.0, -0.5, 0.5)((40, 40))            # unseeded, most draws redrawn
    assert graph.seeds.op_count == 1


def test_ndtri_inverts_the_cdf():
    p = np.concatenate([np.geomspace(1e-300, 0.5, 2000), 1 - np.geomspace(1e-16, 0.5, 2000)])
    x = ndtri(p)
    back = np.array([ndtr(v) for v in x])
    lower = p < 0.5        # compare the smaller tail probability, where it is accurate
    rel = np.where(lower, back / p - 1, (1 - back) / (1 - p) - 1)
    # relative error 1.15e-9 in x gives at most |x| * phi(x) / tail * 1.15e-9 in the tail
    assert np.abs(rel).max() < 1e-9 * (1 + np.abs(x).max() ** 2)


# ---------------------------------------------------------------- initializer API

@pytest.mark.parametrize("init", [
    ts.KaimingUniform(a=0.1, mode="fan_out", nonlinearity="leaky_relu", seed=1, dtype="float64"),
    ts.KaimingNormal(seed=2), ts.XavierUniform(gain=3.0), ts.XavierNormal(seed=4),
    ts.TruncNormal(1.0, 2.0, -1.0, 4.0, seed=5),
])
def test_config_round_trips(init):
    assert "algorithm" not in init.get_config()      # always varshare's: not an argument
    again = type(init).from_config(init.get_config())
    assert again.get_config() == init.get_config()
    if init.seed is not None:
        np.testing.assert_array_equal(again((6, 4)), init((6, 4)))


def test_torch_style_initializers_ignore_tf_mode():
    init = ts.KaimingNormal(seed=7)
    with vs.random_algorithm("tf"):
        tf_mode = init((6, 4))
    np.testing.assert_array_equal(tf_mode, init((6, 4)))


def test_usable_with_get_variable():
    vs.set_random_seed(3)
    w = vs.get_variable("w", (16, 8), initializer=ts.KaimingUniform(a=math.sqrt(5), seed=1))
    assert np.abs(w.numpy()).max() <= 1 / math.sqrt(8)
