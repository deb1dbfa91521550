"""The Python examples in README.md run as written."""

import pathlib
import re

import pytest

import varshare as vs

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    with vs.Graph().as_default():
        exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), {})
