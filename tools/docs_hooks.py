"""MkDocs hook: warn (an error under ``mkdocs build --strict``) for every public name of
varshare without a docstring: the exports of the public modules and the public methods and
properties of the public classes."""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Iterator
from typing import Any

PUBLIC_MODULES = ("varshare", "varshare.random", "varshare.dask", "varshare.io",
                  "varshare.interop", "varshare.torch", "varshare.errors")
log = logging.getLogger("mkdocs.hooks.docstrings")


def undocumented() -> Iterator[str]:
    """The dotted names of public functions, classes, methods and properties without a
    docstring (inherited docstrings count)."""
    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj) or not (inspect.isclass(obj) or callable(obj)):
                continue
            if not inspect.getdoc(obj):
                yield f"{module_name}.{name}"
            if inspect.isclass(obj):
                yield from (f"{module_name}.{name}.{attr}" for attr in _members(obj)
                            if not _documented(obj, attr))


def _members(cls: type) -> Iterator[str]:
    for attr, value in vars(cls).items():
        if not attr.startswith("_") and (callable(value) or isinstance(
                value, (property, staticmethod, classmethod))):
            yield attr


def _documented(cls: type, attr: str) -> bool:
    value: Any = inspect.getattr_static(cls, attr)
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    return bool(inspect.getdoc(value) or inspect.getdoc(getattr(cls, attr, None)))


def on_pre_build(config: Any) -> None:
    for name in undocumented():
        log.warning("public name without a docstring: %s", name)
