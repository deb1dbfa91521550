"""The examples in README.md and docs/ run as written: ```python blocks are executed,
``>>>`` examples are checked with doctest."""

import doctest
import pathlib
import re

import pytest

import varshare as vs

ROOT = pathlib.Path(__file__).resolve().parent.parent
OPTIONAL = {"dask", "distributed", "torch", "jax", "safetensors", "tensorflow"}
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCKS = [(page, i, block) for page in PAGES
          for i, block in enumerate(re.findall(r"```python\n(.*?)```", page.read_text(), re.S))]


def test_readme_has_examples():
    assert sum(page.name == "README.md" for page, _, _ in BLOCKS) >= 2


@pytest.mark.parametrize("page, index, block", BLOCKS,
                         ids=[f"{page.name}-{index}" for page, index, _ in BLOCKS])
def test_example_runs(page, index, block):
    with vs.Graph().as_default():
        try:
            exec(compile(block, f"{page.name} block {index}", "exec"), {})
        except ModuleNotFoundError as missing:   # an example of an optional integration
            if missing.name.split(".")[0] not in OPTIONAL:
                raise
            pytest.skip(f"needs {missing.name}")


@pytest.mark.parametrize("page", [p for p in PAGES if ">>> " in p.read_text()],
                         ids=lambda p: p.name)
def test_doctest_examples(page):
    result = doctest.testfile(str(page), module_relative=False, verbose=False,
                              optionflags=doctest.ELLIPSIS)
    assert result.attempted and not result.failed
