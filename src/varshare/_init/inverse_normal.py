"""The standard normal CDF and its inverse, vectorised on NumPy alone (no SciPy).

The inverse is Acklam's rational approximation (relative error below 1.2e-9 on (0, 1)):
float32 values computed from it are exact to their rounding, float64 ones to about 1e-9.
It uses only arithmetic, ``sqrt`` and ``log``, so its values depend on nothing but the input.

>>> round(float(ndtri(np.array(0.975))), 8)
1.95996399
"""

from __future__ import annotations

import math

import numpy as np

# Acklam's coefficients: central region numerator/denominator, tail numerator/denominator.
_A = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
      1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
_B = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
      6.680131188771972e+01, -1.328068155288572e+01, 1.0)
_C = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
      -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
_D = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
      3.754408661907416e+00, 1.0)
_TAIL = 0.02425      # below this (and above 1 - this) the tail formula applies


def _poly(coefficients: tuple[float, ...], x: np.ndarray) -> np.ndarray:
    """Horner evaluation, highest power first."""
    result = np.full_like(x, coefficients[0])
    for c in coefficients[1:]:
        result *= x
        result += c
    return result


def _lower_tail(p: np.ndarray) -> np.ndarray:
    q = np.sqrt(-2.0 * np.log(p))
    return _poly(_C, q) / _poly(_D, q)


def ndtri(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile of each ``p`` in (0, 1), as float64."""
    p = np.asarray(p, np.float64)
    q = p - 0.5
    r = q * q
    x = q * _poly(_A, r) / _poly(_B, r)         # the central formula everywhere, then
    tail = np.flatnonzero((p < _TAIL) | (p > 1.0 - _TAIL))   # the tails (5%) replaced
    if tail.size:
        pt = p.reshape(-1)[tail]
        low = pt < 0.5
        z = _lower_tail(np.where(low, pt, 1.0 - pt))
        x.reshape(-1)[tail] = np.where(low, z, -z)
    return x


def ndtr(x: float) -> float:
    """The standard normal CDF at ``x``, accurate in both tails (``erfc``)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))
