"""Determinism contract: bits independent of threads, splits, offsets, out layout, windows.

Everything is compared with the single-call, single-thread C-order result (which
test_random_reference.py pins to the reference); a few spot checks go to the reference directly.
"""

import numpy as np
import pytest

import varshare.random as vr

FUNCS = {"uniform": vr.uniform, "normal": vr.normal, "truncated_normal": vr.truncated_normal}
PARAMS = {"uniform": (-2.0, 5.0), "int": (-1000, 1000), "normal": (0.5, 2.0), "truncated_normal": (-1.0, 0.5)}
THRESHOLD = 2**15   # documented parallel threshold (approximate)


def params(kind, dtype):
    return PARAMS["int" if np.dtype(dtype).kind == "i" else kind]


def gen(kind, shape, seed, dtype, **kw):
    a, b = params(kind, dtype)
    return FUNCS[kind](shape, seed, a, b, dtype, **kw)


def bits(a):
    a = np.asarray(a)
    if a.dtype.kind == "f":
        return a.view(np.dtype("u%d" % a.dtype.itemsize))
    return a


def assert_same(x, y):
    assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, x.shape, y.dtype, y.shape)
    np.testing.assert_array_equal(bits(x), bits(y))


# ----------------------------------------------------------------------------- threads

def test_threads(combo):
    kind, dtype = combo
    n = 3 * THRESHOLD + 12345
    base = gen(kind, n, 11, dtype, stream=3, offset=5, threads=1)
    for t in (2, 3, 4, 7):
        assert_same(gen(kind, n, 11, dtype, stream=3, offset=5, threads=t), base)
    assert_same(gen(kind, n, 11, dtype, stream=3, offset=5), base)


@pytest.mark.parametrize("kind,dtype", [("normal", "float32"), ("truncated_normal", "float64"), ("uniform", "int64")],
                         ids=lambda x: str(x))
def test_threads_match_reference(kind, dtype, reference):
    n = 2 * THRESHOLD + 7
    a, b = params(kind, dtype)
    exp = reference.full_array(kind, n, 2**64 - 1, 2**32 + 1, 2**32 + 3, dtype, a, b)
    for t in (1, 2, 3):
        assert_same(gen(kind, n, 2**64 - 1, dtype, stream=2**32 + 1, offset=2**32 + 3, threads=t), exp)


def test_set_get_num_threads():
    before = vr.get_num_threads()
    assert isinstance(before, int) and before >= 1
    n = 4 * THRESHOLD + 3
    base = vr.normal(n, 5, threads=1)
    try:
        for t in (1, 2, 3, 7):
            vr.set_num_threads(t)
            assert vr.get_num_threads() == t
            assert_same(vr.normal(n, 5), base)
            assert_same(vr.truncated_normal(n, 5, threads=2), vr.truncated_normal(n, 5, threads=1))
        vr.set_num_threads(None)
        assert vr.get_num_threads() == before
        assert_same(vr.normal(n, 5), base)
    finally:
        vr.set_num_threads(None)


@pytest.mark.parametrize("n", [THRESHOLD - 1, THRESHOLD, THRESHOLD + 1, 2 * THRESHOLD - 3, 2 * THRESHOLD + 5,
                               4 * THRESHOLD + 1])
@pytest.mark.parametrize("kind,dtype", [("uniform", "float32"), ("uniform", "float64"), ("normal", "float16"),
                                        ("normal", "float64"), ("truncated_normal", "float32"),
                                        ("uniform", "int32")], ids=lambda x: str(x))
def test_sizes_around_parallel_threshold(kind, dtype, n):
    whole = gen(kind, 4 * THRESHOLD + 64, 21, dtype, threads=1)
    for off in (0, 1, 3):
        for t in (1, 2, 3):
            assert_same(gen(kind, n, 21, dtype, offset=off, threads=t), whole[off:off + n])
            # into a sentinel-filled out: np.empty may recycle a buffer that already holds the
            # right values, which would hide elements that are never written
            out = np.full(n, 0xA5, np.uint8).repeat(np.dtype(dtype).itemsize).view(dtype)
            gen(kind, n, 21, dtype, offset=off, threads=t, out=out)
            assert_same(out, whole[off:off + n])


