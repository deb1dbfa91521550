"""Optional packages: imported when first needed, or one ImportError naming the extra."""

from __future__ import annotations

import importlib
from types import ModuleType


def require(module: str, needs: str, extra: str) -> ModuleType:
    """``module`` imported, or ``ImportError('<needs>: pip install "varshare[<extra>]"')``.

    >>> require("json", "never shown", "none").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f'{needs}: pip install "varshare[{extra}]"') from err
