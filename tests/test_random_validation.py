"""Bad inputs raise the right exception class, name the argument, and leave `out` untouched."""

import re

import numpy as np
import pytest

import varshare.random as vr

FUNCS = {"uniform": vr.uniform, "normal": vr.normal, "truncated_normal": vr.truncated_normal}
ALL = list(FUNCS)
NORMALS = ["normal", "truncated_normal"]
SENTINEL = 0x5A


def sentinel_out(shape, dtype):
    dtype = np.dtype(dtype)
    return np.full(int(np.prod(shape)) * dtype.itemsize, SENTINEL, np.uint8).view(dtype).reshape(shape)


def untouched(out):
    raw = np.ascontiguousarray(out).view(np.uint8)
    return bool((raw == SENTINEL).all())


def expect(exc, name, fn, *args, out_shape=None, out_dtype="float32", **kw):
    """fn(*args, **kw) raises exc naming `name`; with a valid out, the out stays untouched."""
    with pytest.raises(exc) as info:
        fn(*args, **kw)
    if name is not None:
        names = name if isinstance(name, tuple) else (name,)
        msg = str(info.value)
        assert any(re.search(r"\b%s\b" % re.escape(n), msg) for n in names), (names, msg)
    if out_shape is not None and "out" not in kw:
        out = sentinel_out(out_shape, out_dtype)
        with pytest.raises(exc):
            fn(*args, out=out, **kw)
        assert untouched(out), "out modified by a failing call"


# ----------------------------------------------------------------------------- shape

@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("shape", [-1, (3, -1), (-2, 0), [4, -5]], ids=str)
def test_negative_shape(kind, shape):
    expect(ValueError, "shape", FUNCS[kind], shape, 1)


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("shape", [2.0, (2, 3.0), 2.5, "3", (2, "3"), None, (2, None), np.float64(4),
                                   (np.float32(2),)], ids=repr)
def test_non_integer_shape(kind, shape):
    expect(TypeError, "shape", FUNCS[kind], shape, 1)


# ----------------------------------------------------------------------------- seed / stream / offset

@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("seed", [-1, 2**64, 2**70, -2**63])
def test_seed_out_of_range(kind, seed):
    expect(ValueError, "seed", FUNCS[kind], 5, seed, out_shape=(5,))


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("seed", [1.0, 0.5, float(2**40), "1", None, np.float64(3), 1 + 0j], ids=repr)
def test_seed_not_int(kind, seed):
    expect(TypeError, "seed", FUNCS[kind], 5, seed, out_shape=(5,))


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("stream", [-1, 2**64, 2**65 + 3])
def test_stream_out_of_range(kind, stream):
    expect(ValueError, "stream", FUNCS[kind], 5, 1, stream=stream, out_shape=(5,))


@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("stream", [1.5, "2", None], ids=repr)
def test_stream_not_int(kind, stream):
    expect((TypeError, ValueError), "stream", FUNCS[kind], 5, 1, stream=stream, out_shape=(5,))


@pytest.mark.parametrize("kind", ALL)
def test_offset(kind):
    f = FUNCS[kind]
    expect(ValueError, "offset", f, 5, 1, offset=-1, out_shape=(5,))
    expect(ValueError, "offset", f, 10, 1, offset=2**56 - 9, out_shape=(10,))
    expect(ValueError, "offset", f, (2, 5), 1, offset=2**56 - 9, out_shape=(2, 5))
    expect(ValueError, "offset", f, 1, 1, offset=2**56, out_shape=(1,))
    expect(ValueError, "offset", f, 1, 1, offset=2**64)
    # the window does not change the limit: the full shape counts
    expect(ValueError, "offset", f, (4, 5), 1, offset=2**56 - 19, window=(slice(0, 1),), out_shape=(1, 5))
    expect((TypeError, ValueError), "offset", f, 5, 1, offset=1.5, out_shape=(5,))
    expect((TypeError, ValueError), "offset", f, 5, 1, offset="3", out_shape=(5,))
    # boundary: offset + size == 2**56 is fine, and so is an empty array at 2**56
    assert f(10, 1, offset=2**56 - 10).shape == (10,)
    assert f(0, 1, offset=2**56).shape == (0,)


def test_size_alone_over_limit():
    # a huge full shape with a tiny window: checked without allocating
    expect(ValueError, ("offset", "shape", "size"), vr.normal, (2**30, 2**27), 1, window=(slice(0, 1), slice(0, 1)))


# ----------------------------------------------------------------------------- distribution parameters

