"""The kernels' transform parameters: one named record per mode, as the C union ``vs_params``.

Which record a fill takes follows from its distribution, dtype and algorithm:

================  =====================================  ===================================
record            used by                                value of raw draw ``u`` / ``z``
================  =====================================  ===================================
UniformRange      varshare float uniform                 ``minval + (maxval - minval) * u``,
                                                         clamped to ``[lo, hi]``
IntegerRange      int32/int64 uniform, both algorithms   ``min`` + an integer in
                                                         ``[0, range)`` (TF: ``range == 0``
                                                         is the whole word)
Normal            varshare (truncated) normal            ``mean + stddev * z``
Affine            TF mode, every float distribution      ``raw * scale + shift``, in the
                                                         output dtype
================  =====================================  ===================================
"""

from __future__ import annotations

from typing import NamedTuple, Union


class UniformRange(NamedTuple):
    minval: float
    maxval: float
    lo: float           # the smallest value of the dtype >= minval
    hi: float           # the largest value of the dtype < maxval


class IntegerRange(NamedTuple):
    min: int
    range: int


class Normal(NamedTuple):
    mean: float
    stddev: float


class Affine(NamedTuple):
    scale: float
    shift: float


Params = Union[UniformRange, IntegerRange, Normal, Affine]
