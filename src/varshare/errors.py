"""The errors varshare raises for its own kinds of mistake, one class per kind.

Each class also derives from the built-in exception TensorFlow 1.x raises for the same
mistake, so code (and ported tests) catching ``ValueError`` or ``TypeError`` keeps working,
and the messages keep TF's wording where TF has one. ``docs/errors.md`` shows an example
of each.

>>> import varshare as vs
>>> with vs.variable_scope("layer"):
...     _ = vs.get_variable("w", [2], initializer=vs.zeros_initializer())
...     try:
...         vs.get_variable("w", [2])
...     except vs.errors.VariableReuseError as error:
...         print(error)
Variable layer/w already exists, disallowed. Did you mean to set reuse=True or reuse=vs.AUTO_REUSE in VarScope?
"""

from __future__ import annotations

__all__ = ["VarshareError", "VariableReuseError", "VariableSharingError", "PartitionError",
           "AxisError", "ScopeError", "DTypeError", "CheckpointError"]


class VarshareError(Exception):
    """Base class of every error below: ``except vs.errors.VarshareError`` catches them all."""


class VariableReuseError(VarshareError, ValueError):
    """``get_variable`` broke the scope's reuse rule.

    Creating a variable that exists while ``reuse`` is False, or asking for one that does
    not exist while ``reuse`` is True. Open the scope with ``reuse=vs.AUTO_REUSE`` to get
    or create, or fix the name.
    """


class VariableSharingError(VarshareError, ValueError):
    """A variable was shared with a shape, dtype or partitioning other than its own."""


class PartitionError(VarshareError, ValueError):
    """A partitioner's result or a partitioned variable's layout is not valid.

    For example a partitioner that slices more than one axis, or a variable asked for
    with a partitioner whose name already holds an unpartitioned variable.
    """


class AxisError(VarshareError, ValueError, IndexError):
    """An axis outside the shape, e.g. ``fixed_size_partitioner(2, axis=2)`` for a matrix.

    Both an ``IndexError`` (what TF 1.x's partitioners raise) and a ``ValueError`` (what
    NumPy's ``AxisError`` also is).
    """


class ScopeError(VarshareError, ValueError):
    """A variable scope or name scope was opened with arguments that cannot work.

    For example ``reuse=True`` without a scope name, or a scope name TF would refuse.
    """


class DTypeError(VarshareError, TypeError, ValueError):
    """A dtype that the function does not support.

    Both a ``TypeError`` (as NumPy raises for an unsupported dtype) and a ``ValueError``
    (as TF 1.x's initializers raise for a non-float dtype).
    """


class CheckpointError(VarshareError, ValueError):
    """A checkpoint cannot be written or restored: a missing name, a shape or dtype that
    differs, or a corrupt or truncated file. Nothing was assigned."""