@pytest.mark.parametrize("threads", [2, 3, 4, 7])
@pytest.mark.parametrize("kind,dtype", [("uniform", "float32"), ("normal", "float64"), ("uniform", "int32")],
                         ids=lambda x: str(x))
def test_every_element_written(kind, dtype, threads):
    """Sizes just past a multiple of threads * 1024 (thread spans are rounded to 1024 elements)."""
    for n in sorted({threads * 1024 * k + r for k in (16, 17, 40) for r in range(0, threads + 2)}):
        out = np.full(n, 0xA5, np.uint8).repeat(np.dtype(dtype).itemsize).view(dtype)
        gen(kind, n, 3, dtype, out=out, threads=threads)
        assert_same(out, gen(kind, n, 3, dtype, threads=1))


# ----------------------------------------------------------------------------- offsets and splits

def test_block_boundaries(combo):
    """Sizes 1..9 at offsets 0..7 (every lane alignment of 2- and 4-element blocks)."""
    kind, dtype = combo
    whole = gen(kind, 32, 2**63 + 9, dtype, stream=2**32 + 2)
    for off in range(8):
        for n in range(0, 10):
            assert_same(gen(kind, n, 2**63 + 9, dtype, stream=2**32 + 2, offset=off), whole[off:off + n])


def test_chunk_splits(combo):
    kind, dtype = combo
    n = 100_003
    whole = gen(kind, n, 42, dtype, threads=2)
    cuts = [0, 1, 2, 5, 8, 4095, 4097, 33_333, 65_536, 65_539, 99_999, n]
    parts = [gen(kind, b - a, 42, dtype, offset=a, threads=1 + i % 3) for i, (a, b) in enumerate(zip(cuts, cuts[1:]))]
    assert_same(np.concatenate(parts), whole)


def test_offset_is_a_shift(combo):
    kind, dtype = combo
    whole = gen(kind, 5000, 8, dtype, stream=2**40)
    for off in (1, 2, 3, 4, 5, 6, 7, 64, 1001, 4999):
        assert_same(gen(kind, 5000 - off, 8, dtype, stream=2**40, offset=off), whole[off:])
    # large offsets: shifting by a whole number of elements around 2**32 and 2**56
    for base in (2**32 - 3, 2**56 - 40):
        w = gen(kind, 40, 8, dtype, offset=base)
        for d in (1, 3, 4, 17):
            assert_same(gen(kind, 40 - d, 8, dtype, offset=base + d), w[d:])


def test_shape_only_reshapes(combo):
    kind, dtype = combo
    flat = gen(kind, 2 * 3 * 5 * 7, 3, dtype, offset=9)
    for shape in [(210,), (2, 105), (7, 30), (2, 3, 5, 7), (1, 210, 1), [6, 35]]:
        assert_same(gen(kind, shape, 3, dtype, offset=9), flat.reshape(shape))
    assert_same(gen(kind, np.int64(210), 3, dtype, offset=9), flat)


def test_streams_and_seeds_differ():
    base = vr.uniform(64, 1)
    for kw in ({"stream": 1}, {"stream": 2**32}, {"offset": 1}):
        assert not np.array_equal(base, vr.uniform(64, 1, **kw))
    assert not np.array_equal(base, vr.uniform(64, 1 + 2**32))
    assert not np.array_equal(base, vr.uniform(64, 2))


# ----------------------------------------------------------------------------- out= layouts

