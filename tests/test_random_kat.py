"""Raw Philox4x32-10 (`varshare.random.philox4x32`) against the Random123 known answers.

Also: broadcasting, output shape/dtype, input validation, and the counter/key layout of
docs/random-algorithms.md §1 as seen through the public distributions.
"""

import json
import os

import numpy as np
import pytest

import varshare.random as vr

KAT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "philox4x32_10_kat.json")
with open(KAT_PATH) as fh:
    KAT = json.load(fh)
VECTORS = KAT["philox4x32_10"]
U32 = np.uint32


def test_kat_file_is_complete():
    assert len(VECTORS) >= 3
    c = KAT["constants"]
    assert (c["M4x32_0"], c["M4x32_1"]) == (0xD2511F53, 0xCD9E8D57)
    assert (c["W32_0"], c["W32_1"]) == (0x9E3779B9, 0xBB67AE85)


@pytest.mark.parametrize("vec", VECTORS, ids=lambda v: "ctr=%08x..,key=%08x.." % (v["counter"][0], v["key"][0]))
def test_known_answer(vec):
    out = vr.philox4x32(np.array(vec["counter"], U32), np.array(vec["key"], U32))
    assert isinstance(out, np.ndarray)
    assert out.dtype == np.uint32
    assert out.shape == (4,)
    np.testing.assert_array_equal(out, np.array(vec["expected"], U32))


@pytest.mark.parametrize("vec", VECTORS, ids=lambda v: "ctr=%08x..,key=%08x.." % (v["counter"][0], v["key"][0]))
def test_reference_known_answer(vec, reference):
    # The slow reference itself must pass the vectors (else the bit-for-bit tests mean nothing).
    out = reference.philox4x32_10(np.array(vec["counter"], U32), np.array(vec["key"], U32))
    np.testing.assert_array_equal(out, np.array(vec["expected"], U32))


def test_known_answers_batched():
    ctr = np.array([v["counter"] for v in VECTORS], U32)
    key = np.array([v["key"] for v in VECTORS], U32)
    exp = np.array([v["expected"] for v in VECTORS], U32)
    out = vr.philox4x32(ctr, key)
    assert out.shape == (len(VECTORS), 4) and out.dtype == np.uint32
    np.testing.assert_array_equal(out, exp)
    # non-contiguous / reversed inputs give the same answers
    np.testing.assert_array_equal(vr.philox4x32(ctr[::-1], key[::-1]), exp[::-1])
    np.testing.assert_array_equal(vr.philox4x32(np.asfortranarray(ctr), np.asfortranarray(key)), exp)


def test_list_inputs():
    v = VECTORS[2]
    out = vr.philox4x32(v["counter"], v["key"])
    np.testing.assert_array_equal(out, np.array(v["expected"], U32))


def test_random_inputs_match_reference(reference):
    rng = np.random.default_rng(1234)
    ctr = rng.integers(0, 2**32, size=(1000, 4), dtype=np.uint64).astype(U32)
    key = rng.integers(0, 2**32, size=(1000, 2), dtype=np.uint64).astype(U32)
    ctr[:10] = 0xFFFFFFFF
    key[5:15] = 0
    np.testing.assert_array_equal(vr.philox4x32(ctr, key), reference.philox4x32_10(ctr, key))


@pytest.mark.parametrize(
    "cshape,kshape,oshape",
    [
        ((4,), (2,), (4,)),
        ((10, 4), (2,), (10, 4)),
        ((4,), (7, 2), (7, 4)),
        ((5, 1, 4), (3, 2), (5, 3, 4)),
        ((2, 3, 4), (2, 1, 2), (2, 3, 4)),
        ((0, 4), (2,), (0, 4)),
        ((3, 0, 4), (1, 2), (3, 0, 4)),
    ],
)
def test_broadcasting(cshape, kshape, oshape, reference):
    rng = np.random.default_rng(sum(cshape) * 31 + sum(kshape))
    ctr = rng.integers(0, 2**32, size=cshape, dtype=np.uint64).astype(U32)
    key = rng.integers(0, 2**32, size=kshape, dtype=np.uint64).astype(U32)
    out = vr.philox4x32(ctr, key)
    assert out.shape == oshape and out.dtype == np.uint32
    cb = np.broadcast_to(ctr, oshape)
    kb = np.broadcast_to(key, oshape[:-1] + (2,))
    exp = reference.philox4x32_10(cb, kb)
    np.testing.assert_array_equal(out, exp)


