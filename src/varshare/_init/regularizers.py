"""Weight regularizers with TF 1.x ``tf.contrib.layers`` semantics."""

from __future__ import annotations

import numbers
from typing import Any, Callable

import numpy as np


def no_regularizer(_: Any) -> None:
    """A regularizer that adds no loss (overrides a scope's default regularizer)."""
    return None


def _check_scale(scale: Any) -> bool:
    """Validate ``scale``; False if it disables the regularizer (scale 0)."""
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.0:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale:g}")
        return scale != 0.0
    return True


def _regularizer(scale: float, penalty: Callable[[np.ndarray], Any]) -> Callable:
    if not _check_scale(scale):
        return no_regularizer

    def regularizer(weights: Any) -> np.ndarray:
        weights = np.asarray(weights)
        return weights.dtype.type(scale) * penalty(weights)

    return regularizer


def l1_regularizer(scale: float, scope: str | None = None) -> Callable:
    """A regularizer computing ``scale * sum(|w|)`` in the weights' dtype.

    ``scale`` 0 gives a regularizer that returns None (no loss).

    Raises:
      ValueError: if ``scale`` is negative or an integer.
    """
    del scope  # Names no op: values are computed at once.
    return _regularizer(scale, lambda w: np.sum(np.abs(w)))


def l2_regularizer(scale: float, scope: str | None = None) -> Callable:
    """A regularizer computing ``scale * sum(w**2) / 2`` (TF's ``l2_loss``) in the weights' dtype.

    ``scale`` 0 gives a regularizer that returns None (no loss).

    Raises:
      ValueError: if ``scale`` is negative or an integer.
    """
    del scope
    return _regularizer(scale, lambda w: np.sum(np.square(w)) / w.dtype.type(2))
