"""Shared fixtures."""

import importlib.util
import os
import sys
import threading
import time

import pytest

import varshare as vs


def _load_reference():
    """Load tests/reference.py (the slow NumPy model of the random kernels) as a module.

    It is loaded from the file next to this conftest, not imported by name, so no test needs
    the tests folder on sys.path.
    """
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference.py")
    spec = importlib.util.spec_from_file_location("varshare_tests_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REFERENCE = _load_reference()


@pytest.fixture(autouse=True)
def graph():
    """Give every test a fresh default graph."""
    vs.reset_default_graph()
    return vs.get_default_graph()


@pytest.fixture(scope="session")
def reference():
    """The slow, obviously-correct NumPy reference of the random kernels (tests/reference.py)."""
    return REFERENCE


@pytest.fixture(params=REFERENCE.COMBOS, ids=["%s-%s" % c for c in REFERENCE.COMBOS])
def combo(request):
    """Each (distribution, dtype) pair the random contract defines, as `(kind, dtype)`."""
    return request.param


@pytest.fixture(scope="session")
def client():
    """A process-based Dask LocalCluster of two workers (skipped without distributed)."""
    pytest.importorskip("dask")
    if importlib.util.find_spec("distributed") is None:   # installed but broken must fail
        pytest.skip("distributed is not installed")
    with vs.dask.local_client() as client:
        yield client


@pytest.fixture
def tqdm_bars(monkeypatch):
    """The progress bars code makes through ``tqdm.tqdm``, recorded instead of drawn."""
    tqdm = pytest.importorskip("tqdm")
    made = []

    class Bar:
        def __init__(self, **kwargs):
            self.kwargs, self.n = kwargs, kwargs["initial"]
            made.append(self)

        def update(self, n):
            self.n += n

        def close(self):
            pass

    monkeypatch.setattr(tqdm, "tqdm", Bar)
    return made


def _anonymous_bytes():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) << 10 for line in status if line.startswith("RssAnon"))


@pytest.fixture
def anonymous_growth():
    """``measure(work)``: runs ``work()`` and returns by how much this process's anonymous
    memory grew at its peak (sampled every 5 ms; Linux only)."""
    if not os.path.exists("/proc/self/status"):
        pytest.skip("reads Linux's RssAnon")

    def measure(work):
        base, peak, done = _anonymous_bytes(), [0], threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], _anonymous_bytes())
                time.sleep(0.005)

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            work()
        finally:
            done.set()
            sampler.join()
        return max(peak[0], _anonymous_bytes()) - base

    return measure


@pytest.fixture(scope="session")
def tf_python():
    """A Python with TensorFlow, for checks that run TF in a subprocess: VARSHARE_TF_PYTHON,
    else this interpreter if TensorFlow is importable, else None."""
    return os.environ.get("VARSHARE_TF_PYTHON") or (
        sys.executable if importlib.util.find_spec("tensorflow") else None)