def test_does_not_modify_inputs():
    ctr = np.array([VECTORS[2]["counter"]] * 3, U32)
    key = np.array([VECTORS[2]["key"]] * 3, U32)
    c0, k0 = ctr.copy(), key.copy()
    vr.philox4x32(ctr, key)
    np.testing.assert_array_equal(ctr, c0)
    np.testing.assert_array_equal(key, k0)


# ----------------------------------------------------------------------------- validation

@pytest.mark.parametrize(
    "ctr,key",
    [
        (np.zeros(3, U32), np.zeros(2, U32)),          # counter last axis != 4
        (np.zeros((2, 5), U32), np.zeros(2, U32)),
        (np.zeros(4, U32), np.zeros(3, U32)),          # key last axis != 2
        (np.zeros(4, U32), np.zeros((2, 1), U32)),
        (np.zeros((3, 4), U32), np.zeros((2, 2), U32)),  # not broadcastable
        (np.zeros((), U32), np.zeros(2, U32)),          # 0-d counter
    ],
)
def test_bad_shapes(ctr, key):
    with pytest.raises(ValueError):
        vr.philox4x32(ctr, key)


@pytest.mark.parametrize(
    "ctr,key",
    [
        ([-1, 0, 0, 0], [0, 0]),
        ([2**32, 0, 0, 0], [0, 0]),
        ([0, 0, 0, 0], [0, 2**32]),
        ([0, 0, 0, 0], [-5, 0]),
        ([0.5, 0, 0, 0], [0, 0]),
        (np.zeros(4, np.float64), np.zeros(2, U32)),
    ],
)
def test_bad_values_rejected(ctr, key):
    # Words outside uint32 (or non-integers) must not silently wrap or truncate.
    with pytest.raises((ValueError, TypeError, OverflowError)):
        vr.philox4x32(ctr, key)


# ----------------------------------------------------------------------------- counter layout

@pytest.mark.parametrize(
    "seed,stream,offset",
    [(0, 0, 0), (2**64 - 1, 2**64 - 1, 2**32 + 3), (0x0123456789ABCDEF, 2**32 + 7, 5), (1, 2**40, 2**55)],
)
def test_counter_layout_via_full_range_int64(seed, stream, offset):
    """int64 uniform on [-2**63, 2**63 - 1) is W - 2**63 - 1 for W >= 1 (doc §3.2), which
    exposes the raw 64-bit words: check them against philox4x32 with the documented counter
    (b & 0xFFFFFFFF, b >> 32, stream low, stream high), key (seed low, seed high) and
    element layout (doc §2: groups of 16 blocks, 32 elements; element 16h + i of a group is
    words 2h, 2h+1 of its block i)."""
    n = 45
    y = vr.uniform(n, seed, -2**63, 2**63 - 1, dtype="int64", stream=stream, offset=offset)
    g = offset + np.arange(n, dtype=np.uint64)
    q = g % np.uint64(32)
    b = g // np.uint64(32) * np.uint64(16) + q % np.uint64(16)
    j = (q // np.uint64(16)).astype(np.intp)
    ctr = np.stack([(b & np.uint64(0xFFFFFFFF)).astype(U32), (b >> np.uint64(32)).astype(U32),
                    np.full(n, stream & 0xFFFFFFFF, U32), np.full(n, stream >> 32, U32)], -1)
    key = np.array([seed & 0xFFFFFFFF, seed >> 32], U32)
    blk = vr.philox4x32(ctr, key).astype(np.uint64)
    W = blk[np.arange(n), 2 * j] | (blk[np.arange(n), 2 * j + 1] << np.uint64(32))
    exp = [-2**63 if int(w) == 0 else int(w) - 2**63 - 1 for w in W]
    assert [int(v) for v in y] == exp
