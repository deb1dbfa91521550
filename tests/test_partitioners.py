"""Partitioners: TF 1.x shard counts (observed with tf.compat.v1 2.21) and errors."""

import numpy as np
import pytest

from varshare._init.partitioners import (
    fixed_size_partitioner, min_max_variable_partitioner, variable_axis_size_partitioner)


@pytest.mark.parametrize("num_shards, axis, shape, expected", [
    (3, 0, [10, 2], [3, 1]),
    (3, 1, [10, 2], [1, 2]),      # never more shards than the axis is long
    (4, -1, [10, 8], [1, 4]),
    (1, 0, [5], [1]),
    (2, 2, [3, 4, 5], [1, 1, 2]),
])
def test_fixed_size_partitioner(num_shards, axis, shape, expected):
    partitioner = fixed_size_partitioner(num_shards, axis)
    assert partitioner(shape, np.float32) == expected
    assert partitioner(shape=shape, dtype=np.float32) == expected  # TF calls it by keyword


# (shape, dtype, max_shard_bytes, axis, max_shards, TF's result)
VARIABLE_AXIS_SIZE = [
    ((1024, 1024), "float32", 4096, 0, None, [1024, 1]),
    ((1024, 1024), "float32", 1 << 20, 0, None, [4, 1]),
    ((1024, 1024), "float32", (1 << 20) - 1, 0, None, [5, 1]),
    ((1024, 1024), "float32", 12345, 1, None, [1, 342]),
    ((1024, 1024), "float64", 1 << 20, 0, 3, [3, 1]),       # max_shards wins
    ((1000, 10, 10), "float32", 4000, 0, None, [100, 1, 1]),
    ((1000, 10, 10), "float32", 4000, 2, None, [1, 1, 10]),
    ((3, 100), "object", 3200, 0, None, [2, 1]),             # strings: 16 bytes each
    ((10, 4), "float32", 1, 0, 0, [10, 1]),                  # max_shards=0: no limit
    ((10, 4), "float32", 1, -1, None, [1, 4]),
    ((7, 3), "bool", 6, 0, None, [4, 1]),
]


@pytest.mark.parametrize("shape, dtype, max_bytes, axis, max_shards, expected",
                         VARIABLE_AXIS_SIZE)
def test_variable_axis_size_partitioner(shape, dtype, max_bytes, axis, max_shards, expected):
    partitioner = variable_axis_size_partitioner(max_bytes, axis=axis, max_shards=max_shards)
    assert partitioner(shape, dtype) == expected


def test_variable_axis_size_partitioner_string_element_size():
    partitioner = variable_axis_size_partitioner(3200, bytes_per_string_element=32)
    assert partitioner([3, 100], np.dtype(object)) == [3, 1]


@pytest.mark.parametrize("kwargs, message", [
    ({"max_shard_bytes": 0}, "max_shard_bytes is 0"),
    ({"max_shard_bytes": 1, "bytes_per_string_element": 0}, "bytes_per_string_element is 0"),
    ({"max_shard_bytes": 1, "max_shards": -1}, "max_shards must be positive"),
])
def test_variable_axis_size_partitioner_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        variable_axis_size_partitioner(**kwargs)


# (shape, dtype, max_partitions, axis, min_slice_size, TF's result)
MIN_MAX = [
    ((1024, 1024), "float32", 16, 0, 256 << 10, [16, 1]),
    ((1024, 1024), "float32", 100, 0, 256 << 10, [16, 1]),
    ((1024, 1024), "float32", 3, 0, 256 << 10, [3, 1]),
    ((1024, 1024), "float64", 100, 1, 256 << 10, [1, 32]),
    ((10, 1024), "float32", 100, 0, 1, [10, 1]),            # one slice per shard at most
    ((4, 4), "float32", 100, 0, 256 << 10, [1, 1]),         # at least one shard
    ((1000, 10, 10), "bool", 16, 0, 30, [16, 1, 1]),
    ((3, 100), "object", 10, 1, 64, [1, 10]),
    ((1025, 1), "float32", 1000, 0, 1000, [5, 1]),          # rounds up
    ((10, 4), "float32", 100, -1, 1, [1, 4]),
]


@pytest.mark.parametrize("shape, dtype, max_partitions, axis, min_slice, expected", MIN_MAX)
def test_min_max_variable_partitioner(shape, dtype, max_partitions, axis, min_slice, expected):
    partitioner = min_max_variable_partitioner(max_partitions, axis, min_slice)
    assert partitioner(shape, dtype) == expected


def test_min_max_default_is_one_partition():
    assert min_max_variable_partitioner()([1 << 20, 64], np.float32) == [1, 1]


@pytest.mark.parametrize("partitioner", [
    fixed_size_partitioner(2, axis=2),
    variable_axis_size_partitioner(100, axis=2),
    min_max_variable_partitioner(100, axis=2),
    min_max_variable_partitioner(100, axis=-3),
])
def test_axis_out_of_range(partitioner):
    with pytest.raises(ValueError, match=r"along axis -?\d when shape is only \(10, 4\)"):
        partitioner([10, 4], np.float32)


def test_fixed_size_partitioner_needs_a_shard():
    with pytest.raises(ValueError, match="num_shards must be positive, got 0"):
        fixed_size_partitioner(0)
