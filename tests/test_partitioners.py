"""Partitioners and the shards get_variable makes from them, case by case against TF 1.x.

Every expected value here (shard counts, shard names, shapes, offsets, slice specs and error
classes) was observed by running TensorFlow 2.21.0 (tf.compat.v1, graph mode) on the same
arguments. TF shapes are lists, varshare's are tuples; TF's string dtype is NumPy's object.
"""

import numpy as np
import pytest

import varshare as vs
from varshare._init.partitioners import (
    fixed_size_partitioner, min_max_variable_partitioner, variable_axis_size_partitioner)

STRING = np.dtype(object)

# -------------------------------------------------------------------------- fixed_size_partitioner

# (num_shards, axis, shape, TF's result), observed with TF 2.21.0
FIXED_SIZE = [
    pytest.param(3, 0, [10, 2], [3, 1], id="axis-longer-than-shards"),
    pytest.param(3, 1, [10, 2], [1, 2], id="axis-shorter-than-shards"),
    pytest.param(5, 0, [5], [5], id="rank1-one-row-each"),
    pytest.param(8, 0, [5], [5], id="rank1-capped-at-length"),
    pytest.param(1, 0, [1], [1], id="one-shard"),
    pytest.param(4, -1, [10, 8], [1, 4], id="axis-minus-1"),
    pytest.param(2, -3, [3, 4, 5], [2, 1, 1], id="rank3-axis-minus-3"),
    pytest.param(3, 2, [3, 4, 5], [1, 1, 3], id="rank3-last-axis"),
    pytest.param(3, 1, [4, 0, 2], [1, 0, 1], id="empty-axis-gives-0"),
]


@pytest.mark.parametrize("num_shards, axis, shape, expected", FIXED_SIZE)
def test_fixed_size_partitioner(num_shards, axis, shape, expected):
    partitioner = fixed_size_partitioner(num_shards, axis)
    assert partitioner(shape, np.float32) == expected
    assert partitioner(shape=shape, dtype=np.float32) == expected  # TF calls it by keyword


def test_fixed_size_partitioner_needs_a_shard():
    """As TF 2.21: built without complaint, refused when get_variable calls it."""
    for num_shards in (0, -1):
        partitioner = fixed_size_partitioner(num_shards)
        with pytest.raises(ValueError, match=r"^Partitioner returned zero partitions for some "
                                             rf"axes: \[{num_shards}, 1\]$"):
            vs.get_variable(f"p{-num_shards}", [4, 3], partitioner=partitioner)


@pytest.mark.parametrize("num_shards", [0, -2])
def test_fixed_size_partitioner_without_shards_fails_in_get_variable(num_shards):
    # TF 2.21.0 builds the partitioner and returns [0, 1] / [-2, 1]; get_variable then raises
    # ValueError ("zero partitions"). varshare raises the same class when building it.
    with pytest.raises(ValueError):
        vs.get_variable("p", [10, 2], partitioner=fixed_size_partitioner(num_shards))
    assert vs.global_variables() == []


# ------------------------------------------------------------------ variable_axis_size_partitioner

