"""Every distribution x dtype bit for bit against the slow NumPy reference (tests/reference.py).

Bit patterns are compared through `.view(uint)`, so -0.0 vs 0.0 and NaN payloads count.
"""

import numpy as np
import pytest

import varshare.random as vr

FUNCS = {"uniform": vr.uniform, "normal": vr.normal, "truncated_normal": vr.truncated_normal}
DEFAULT_AB = {"uniform": (0.0, 1.0), "normal": (0.0, 1.0), "truncated_normal": (0.0, 1.0)}
INT_DEFAULT_AB = (0, 1000)


def bits(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return a.view(np.dtype("u%d" % a.dtype.itemsize))
    return a


def generate(kind, shape, seed, stream, offset, dtype, a, b, **kw):
    return FUNCS[kind](shape, seed, a, b, dtype, stream=stream, offset=offset, **kw)


def check(reference, kind, shape, seed, stream, offset, dtype, a, b, **kw):
    got = generate(kind, shape, seed, stream, offset, dtype, a, b, **kw)
    exp = reference.full_array(kind, shape, seed, stream, offset, dtype, a, b)
    assert isinstance(got, np.ndarray)
    assert got.dtype == np.dtype(dtype), (got.dtype, dtype)
    assert got.shape == exp.shape, (got.shape, exp.shape)
    np.testing.assert_array_equal(bits(got), bits(exp))
    return got


# (shape, seed, stream, offset): seeds incl. 0 and 2**64-1, streams and offsets >= 2**32, odd sizes
BASE_CASES = [
    (1000, 0, 0, 0),
    (1, 1, 0, 0),
    (3, 2**64 - 1, 0, 0),
    (257, 12345, 2**32, 0),
    ((7, 13), 2**64 - 1, 2**32 + 5, 2**32 + 3),
    ((3, 5, 7), 0x0123456789ABCDEF, 2**64 - 1, 3),
    ((2, 3, 4, 5), 2**32, 7, 2**33 + 1),
    (513, 2**32 - 1, 2**63, 2**56 - 513),     # the last admissible elements
    (0, 5, 0, 0),
    ((4, 0, 3), 5, 0, 0),
    ((), 99, 1, 17),
]
PARAMS = {
    "uniform": (-3.5, 7.25),
    "int": (-17, 1000003),
    "normal": (1.5, 0.25),
    "truncated_normal": (-2.0, 3.0),
}


def _ids(case):
    return "shape=%s,seed=%#x,stream=%#x,offset=%#x" % case


@pytest.mark.parametrize("case", BASE_CASES, ids=_ids)
def test_default_parameters(combo, case, reference):
    kind, dtype = combo
    shape, seed, stream, offset = case
    got = FUNCS[kind](shape, seed, dtype=dtype, stream=stream, offset=offset) if not dtype.startswith("int") \
        else FUNCS[kind](shape, seed, *INT_DEFAULT_AB, dtype=dtype, stream=stream, offset=offset)
    a, b = DEFAULT_AB[kind] if not dtype.startswith("int") else INT_DEFAULT_AB
    exp = reference.full_array(kind, shape, seed, stream, offset, dtype, a, b)
    assert got.dtype == np.dtype(dtype) and got.shape == exp.shape
    np.testing.assert_array_equal(bits(got), bits(exp))


@pytest.mark.parametrize("case", BASE_CASES[:8], ids=_ids)
def test_nondefault_parameters(combo, case, reference):
    kind, dtype = combo
    a, b = PARAMS["int" if dtype.startswith("int") else kind]
    check(reference, kind, *case, dtype, a, b)


def test_positional_and_keyword_parameters_agree(reference):
    a = vr.normal(50, 3, 2.0, 0.5, "float64")
    b = vr.normal(50, 3, mean=2.0, stddev=0.5, dtype="float64")
    np.testing.assert_array_equal(bits(a), bits(b))
    a = vr.uniform(50, 3, -1.0, 2.0, "float32")
    b = vr.uniform(50, 3, minval=-1.0, maxval=2.0, dtype=np.float32)
    np.testing.assert_array_equal(bits(a), bits(b))
    c = vr.truncated_normal(50, 3, dtype=np.dtype("float16"))
    np.testing.assert_array_equal(bits(c), bits(reference.full_array("truncated_normal", 50, 3, 0, 0, "float16")))


def test_default_dtype_is_float32():
    for f in FUNCS.values():
        assert f(5, 1).dtype == np.float32


def test_numpy_integer_arguments_accepted(reference):
    got = vr.normal((np.int64(3), np.int32(4)), np.uint64(2**64 - 1), stream=np.uint64(2**40), offset=np.int64(9))
    exp = reference.full_array("normal", (3, 4), 2**64 - 1, 2**40, 9, "float32")
    np.testing.assert_array_equal(bits(got), bits(exp))


# ----------------------------------------------------------------------------- extreme parameters

EXTREME = [
    # float16 normal: subnormal / zero / overflow to inf
    ("normal", "float16", 0.0, 1e-6),
    ("normal", "float16", 0.0, 1e-8),
    ("normal", "float16", 3e-5, 2e-5),
    ("normal", "float16", 0.0, 30000.0),
    ("normal", "float16", -60000.0, 5000.0),
    ("normal", "float16", 1.0, 1e-4),
    # zero stddev: sign of zero matters (mean -0.0 + (+-0.0))
    ("normal", "float16", -0.0, 0.0),
    ("normal", "float32", -0.0, 0.0),
    ("normal", "float64", -0.0, 0.0),
    ("normal", "float32", 0.0, 0.0),
    ("truncated_normal", "float32", -0.0, 0.0),
    ("truncated_normal", "float64", 2.5, 0.0),
    # float32 / float64 normal: subnormal and overflow
    ("normal", "float32", 0.0, 1e-40),
    ("normal", "float32", 0.0, 1e38),
    ("normal", "float32", 1.0, 1e-30),
    ("normal", "float32", 0.1, 1e-9),
    ("normal", "float64", 0.0, 1e-310),
    ("normal", "float64", 0.0, 1e300),
    ("normal", "float64", 1e308, 1e307),
    # truncated normal: tiny and huge, close to but inside the finite range
    ("truncated_normal", "float16", 0.0, 1e-7),
    ("truncated_normal", "float16", 0.0, 20000.0),
    ("truncated_normal", "float16", 1000.0, 0.1),
    ("truncated_normal", "float32", 0.0, 1e-44),
    ("truncated_normal", "float32", 0.0, 1.5e38),
    ("truncated_normal", "float64", 0.0, 8e307),
    ("truncated_normal", "float64", -1e-300, 1e-320),
    # uniform: narrow, tiny, huge, offset ranges
    ("uniform", "float32", 0.1, 0.1000001),
    ("uniform", "float32", 1.0, 1.0000002),
    ("uniform", "float32", 0.0, 1e-44),
    ("uniform", "float32", -1e38, 1e38),
    ("uniform", "float32", 16777216.0, 16777220.0),
    ("uniform", "float32", -1.0, -0.0),
    ("uniform", "float16", 1.0, 1.001),
    ("uniform", "float16", 1.0, 1.0009765625),
    ("uniform", "float16", -65504.0, 65504.0),
    ("uniform", "float16", 0.0, 1e-7),
    ("uniform", "float16", 2047.0, 2048.5),
    ("uniform", "float16", 0.1, 0.2),
    ("uniform", "float64", 1.0, 1.0 + 4e-16),
    ("uniform", "float64", -8e307, 8e307),
    ("uniform", "float64", 0.0, 5e-324 * 3),
    ("uniform", "float64", 0.1, 0.30000000000000004),
    # integers: full ranges, single value, small, huge offsets
    ("uniform", "int32", -2**31, 2**31 - 1),
    ("uniform", "int32", 5, 6),
    ("uniform", "int32", -3, 4),
    ("uniform", "int64", -2**63, 2**63 - 1),
    ("uniform", "int64", -2**62, 2**62 + 7),
    ("uniform", "int64", 2**63 - 3, 2**63 - 1),
    ("uniform", "int64", -2**63, -2**63 + 1),
    ("uniform", "int64", 0, 3),
]


@pytest.mark.parametrize("kind,dtype,a,b", EXTREME, ids=lambda x: repr(x))
@pytest.mark.parametrize("seed,stream,offset", [(0, 0, 0), (2**64 - 1, 2**33 + 1, 2**32 + 1)],
                         ids=["seed=0", "seed=max"])
def test_extreme_parameters(kind, dtype, a, b, seed, stream, offset, reference):
    check(reference, kind, 1001, seed, stream, offset, dtype, a, b)


def test_float16_normal_hits_subnormal_and_inf(reference):
    # Sanity that the extreme cases above actually exercise what they claim.
    sub = reference.full_array("normal", 1001, 0, 0, 0, "float16", 0.0, 1e-6)
    assert ((sub != 0) & (np.abs(sub) < np.finfo(np.float16).tiny)).any()
    big = reference.full_array("normal", 1001, 0, 0, 0, "float16", 0.0, 30000.0)
    assert np.isinf(big).any() and np.isfinite(big).any()
    z = reference.full_array("normal", 1001, 0, 0, 0, "float32", -0.0, 0.0)
    assert np.signbit(z).any() and (~np.signbit(z)).any()


# The kernels leave out each clamp to [lo, hi] that cannot change a value: ranges where no
# clamp, only the top one, or the bottom one changes values, each where it bites.  (A float64
# minval is its own lo: the bottom one never bites there.)
@pytest.mark.parametrize("dtype,a,b,clamps", [
    ("float32", 0.0, 1.0, ""), ("float32", -0.5, 0.5, ""), ("float32", 1.0, 1.0000002, "top"),
    ("float32", -0.05, -0.0499999, "bottom"),
    ("float64", 0.0, 1.0, ""), ("float64", 1.0, 1.0 + 4e-16, "top")], ids=str)
def test_uniform_clamps_where_they_bite(dtype, a, b, clamps, reference):
    n = 4096
    got = check(reference, "uniform", n, 3, 0, 0, dtype, a, b)
    t = np.dtype(dtype).type
    if dtype == "float32":
        u = (reference.words32(np.arange(n), 3, 0) >> np.uint32(8)).astype(t) * t(2**-24)
    else:
        u = (reference.words64(np.arange(n), 3, 0) >> np.uint64(11)).astype(t) * t(2**-53)
    unclamped = t(a) + u * (t(b) - t(a))
    lo, hi = reference.float_grid(a, b, dtype)
    assert (unclamped < lo).any() == ("bottom" in clamps)
    assert (unclamped > hi).any() == ("top" in clamps)
    assert (got >= lo).all() and (got <= hi).all()


# ----------------------------------------------------------------------------- truncated normal redraws

@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_truncated_normal_deep_redraws(dtype, reference):
    # Enough elements that some need several redraws (P(|z|>2)^k), all against the reference.
    n = 20000
    got = vr.truncated_normal(n, 77, 0.0, 1.0, dtype, stream=2**32 + 1, offset=2**40)
    exp = reference.full_array("truncated_normal", n, 77, 2**32 + 1, 2**40, dtype)
    np.testing.assert_array_equal(bits(got), bits(exp))
    # the reference really redrew: the primary normals differ where |z| > 2
    prim = reference.full_array("normal", n, 77, 2**32 + 1, 2**40, dtype)
    redrawn = np.abs(prim.astype(np.float64)) > 2
    assert redrawn.sum() > 500
