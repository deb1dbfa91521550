"""Which initializer each parameter and buffer of a module gets: the first matching rule,
else torch's default for the owning module's type (:mod:`varshare._torch.defaults`)."""

from __future__ import annotations

import fnmatch
import itertools
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple, Union

import torch
from torch import nn

from varshare._torch.defaults import owner_defaults

Pattern = Union[str, Callable[[str, torch.Tensor], bool]]
Rules = Union[Mapping[Pattern, Union[Callable, None]],
              Iterable[tuple[Pattern, Union[Callable, None]]]]


class Entry(NamedTuple):
    """A tensor of the module, its fully qualified name and its initializer (None: kept)."""

    name: str
    tensor: torch.Tensor
    initializer: Callable | None


def plan(module: nn.Module, rules: Rules | None) -> list[Entry]:
    """Every parameter and buffer of ``module`` (a tied one once, by its first name) with
    its initializer; a ValueError naming all tensors that have neither rule nor default."""
    checked = _checked(rules)
    entries, missing, seen = [], [], set()
    for prefix, owner in module.named_modules():
        defaults = owner_defaults(owner)
        for local, tensor in itertools.chain(owner.named_parameters(recurse=False),
                                             owner.named_buffers(recurse=False)):
            if id(tensor) in seen:
                continue
            seen.add(id(tensor))
            name = f"{prefix}.{local}" if prefix else local
            # A 1-tuple, as None is a rule's initializer ("keep as it is").
            found = next(((init,) for pattern, init in checked
                          if _matches(pattern, name, tensor)), None)
            if found is None and local in defaults:
                found = (defaults[local],)
            if found is None:
                missing.append(name)
            else:
                entries.append(Entry(name, tensor, found[0]))
    if missing:
        raise ValueError(f"no rule matches and torch has no default for {missing}: add rules "
                         f"such as {{{missing[0]!r}: vs.zeros_initializer()}} (an initializer "
                         "of None leaves a tensor as it is)")
    return entries


def _checked(rules: Rules | None) -> list[tuple[Pattern, Callable | None]]:
    pairs = list((rules.items() if isinstance(rules, Mapping) else rules) or ())
    for pattern, init in pairs:
        if not (isinstance(pattern, str) or callable(pattern)):
            raise TypeError(f"a rule's pattern must be a str or a callable (name, tensor) -> "
                            f"bool, got {pattern!r}")
        if not (init is None or callable(init)):
            raise TypeError(f"the initializer of rule {pattern!r} must be callable or None, "
                            f"got {init!r}")
    return pairs


def _matches(pattern: Pattern, name: str, tensor: torch.Tensor) -> bool:
    if isinstance(pattern, str):
        return fnmatch.fnmatchcase(name, pattern)
    return bool(pattern(name, tensor))