# (shape, dtype, keyword arguments, TF's result), observed with TF 2.21.0
VARIABLE_AXIS_SIZE = [
    pytest.param([1024, 1024], "float32", dict(max_shard_bytes=4096), [1024, 1],
                 id="one-slice-fits"),
    pytest.param([1024, 1024], "float32", dict(max_shard_bytes=1 << 20), [4, 1],
                 id="exact-multiple"),
    pytest.param([1024, 1024], "float32", dict(max_shard_bytes=(1 << 20) - 1), [5, 1],
                 id="one-byte-under"),
    pytest.param([6, 5], "float32", dict(max_shard_bytes=60), [2, 1], id="three-slices-fit"),
    pytest.param([6, 5], "float32", dict(max_shard_bytes=59), [3, 1], id="two-slices-fit"),
    pytest.param([1024, 1024], "float32", dict(max_shard_bytes=12345, axis=1), [1, 342],
                 id="axis-1"),
    pytest.param([10, 4], "float32", dict(max_shard_bytes=1, axis=-1), [1, 4], id="axis-minus-1"),
    pytest.param([10, 40], "float32", dict(max_shard_bytes=100), [10, 1],
                 id="slice-bigger-than-limit"),
    pytest.param([1000, 10, 10], "float32", dict(max_shard_bytes=4000), [100, 1, 1],
                 id="rank3-axis-0"),
    pytest.param([1000, 10, 10], "float32", dict(max_shard_bytes=4000, axis=2), [1, 1, 10],
                 id="rank3-axis-2"),
    pytest.param([3, 7, 5], "float32", dict(max_shard_bytes=50, axis=1), [1, 7, 1],
                 id="rank3-axis-1"),
    pytest.param([100], "float32", dict(max_shard_bytes=40), [10], id="rank1-split"),
    pytest.param([7], "float64", dict(max_shard_bytes=1000), [1], id="rank1-whole"),
    pytest.param([1024, 1024], "float64", dict(max_shard_bytes=1 << 20, max_shards=3), [3, 1],
                 id="max-shards-caps"),
    pytest.param([10, 4], "float32", dict(max_shard_bytes=64, max_shards=5), [3, 1],
                 id="max-shards-not-reached"),
    pytest.param([10, 4], "float32", dict(max_shard_bytes=1, max_shards=0), [10, 1],
                 id="max-shards-0-is-no-limit"),
    pytest.param([3, 100], STRING, dict(max_shard_bytes=3200), [2, 1], id="string-16-bytes"),
    pytest.param([3, 100], STRING, dict(max_shard_bytes=3200, bytes_per_string_element=32), [3, 1],
                 id="string-32-bytes"),
    pytest.param([3, 100], "float32", dict(max_shard_bytes=3200, bytes_per_string_element=32),
                 [1, 1], id="string-size-ignored-for-floats"),
]


@pytest.mark.parametrize("shape, dtype, kwargs, expected", VARIABLE_AXIS_SIZE)
def test_variable_axis_size_partitioner(shape, dtype, kwargs, expected):
    assert variable_axis_size_partitioner(**kwargs)(shape, np.dtype(dtype)) == expected


# A [64, 16] variable with shards of at most 256 bytes: one slice is 16 elements, so the
# count is 64 / floor(256 / (16 * itemsize)). Observed with TF 2.21.0.
AXIS_SIZE_BY_DTYPE = [("bool", 4), ("int8", 4), ("uint8", 4), ("int16", 8), ("float16", 8),
                      ("int32", 16), ("float32", 16), ("int64", 32), ("float64", 32),
                      ("complex64", 32), ("complex128", 64)]


@pytest.mark.parametrize("dtype, shards", AXIS_SIZE_BY_DTYPE)
def test_variable_axis_size_partitioner_uses_the_dtype_size(dtype, shards):
    assert variable_axis_size_partitioner(256)([64, 16], np.dtype(dtype)) == [shards, 1]


@pytest.mark.parametrize("kwargs, message", [
    (dict(max_shard_bytes=0), "max_shard_bytes is 0"),
    (dict(max_shard_bytes=-5), "max_shard_bytes is -5"),
    (dict(max_shard_bytes=10, bytes_per_string_element=0), "bytes_per_string_element is 0"),
    (dict(max_shard_bytes=10, max_shards=-1), "max_shards must be positive"),
])
def test_variable_axis_size_partitioner_rejects_non_positive_sizes(kwargs, message):
    # TF 2.21.0: ValueError when the partitioner is built, before any variable exists.
    with pytest.raises(ValueError, match=message):
        variable_axis_size_partitioner(**kwargs)


@pytest.mark.parametrize("shape", [[0, 4], [10, 0]], ids=["empty-axis", "empty-slice"])
def test_variable_axis_size_partitioner_divides_by_zero_on_empty_shapes(shape):
    # TF 2.21.0 raises ZeroDivisionError for both.
    with pytest.raises(ZeroDivisionError):
        variable_axis_size_partitioner(10)(shape, np.float32)