@pytest.mark.parametrize("kind", NORMALS)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_stddev(kind, dtype):
    f = FUNCS[kind]
    for sd in (-1.0, -1e-30, -np.inf, np.inf, np.nan):
        expect(ValueError, "stddev", f, 5, 1, 0.0, sd, dtype, out_shape=(5,), out_dtype=dtype)
        expect(ValueError, "stddev", f, 5, 1, stddev=sd, dtype=dtype)
    for mean in (np.inf, -np.inf, np.nan):
        expect(ValueError, "mean", f, 5, 1, mean, 1.0, dtype, out_shape=(5,), out_dtype=dtype)


@pytest.mark.parametrize("kind", NORMALS)
def test_mean_stddev_outside_compute_range(kind):
    # finite as Python floats, infinite once rounded to the float32 compute type
    expect(ValueError, "mean", FUNCS[kind], 5, 1, 1e39, 1.0, "float32", out_shape=(5,))
    expect(ValueError, "stddev", FUNCS[kind], 5, 1, 0.0, 1e39, "float16", out_shape=(5,), out_dtype="float16")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int32", "int64"])
@pytest.mark.parametrize("ab", [(1, 1), (2, 1), (0, -1e-30), (5, -5)], ids=str)
def test_minval_not_below_maxval(dtype, ab):
    a, b = ab
    if np.dtype(dtype).kind == "i":
        a, b = int(a), int(b)
    expect(ValueError, ("minval", "maxval"), vr.uniform, 5, 1, a, b, dtype, out_shape=(5,), out_dtype=dtype)


@pytest.mark.parametrize("dtype,a,b", [
    ("float16", 0.0, 70000.0), ("float16", -1e5, 0.0), ("float16", 0.0, np.inf), ("float16", np.nan, 1.0),
    ("float32", 0.0, 1e39), ("float32", -1e39, 0.0), ("float32", -np.inf, 0.0), ("float32", 0.0, np.nan),
    ("float64", 0.0, np.inf), ("float64", -np.inf, 1.0), ("float64", np.nan, 1.0), ("float64", 0.0, np.nan),
    ("int32", 0, 2**31 + 1), ("int32", -2**31 - 1, 0), ("int64", 0, 2**63 + 1), ("int64", -2**63 - 1, 0),
    ("int64", -2**63, 2**63),      # R = 2**64 is more than the 64-bit multiply-shift allows
], ids=repr)
def test_minval_maxval_outside_dtype_range(dtype, a, b):
    expect(ValueError, ("minval", "maxval"), vr.uniform, 5, 1, a, b, dtype, out_shape=(5,), out_dtype=dtype)


@pytest.mark.parametrize("dtype,a,b", [
    ("float16", 1.0001, 1.0002), ("float32", 0.1000000001, 0.1000000002), ("float64", 1.0, 1.0 + 1e-17),
    ("float16", 1e-9, 2e-9),
], ids=repr)
def test_no_representable_value_in_range(dtype, a, b):
    expect(ValueError, ("minval", "maxval"), vr.uniform, 5, 1, a, b, dtype, out_shape=(5,), out_dtype=dtype)


def test_valid_edge_ranges_accepted():
    assert vr.uniform(3, 1, -65504.0, 65504.0, "float16").dtype == np.float16
    assert vr.uniform(3, 1, -2**31, 2**31 - 1, "int32").dtype == np.int32
    assert vr.uniform(3, 1, -2**63, 2**63 - 1, "int64").dtype == np.int64
    assert (vr.uniform(5, 1, 1.0, 1.0009765625, "float16") == 1).all()      # a single value is fine


# ----------------------------------------------------------------------------- dtype

@pytest.mark.parametrize("kind", ALL)
@pytest.mark.parametrize("dtype", ["int8", "uint32", "complex64", np.longdouble, "bool", object, "U3",
                                   "bogus", "float8"], ids=str)
def test_unsupported_dtype(kind, dtype):
    expect(TypeError, "dtype", FUNCS[kind], 5, 1, dtype=dtype)


@pytest.mark.parametrize("kind", NORMALS)
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_integer_dtype_only_for_uniform(kind, dtype):
    expect(TypeError, "dtype", FUNCS[kind], 5, 1, dtype=dtype)


# ----------------------------------------------------------------------------- window

@pytest.mark.parametrize("kind", ALL)
def test_window(kind):
    f = FUNCS[kind]
    expect(ValueError, "window", f, (4, 5), 1, window=(slice(0, 4, 2),), out_shape=(2, 5))
    expect(ValueError, "window", f, (4, 5), 1, window=(slice(None, None, -1),), out_shape=(4, 5))
    expect(ValueError, "window", f, (4, 5), 1, window=(slice(None), slice(0, 5, 3)), out_shape=(4, 2))
    expect(ValueError, "window", f, (4, 5), 1, window=(slice(None), slice(None), slice(None)), out_shape=(4, 5))
    expect(ValueError, "window", f, 7, 1, window=(slice(0, 1), slice(0, 1)))
    expect((TypeError, ValueError), "window", f, (4, 5), 1, window=(1, 2))
    expect((TypeError, ValueError), "window", f, (4, 5), 1, window=("a",))