def _layouts(shape, dtype, tmp_path):
    """(name, out array of `shape`) in many memory layouts."""
    dtype = np.dtype(dtype)
    yield "C", np.empty(shape, dtype)
    yield "F", np.empty(shape, dtype, order="F")
    big = np.empty(tuple(3 * s for s in shape), dtype)
    yield "strided", big[tuple(slice(None, None, 3) for _ in shape)]
    yield "offset-strided", big[tuple(slice(1, None, 3) for _ in shape)]
    yield "negative", np.empty(shape, dtype)[tuple(slice(None, None, -1) for _ in shape)]
    yield "neg-strided", big[tuple(slice(None, None, -3) for _ in shape)]
    yield "transposed", np.empty(shape[::-1], dtype).T
    if len(shape) >= 2:
        yield "swapped", np.empty((shape[1], shape[0]) + tuple(shape[2:]), dtype).swapaxes(0, 1)
    raw = np.zeros(int(np.prod(shape)) * dtype.itemsize + 1, np.uint8)
    yield "unaligned", raw[1:].view(dtype).reshape(shape)
    mm = np.memmap(tmp_path / ("mm_%s_%s.bin" % (dtype.name, "x".join(map(str, shape)))), dtype=dtype,
                   mode="w+", shape=shape)
    yield "memmap", mm
    mmf = np.memmap(tmp_path / ("mmF_%s_%s.bin" % (dtype.name, "x".join(map(str, shape)))), dtype=dtype,
                    mode="w+", shape=shape, order="F")
    yield "memmap-F", mmf


@pytest.mark.parametrize("shape", [(37,), (13, 11), (3, 5, 7), (2, 3, 4, 5), (300, 257)], ids=str)
def test_out_layouts(combo, shape, tmp_path):
    kind, dtype = combo
    expected = gen(kind, shape, 99, dtype, offset=3)
    for name, out in _layouts(shape, dtype, tmp_path):
        if out.shape != shape:
            pytest.fail("bad layout %s" % name)
        for threads in (1, 2):
            out[...] = 0
            res = gen(kind, shape, 99, dtype, offset=3, out=out, threads=threads)
            assert res is out, name
            assert_same(np.ascontiguousarray(out), expected)


def test_out_large_parallel_strided(combo, tmp_path):
    kind, dtype = combo
    shape = (150, 401)   # > threshold, odd widths
    expected = gen(kind, shape, 7, dtype, threads=1)
    for name, out in _layouts(shape, dtype, tmp_path):
        out[...] = 0
        assert gen(kind, shape, 7, dtype, out=out, threads=2) is out
        assert_same(np.ascontiguousarray(out), expected)


def test_out_strided_does_not_touch_gaps():
    big = np.full((10, 30), -7.0, np.float32)
    view = big[::2, 1::3]
    vr.normal(view.shape, 5, out=view)
    mask = np.ones(big.shape, bool)
    mask[::2, 1::3] = False
    assert (big[mask] == -7.0).all()
    assert_same(np.ascontiguousarray(view), vr.normal(view.shape, 5))


def test_out_dtype_defaults_to_out(reference):
    for kind, dtype in reference.COMBOS:
        if np.dtype(dtype).kind == "i":
            out = np.empty(50, dtype)
            res = FUNCS[kind](50, 4, -9, 9, out=out)
        else:
            out = np.empty(50, dtype)
            res = FUNCS[kind](50, 4, out=out)
        assert res is out and res.dtype == np.dtype(dtype)
        exp = FUNCS[kind](50, 4, *((-9, 9) if np.dtype(dtype).kind == "i" else ()), dtype=dtype)
        assert_same(res, exp)


def test_memmap_full_file(tmp_path):
    path = tmp_path / "big.f32"
    shape = (256, 300)
    mm = np.memmap(path, dtype=np.float32, mode="w+", shape=shape)
    vr.truncated_normal(shape, 12, 0.0, 0.02, out=mm, threads=2)
    mm.flush()
    del mm
    back = np.fromfile(path, dtype=np.float32).reshape(shape)
    assert_same(back, vr.truncated_normal(shape, 12, 0.0, 0.02))


# ----------------------------------------------------------------------------- windows