# -------------------------------------------------------------------- min_max_variable_partitioner

# (shape, dtype, keyword arguments, TF's result), observed with TF 2.21.0
MIN_MAX = [
    pytest.param([1024, 1024], "float32", dict(max_partitions=16), [16, 1],
                 id="4MiB-in-256KiB"),
    pytest.param([1024, 1024], "float32", dict(max_partitions=100), [16, 1], id="size-bound"),
    pytest.param([1024, 1024], "float32", dict(max_partitions=3), [3, 1],
                 id="max-partitions-bound"),
    pytest.param([1024, 1024], "float64", dict(max_partitions=100, axis=1), [1, 32], id="axis-1"),
    pytest.param([10, 1024], "float32", dict(max_partitions=100, min_slice_size=1), [10, 1],
                 id="axis-length-bound"),
    pytest.param([4, 4], "float32", dict(max_partitions=100), [1, 1], id="small-is-one"),
    pytest.param([1 << 20, 64], "float32", {}, [1, 1], id="defaults-one-partition"),
    pytest.param([10, 4], "float32", dict(max_partitions=0, min_slice_size=1), [1, 1],
                 id="max-partitions-0-is-one"),
    pytest.param([10, 4], "float32", dict(max_partitions=100, min_slice_size=-5), [1, 1],
                 id="negative-min-slice-is-one"),
    pytest.param([0, 4], "float32", dict(max_partitions=100, min_slice_size=1), [1, 1],
                 id="empty-axis-is-one"),
    pytest.param([8, 4], "float32", dict(max_partitions=100, min_slice_size=32), [4, 1],
                 id="exact-multiple"),
    pytest.param([8, 4], "float32", dict(max_partitions=100, min_slice_size=33), [4, 1],
                 id="rounds-up"),
    pytest.param([8, 4], "float32", dict(max_partitions=100, min_slice_size=31), [5, 1],
                 id="just-over-a-multiple"),
    pytest.param([1025, 1], "float32", dict(max_partitions=1000, min_slice_size=1000), [5, 1],
                 id="4.1-rounds-to-5"),
    pytest.param([10, 4], "float32", dict(max_partitions=100, axis=-1, min_slice_size=1), [1, 4],
                 id="axis-minus-1"),
    pytest.param([1000], "float32", dict(max_partitions=8, min_slice_size=1000), [4], id="rank1"),
    pytest.param([1000, 10, 10], "bool", dict(max_partitions=16, min_slice_size=30), [16, 1, 1],
                 id="rank3-bool"),
    pytest.param([3, 7, 5], "float64", dict(max_partitions=100, axis=1, min_slice_size=200),
                 [1, 5, 1], id="rank3-axis-1"),
    pytest.param([3, 100], STRING, dict(max_partitions=10, axis=1, min_slice_size=64), [1, 10],
                 id="string-16-bytes"),
    pytest.param([3, 100], STRING,
                 dict(max_partitions=100, axis=1, min_slice_size=64, bytes_per_string_element=4),
                 [1, 19], id="string-4-bytes"),
    pytest.param([16, 16], "float32",
                 dict(max_partitions=100, min_slice_size=256, bytes_per_string_element=1000),
                 [4, 1], id="string-size-ignored-for-floats"),
]


@pytest.mark.parametrize("shape, dtype, kwargs, expected", MIN_MAX)
def test_min_max_variable_partitioner(shape, dtype, kwargs, expected):
    assert min_max_variable_partitioner(**kwargs)(shape, np.dtype(dtype)) == expected


# A [16, 16] variable in slices of at least 1 KiB: ceil(256 * itemsize / 1024) partitions.
# Observed with TF 2.21.0.
MIN_MAX_BY_DTYPE = [("bool", 1), ("int8", 1), ("uint8", 1), ("float16", 1), ("float32", 1),
                    ("int64", 2), ("complex128", 4)]