# ----------------------------------------------------------------------------- threads

@pytest.mark.parametrize("kind", ALL)
def test_threads(kind):
    f = FUNCS[kind]
    for t in (0, -1, -8):
        expect(ValueError, "threads", f, 5, 1, threads=t, out_shape=(5,))
    for t in (1.5, "2"):
        expect((TypeError, ValueError), "threads", f, 5, 1, threads=t, out_shape=(5,))


def test_set_num_threads_validation():
    before = vr.get_num_threads()
    try:
        for t in (0, -1):
            with pytest.raises(ValueError):
                vr.set_num_threads(t)
        with pytest.raises((TypeError, ValueError)):
            vr.set_num_threads(2.5)
        assert vr.get_num_threads() == before       # a failed call changes nothing
    finally:
        vr.set_num_threads(None)


# ----------------------------------------------------------------------------- out

@pytest.mark.parametrize("kind", ALL)
def test_out_wrong_shape(kind):
    f = FUNCS[kind]
    for shape, out_shape, window in [((5,), (4,), None), ((5,), (5, 1), None), ((2, 3), (3, 2), None),
                                     ((2, 3), (6,), None), ((4, 5), (4, 5), (slice(1, 3),)),
                                     ((4, 5), (2, 4), (slice(1, 3),)), ((), (1,), None)]:
        out = sentinel_out(out_shape, "float32")
        with pytest.raises(ValueError, match=r"\bout\b"):
            f(shape, 1, out=out, window=window)
        assert untouched(out)


@pytest.mark.parametrize("kind", ALL)
def test_out_wrong_dtype(kind):
    f = FUNCS[kind]
    for dt_out, dt in [("float64", "float32"), ("float32", "float64"), ("float16", "float32"),
                       ("int32", "float32"), ("float32", "int64")]:
        out = sentinel_out((5,), dt_out)
        with pytest.raises((TypeError, ValueError), match=r"\bout\b|\bdtype\b"):
            f(5, 1, dtype=dt, out=out)
        assert untouched(out)
    # dtype taken from out, but out's dtype is not supported
    bad = ["uint16", "int8", "complex64"] + (["int32", "int64"] if kind != "uniform" else [])
    for dt_out in bad:
        out = sentinel_out((5,), dt_out)
        with pytest.raises(TypeError, match=r"\bout\b|\bdtype\b"):
            f(5, 1, out=out)
        assert untouched(out)


@pytest.mark.parametrize("kind", ALL)
def test_out_read_only(kind):
    out = sentinel_out((3, 4), "float32")
    out.flags.writeable = False
    with pytest.raises(ValueError, match=r"\bout\b"):
        FUNCS[kind]((3, 4), 1, out=out)
    assert untouched(out)
    # a read-only view of a writeable base
    base = sentinel_out((3, 4), "float32")
    view = base[:, :]
    view.flags.writeable = False
    with pytest.raises(ValueError, match=r"\bout\b"):
        FUNCS[kind]((3, 4), 1, out=view)
    assert untouched(base)


@pytest.mark.parametrize("kind", ALL)
def test_out_not_an_array(kind):
    for bad in ([0.0] * 5, (0.0,) * 5, memoryview(bytearray(20))):
        with pytest.raises(TypeError, match=r"\bout\b"):
            FUNCS[kind](5, 1, dtype="float32", out=bad)
        with pytest.raises(TypeError, match=r"\bout\b"):       # dtype would come from out
            FUNCS[kind](5, 1, out=bad)


def test_out_read_only_memmap(tmp_path):
    path = tmp_path / "ro.bin"
    sentinel_out((16,), "float32").tofile(path)
    mm = np.memmap(path, dtype=np.float32, mode="r", shape=(16,))
    with pytest.raises(ValueError, match=r"\bout\b"):
        vr.normal(16, 1, out=mm)
    assert untouched(np.asarray(mm))


def test_error_with_valid_out_for_every_argument():
    """One pass over all kinds of errors with a C and a strided out: never a partial write."""
    for make in (lambda: sentinel_out((4, 6), "float32"), lambda: sentinel_out((8, 12), "float32")[::2, ::2]):
        calls = [
            dict(seed=-1), dict(seed=1.0), dict(stream=-1), dict(offset=-1), dict(offset=2**56),
            dict(stddev=-1.0), dict(mean=np.nan), dict(threads=0), dict(window=(slice(0, 4, 2),)),
            dict(dtype="float64"),
        ]
        for kw in calls:
            out = make()
            args = dict(seed=1)
            args.update(kw)
            seed = args.pop("seed")
            with pytest.raises((TypeError, ValueError)):
                vr.truncated_normal((4, 6), seed, out=out, **args)
            assert untouched(out), kw