SHAPES = [(23,), (9, 10), (5, 6, 7), (3, 4, 5, 6), (4, 3, 1, 9)]
SLICES = [slice(0, 1), slice(1, 3), slice(2, None), slice(None, 3), slice(-3, None), slice(-4, -1),
          slice(None, None), slice(3, 3), slice(None, -2), slice(1, 100), slice(-100, 2)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_window_each_axis(combo, shape):
    kind, dtype = combo
    full = gen(kind, shape, 31, dtype, offset=5)
    for axis in range(len(shape)):
        for sl in SLICES:
            window = (slice(None),) * axis + (sl,)
            got = gen(kind, shape, 31, dtype, offset=5, window=window)
            assert_same(got, full[window])


@pytest.mark.parametrize("shape", SHAPES[1:], ids=str)
def test_window_hyperrectangles(combo, shape):
    kind, dtype = combo
    full = gen(kind, shape, 2**64 - 2, dtype, stream=2**33)
    rng = np.random.default_rng(len(shape))
    for _ in range(12):
        k = int(rng.integers(1, len(shape) + 1))   # window rank <= ndim
        window = []
        for d in shape[:k]:
            a = int(rng.integers(-d, d + 1))
            b = int(rng.integers(-d, d + 1))
            window.append(slice(a, b))
        window = tuple(window)
        got = gen(kind, shape, 2**64 - 2, dtype, stream=2**33, window=window)
        assert_same(got, full[window])
        # with threads and with an out of the window's shape in F order
        out = np.zeros(full[window].shape, dtype, order="F")
        assert gen(kind, shape, 2**64 - 2, dtype, stream=2**33, window=window, out=out, threads=2) is out
        assert_same(np.ascontiguousarray(out), full[window])


@pytest.mark.parametrize("kind,dtype", [("uniform", "float32"), ("normal", "float64"), ("truncated_normal", "float16"),
                                        ("uniform", "int64")], ids=lambda x: str(x))
def test_window_large_parallel(kind, dtype):
    shape = (64, 300, 7)
    full = gen(kind, shape, 1, dtype, threads=1)
    for window in [(slice(3, 60), slice(1, 299)), (slice(None), slice(None), slice(1, 6)),
                   (slice(10, 11),), (slice(None), slice(150, None))]:
        for t in (1, 2, 3):
            assert_same(gen(kind, shape, 1, dtype, window=window, threads=t), full[window])


def test_window_step_one_and_list_equivalents():
    full = vr.normal((6, 8), 3)
    assert_same(vr.normal((6, 8), 3, window=(slice(1, 5, 1), slice(2, 7, None))), full[1:5, 2:7])


def test_window_of_huge_array_is_cheap(reference):
    """A window of a 2**40-element array: generated in time/memory proportional to the window."""
    shape = (2**20, 2**20)
    window = (slice(2**19 + 5, 2**19 + 8), slice(2**20 - 9, None))
    for kind, dtype in [("normal", "float32"), ("truncated_normal", "float64"), ("uniform", "float16"),
                        ("uniform", "int32")]:
        a, b = params(kind, dtype)
        got = gen(kind, shape, 6, dtype, window=window, offset=2**50)
        rows = np.arange(2**19 + 5, 2**19 + 8, dtype=np.uint64)[:, None]
        cols = np.arange(2**20 - 9, 2**20, dtype=np.uint64)[None, :]
        g = (rows * np.uint64(2**20) + cols).ravel()
        exp = np.concatenate([reference.full_array(kind, 1, 6, 0, int(x) + 2**50, dtype, a, b) for x in g])
        assert_same(got, exp.reshape(3, 9))


def test_window_with_offset_and_stream():
    shape = (7, 9, 11)
    full = vr.uniform(shape, 5, dtype="float64", stream=2**40 + 3, offset=2**35 + 1)
    w = (slice(2, 5), slice(-4, None), slice(3, 4))
    assert_same(vr.uniform(shape, 5, dtype="float64", stream=2**40 + 3, offset=2**35 + 1, window=w), full[w])