@pytest.mark.parametrize("dtype, partitions", MIN_MAX_BY_DTYPE)
def test_min_max_variable_partitioner_uses_the_dtype_size(dtype, partitions):
    assert min_max_variable_partitioner(100, min_slice_size=1024)([16, 16], np.dtype(dtype)) == [
        partitions, 1]


def test_min_max_variable_partitioner_zero_min_slice_size_divides_by_zero():
    with pytest.raises(ZeroDivisionError):  # as TF 2.21.0
        min_max_variable_partitioner(100, min_slice_size=0)([8, 4], np.float32)


# -------------------------------------------------------------------------- axis outside the shape

def test_min_max_axis_past_the_end_is_a_value_error():
    # The one case where TF 2.21.0 checks the axis itself, with this message.
    with pytest.raises(ValueError, match=r"Cannot partition variable along axis 2 when shape is "
                                         r"only \(10, 4\)"):
        min_max_variable_partitioner(100, axis=2)([10, 4], np.float32)


# Partitioners whose axis lies outside a [10, 4] shape, where TF 2.21.0 raises IndexError.
AXIS_OUTSIDE = [
    pytest.param(fixed_size_partitioner(2, axis=2), id="fixed-axis-2"),
    pytest.param(fixed_size_partitioner(2, axis=-3), id="fixed-axis-minus-3"),
    pytest.param(variable_axis_size_partitioner(10, axis=2), id="axis-size-axis-2"),
    pytest.param(variable_axis_size_partitioner(10, axis=-3), id="axis-size-axis-minus-3"),
    pytest.param(min_max_variable_partitioner(100, axis=-3), id="min-max-axis-minus-3"),
]


@pytest.mark.parametrize("partitioner", AXIS_OUTSIDE)
def test_axis_outside_the_shape_is_rejected(partitioner):
    with pytest.raises(ValueError, match=r"along axis -?\d when shape is only \(10, 4\)"):
        partitioner([10, 4], np.float32)


@pytest.mark.parametrize("partitioner", AXIS_OUTSIDE)
def test_axis_outside_the_shape_is_an_index_error_as_in_tf(partitioner):
    with pytest.raises(IndexError):
        partitioner([10, 4], np.float32)


# ------------------------------------------------------------------------ shards from get_variable

def row_index(shape, dtype=None, partition_info=None):
    """Each element holds its flat index in the full variable, so shards show where they lie."""
    full = partition_info.full_shape if partition_info else shape
    offset = partition_info.var_offset if partition_info else (0,) * len(shape)
    index = np.arange(np.prod(full)).reshape(full)
    return index[tuple(slice(o, o + n) for o, n in zip(offset, shape))].astype(dtype)


