"""Fixtures for the varshare.random benchmarks (pytest-benchmark).

Run:  PYTHONPATH=src python -m pytest bench --benchmark-enable --benchmark-only \
          --benchmark-group-by=group --benchmark-sort=name --benchmark-columns=min,median,iqr,rounds
Without --benchmark-enable (if the project's addopts disable benchmarks) each case runs once
as a smoke test.
"""

import numpy as np
import pytest

SIZES = [2**16, 2**24]
THREADS = [1, 2]


def size_id(n):
    k = int(n).bit_length() - 1
    return "n=2**%d" % k if n == 2**k else "n=%d" % n


@pytest.fixture(params=SIZES, ids=size_id)
def n(request):
    return request.param


@pytest.fixture(params=THREADS, ids=lambda t: "threads=%d" % t)
def threads(request):
    return request.param


@pytest.fixture
def numpy_rng():
    return np.random.Generator(np.random.PCG64(12345))
