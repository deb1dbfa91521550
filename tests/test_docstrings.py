"""The examples in the package's docstrings run as written (doctest), each module in a fresh
default graph."""

import doctest
import importlib
import pkgutil

import pytest

import varshare as vs

# Modules whose examples need an optional package (a package's modules too).
NEEDS = {"varshare.dask": "dask.array", "varshare.torch": "torch", "varshare._torch": "torch"}
MODULES = sorted(name for _, name, _ in pkgutil.walk_packages(vs.__path__, "varshare.")
                 if not name.endswith(("._kernels", ".__main__")))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name, tmp_path, monkeypatch):
    need = next((NEEDS[m] for m in NEEDS if name == m or name.startswith(m + ".")), None)
    if need:
        pytest.importorskip(need)
    monkeypatch.chdir(tmp_path)                  # examples that write files write them here
    vs.reset_default_graph()
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert not result.failed