# (shape, partitioner, dtype, TF's partitions, TF's (var_offset, var_shape) of each shard);
# observed with TF 2.21.0. The first `length % shards` shards get one more slice.
SHARDS = [
    pytest.param([10, 3], fixed_size_partitioner(3), "float32", [3, 1],
                 [((0, 0), (4, 3)), ((4, 0), (3, 3)), ((7, 0), (3, 3))], id="10-rows-in-3"),
    pytest.param([10], fixed_size_partitioner(4), "float32", [4],
                 [((0,), (3,)), ((3,), (3,)), ((6,), (2,)), ((8,), (2,))], id="rank1-10-in-4"),
    pytest.param([6, 4], fixed_size_partitioner(4), "float64", [4, 1],
                 [((0, 0), (2, 4)), ((2, 0), (2, 4)), ((4, 0), (1, 4)), ((5, 0), (1, 4))],
                 id="6-rows-in-4"),
    pytest.param([4, 5], fixed_size_partitioner(10), "float32", [4, 1],
                 [((0, 0), (1, 5)), ((1, 0), (1, 5)), ((2, 0), (1, 5)), ((3, 0), (1, 5))],
                 id="more-shards-than-rows"),
    pytest.param([8], lambda shape, dtype: [3], "int32", [3],
                 [((0,), (3,)), ((3,), (3,)), ((6,), (2,))], id="rank1-int32"),
    pytest.param([3, 2], lambda shape, dtype: [3, 1], "float32", [3, 1],
                 [((0, 0), (1, 2)), ((1, 0), (1, 2)), ((2, 0), (1, 2))], id="one-row-each"),
    pytest.param([2, 7, 3], fixed_size_partitioner(3, axis=1), "float32", [1, 3, 1],
                 [((0, 0, 0), (2, 3, 3)), ((0, 3, 0), (2, 2, 3)), ((0, 5, 0), (2, 2, 3))],
                 id="rank3-axis-1"),
    pytest.param([4, 6, 5], fixed_size_partitioner(4, axis=1), "float32", [1, 4, 1],
                 [((0, 0, 0), (4, 2, 5)), ((0, 2, 0), (4, 2, 5)), ((0, 4, 0), (4, 1, 5)),
                  ((0, 5, 0), (4, 1, 5))], id="rank3-6-in-4"),
    pytest.param([7, 4], fixed_size_partitioner(3, axis=-1), "float32", [1, 3],
                 [((0, 0), (7, 2)), ((0, 2), (7, 1)), ((0, 3), (7, 1))], id="axis-minus-1"),
    pytest.param([10, 8], variable_axis_size_partitioner(100), "float32", [4, 1],
                 [((0, 0), (3, 8)), ((3, 0), (3, 8)), ((6, 0), (2, 8)), ((8, 0), (2, 8))],
                 id="axis-size-100-bytes"),
    pytest.param([9, 2], variable_axis_size_partitioner(100, max_shards=2), "float64", [2, 1],
                 [((0, 0), (5, 2)), ((5, 0), (4, 2))], id="axis-size-max-shards"),
    pytest.param([10, 8], min_max_variable_partitioner(3, min_slice_size=16), "float32", [3, 1],
                 [((0, 0), (4, 8)), ((4, 0), (3, 8)), ((7, 0), (3, 8))], id="min-max-3"),
    pytest.param([5, 3], lambda shape, dtype: [1, 1], "float32", [1, 1],
                 [((0, 0), (5, 3))], id="unsplit-still-one-part"),
    pytest.param([1], fixed_size_partitioner(3), "float32", [1],
                 [((0,), (1,))], id="rank1-single-row"),
]


@pytest.mark.parametrize("shape, partitioner, dtype, partitions, slices", SHARDS)
def test_get_variable_shards(shape, partitioner, dtype, partitions, slices):
    p = vs.get_variable("p", shape, dtype=dtype, initializer=row_index, partitioner=partitioner)
    assert isinstance(p, vs.PartitionedVariable)
    assert (p.name, p.shape, p.get_partitions()) == ("p", tuple(shape), partitions)
    assert p.dtype == np.dtype(dtype)
    assert [v.name for v in p] == ["p/part_%d:0" % i for i in range(len(slices))]
    assert [(v.save_slice_info.var_offset, v.save_slice_info.var_shape) for v in p] == slices
    assert [v.shape for v in p] == [var_shape for _, var_shape in slices]
    assert {(v.save_slice_info.full_name, v.save_slice_info.full_shape) for v in p} == {
        ("p", tuple(shape))}
    np.testing.assert_array_equal(np.asarray(p), row_index(shape, dtype))


@pytest.mark.parametrize("scope, shape, partitioner, specs", [
    # observed with TF 2.21.0: full shape, then "offset,length" per axis
    ("s", [10, 3], fixed_size_partitioner(3), ["10 3 0,4:0,3", "10 3 4,3:0,3", "10 3 7,3:0,3"]),
    ("", [10], fixed_size_partitioner(4), ["10 0,3", "10 3,3", "10 6,2", "10 8,2"]),
    ("", [2, 7, 3], fixed_size_partitioner(3, axis=1),
     ["2 7 3 0,2:0,3:0,3", "2 7 3 0,2:3,2:0,3", "2 7 3 0,2:5,2:0,3"]),
    ("a/b", [5, 3], lambda shape, dtype: [1, 1], ["5 3 0,5:0,3"]),
], ids=["in-scope", "rank1", "rank3", "unsplit"])
def test_save_slice_info_names_and_specs(scope, shape, partitioner, specs):
    with vs.variable_scope(scope):
        p = vs.get_variable("p", shape, initializer=row_index, partitioner=partitioner)
    prefix = scope + "/p" if scope else "p"
    assert [v.name for v in p] == ["%s/part_%d:0" % (prefix, i) for i in range(len(specs))]
    assert [v.save_slice_info.full_name for v in p] == [prefix] * len(specs)
    assert [v.save_slice_info.spec for v in p] == specs


@pytest.mark.parametrize("length", range(1, 13))
def test_shard_lengths_split_the_axis_longer_shards_first(length):
    for shards in range(1, length + 1):
        with vs.Graph().as_default():
            p = vs.get_variable("p", [length, 2], initializer=row_index,
                                partitioner=fixed_size_partitioner(shards))
        rows = [v.shape[0] for v in p]
        assert sum(rows) == length and len(rows) == shards
        assert rows == sorted(rows, reverse=True) and rows[0] - rows[-1] <= 1
        assert rows.count(length // shards + 1) == length % shards


def test_scope_partitioner_is_inherited_and_overridden():
    # observed with TF 2.21.0
    with vs.variable_scope("s", partitioner=fixed_size_partitioner(3)):
        a = vs.get_variable("a", [7, 2], initializer=row_index)
        with vs.variable_scope("inner"):
            b = vs.get_variable("b", [5], initializer=row_index)
            c = vs.get_variable("c", [6, 2], initializer=row_index,
                                partitioner=fixed_size_partitioner(2, axis=1))
        d = vs.get_variable("d", [], initializer=row_index)
    assert [(p.name, p.get_partitions(), [v.shape for v in p]) for p in (a, b, c)] == [
        ("s/a", [3, 1], [(3, 2), (2, 2), (2, 2)]),
        ("s/inner/b", [3], [(2,), (2,), (1,)]),
        ("s/inner/c", [1, 2], [(6, 1), (6, 1)])]
    assert isinstance(d, vs.Variable) and d.name == "s/d:0"  # scalars are never split
    assert sorted(v.name for v in vs.global_variables()) == [
        "s/a/part_0:0", "s/a/part_1:0", "s/a/part_2:0", "s/d:0", "s/inner/b/part_0:0",
        "s/inner/b/part_1:0", "s/inner/b/part_2:0", "s/inner/c/part_0:0", "s/inner/c/part_1:0"]


def test_empty_axis_gives_zero_partitions():
    # TF 2.21.0: fixed_size_partitioner returns [0, 1] and get_variable raises ValueError.
    with pytest.raises(ValueError, match=r"zero partitions for some axes: \[0, 1\]"):
        vs.get_variable("p", [0, 3], partitioner=fixed_size_partitioner(2))
    assert vs.global_variables() == []


def test_more_partitions_than_rows_is_rejected():
    with pytest.raises(ValueError, match="offset"):
        vs.get_variable("p", [3, 2], initializer=row_index,
                        partitioner=lambda shape, dtype: [4, 1])


@pytest.mark.parametrize("shape, partitions", [
    ([3, 0], [3, 1]), ([3, 0], [1, 1]), ([0, 3], [1, 1]),
], ids=["split-rows-of-empty-columns", "unsplit-empty-columns", "unsplit-empty-rows"])
def test_zero_size_variable_cannot_be_partitioned(shape, partitions):
    with pytest.raises(ValueError, match="offset"):
        vs.get_variable("p", shape, initializer=row_index,
                        partitioner=lambda shape, dtype: partitions)
