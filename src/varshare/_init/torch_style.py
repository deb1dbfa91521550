"""``torch.nn.init``'s initializers as varshare initializers: torch's fans and gains,
varshare's values.

They are initializers like the others (``init(shape, dtype=None, partition_info=None)``,
``init.fill(out, partition_info)``), usable with ``get_variable`` and with
``varshare.torch``. A window is exactly its slice of the whole, and scales come from the
full shape. Fans follow torch's layout, a weight ``(out, in, *kernel)``: ``fan_in = in *
prod(kernel)``, ``fan_out = out * prod(kernel)`` (TF reads ``(*kernel, in, out)``).

The values are varshare's Philox streams, never torch's bits (torch's CPU generator is
not counter-based), and they always use varshare's algorithm, whatever the graph's.

>>> init = KaimingUniform(a=math.sqrt(5), seed=1)        # nn.Linear's default weight
>>> w = init((4, 3))
>>> bool(abs(w).max() <= 1 / math.sqrt(3))
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from varshare._core import checks
from varshare._core.graph import get_default_graph
from varshare._init.initializers import DTypeLike, Initializer, _Random
from varshare._init.inverse_normal import ndtr, ndtri
from varshare._init.partitions import PartitionInfo

__all__ = ["calculate_gain", "torch_fans", "KaimingUniform", "KaimingNormal",
           "XavierUniform", "XavierNormal", "TruncNormal"]

# TruncNormal's redraw of element g reads Philox block g with this counter tag: normal
# draws read tag 0 only (docs/random-algorithms.md).
_REDRAW_TAG = 1
_LINEAR_GAINS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
                 "conv_transpose2d", "conv_transpose3d", "sigmoid")


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """torch's recommended gain for ``nonlinearity`` (the table of ``torch.nn.init``).

    >>> calculate_gain("leaky_relu", math.sqrt(5)) == math.sqrt(1 / 3)
    True
    """
    if nonlinearity in _LINEAR_GAINS:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3.0
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "selu":
        return 3.0 / 4.0
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        if isinstance(slope, bool) or not isinstance(slope, (int, float)):
            raise ValueError(f"negative_slope {slope} not a valid number")
        return math.sqrt(2.0 / (1.0 + slope**2))
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def torch_fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight ``(out, in, *kernel)``, as ``torch.nn.init``."""
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than "
                         f"2 dimensions (shape {shape})")
    receptive_field = math.prod(shape[2:])
    return shape[1] * receptive_field, shape[0] * receptive_field


def _fan(shape: tuple[int, ...], mode: str) -> int:
    fan_in, fan_out = torch_fans(shape)
    # An empty weight has a zero fan; any finite scale fills its no elements.
    return max(1, fan_in if mode == "fan_in" else fan_out)


def _redraw_uniforms(seed: int, stream: int, g: np.ndarray) -> np.ndarray:
    """Float64 uniforms in [0, 1) for the elements ``g``: the top 53 bits of words 0-1 of
    Philox block ``g``, tag ``_REDRAW_TAG``, on ``(seed, stream)``."""
    from varshare import random  # the kernels load on the first draw

    g = np.asarray(g, np.uint64)
    counter = np.stack([g & 0xFFFFFFFF, (g >> 32) | (_REDRAW_TAG << 24),
                        np.full_like(g, stream & 0xFFFFFFFF), np.full_like(g, stream >> 32)], -1)
    words = random.philox4x32(counter, [seed & 0xFFFFFFFF, seed >> 32]).astype(np.uint64)
    return ((words[:, 0] | words[:, 1] << 32) >> 11) * 2.0**-53


class _TorchStyle(_Random):
    """A torch-style initializer: varshare's algorithm always, keyword-only seed/dtype."""

    _dtype = Initializer._dtype        # a call's dtype is checked as the constructor's

    def __init__(self, seed: int | None, dtype: DTypeLike) -> None:
        super().__init__(seed, dtype, "varshare")

    def get_config(self) -> dict[str, Any]:
        return self._config()             # no ``algorithm``: always varshare's


class KaimingUniform(_TorchStyle):
    """``torch.nn.init.kaiming_uniform_``: uniform in ``±gain * sqrt(3 / fan)``."""

    def __init__(self, a: float = 0.0, mode: str = "fan_in",
                 nonlinearity: str = "leaky_relu", *, seed: int | None = None,
                 dtype: DTypeLike = np.float32) -> None:
        if mode not in ("fan_in", "fan_out"):
            raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
        self.gain = calculate_gain(nonlinearity, a)
        super().__init__(seed, dtype)
        self.a, self.mode, self.nonlinearity = a, mode, nonlinearity

    def _std(self, full_shape: tuple[int, ...]) -> float:
        return self.gain / math.sqrt(_fan(full_shape, self.mode))

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        bound = math.sqrt(3.0) * self._std(full_shape)
        return "uniform", -bound, bound

    def _config(self) -> dict[str, Any]:
        return {"a": self.a, "mode": self.mode, "nonlinearity": self.nonlinearity,
                "seed": self.seed, "dtype": self.dtype.name}


class KaimingNormal(KaimingUniform):
    """``torch.nn.init.kaiming_normal_``: normal of stddev ``gain / sqrt(fan)``."""

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        return "normal", 0.0, self._std(full_shape)


class XavierUniform(_TorchStyle):
    """``torch.nn.init.xavier_uniform_``: uniform in ``±gain * sqrt(6 / (fan_in + fan_out))``."""

    def __init__(self, gain: float = 1.0, *, seed: int | None = None,
                 dtype: DTypeLike = np.float32) -> None:
        super().__init__(seed, dtype)
        self.gain = gain

    def _std(self, full_shape: tuple[int, ...]) -> float:
        return self.gain * math.sqrt(2.0 / max(1, sum(torch_fans(full_shape))))

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        bound = math.sqrt(3.0) * self._std(full_shape)
        return "uniform", -bound, bound

    def _config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


class XavierNormal(XavierUniform):
    """``torch.nn.init.xavier_normal_``: normal, stddev ``gain * sqrt(2 / (fan_in + fan_out))``."""

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        return "normal", 0.0, self._std(full_shape)


class TruncNormal(_TorchStyle):
    """``torch.nn.init.trunc_normal_``: normal(mean, std) restricted to ``[a, b]``, bounds in
    absolute units as torch's (the default ``[-2, 2]`` is *not* two standard deviations
    unless ``std=1``).

    Element ``g`` (its flat index in the full tensor) is the kernels' normal draw of ``g``
    (``normal_(mean, std)``'s value) when that lies in ``[a, b]``; otherwise it is redrawn by
    inversion, ``mean + std * Phi^-1(Phi(alpha) + u * (Phi(beta) - Phi(alpha)))``, with
    ``alpha, beta`` the standardised bounds and ``u`` 53 bits of Philox block ``g`` with
    counter tag 1 (docs/random-algorithms.md), a block no normal draw reads. A draw kept
    inside ``[a, b]`` or replaced by an independent draw from ``[a, b]`` is exactly the
    truncated distribution, at the kernels' speed when few draws fall outside. Each element
    depends on its own blocks only, so windows are slices of the whole. (Both bounds above
    the mean are mirrored into the lower tail, where the CDF is accurate; the quantile is
    Acklam's, relative error below 1.2e-9.)
    """

    def __init__(self, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0,
                 *, seed: int | None = None, dtype: DTypeLike = np.float32) -> None:
        mean, std = checks.as_real(mean, "mean"), checks.as_real(std, "std")
        a, b = checks.as_real(a, "a"), checks.as_real(b, "b")
        if not (math.isfinite(mean) and math.isfinite(std) and std > 0):
            raise ValueError(f"mean must be finite and std positive, got {mean!r}, {std!r}")
        if not a < b:
            raise ValueError(f"a must be < b, got [{a!r}, {b!r}]")
        super().__init__(seed, dtype)
        self.mean, self.std, self.a, self.b = mean, std, a, b

    def _draw(self, shape: tuple[int, ...], dtype: np.dtype,
              partition_info: PartitionInfo | None, out: np.ndarray | None) -> np.ndarray:
        seeds = get_default_graph().seeds
        with seeds.creating_variable():       # the normal draw and the redraws: one seed draw
            values = self._sample("normal", self.mean, self.std, shape, dtype, partition_info,
                                  out)
            seed, stream = seeds.kernel_seed(self.seed)
        cells = values.reshape(1) if values.ndim == 0 else values     # a view, for nonzero
        outside = np.nonzero((cells < self.a) | (cells > self.b))
        if outside[0].size:
            full, start = ((shape, (0,) * len(shape)) if partition_info is None
                           else (partition_info.full_shape, partition_info.var_offset))
            g = (np.ravel_multi_index(tuple(i + o for i, o in zip(outside, start)), full)
                 if full else np.zeros(1, np.int64))
            cells[outside] = self._from_uniform(_redraw_uniforms(seed, stream, g))
        return values

    def _from_uniform(self, u: np.ndarray) -> np.ndarray:
        """The truncated normal values of float64 uniforms ``u`` in [0, 1)."""
        alpha, beta = (self.a - self.mean) / self.std, (self.b - self.mean) / self.std
        mirrored = alpha > 0
        if mirrored:
            alpha, beta = -beta, -alpha
        lo, hi = ndtr(alpha), ndtr(beta)
        # Clipping keeps the quantile finite when Phi(alpha) underflows or Phi(beta) is 1.
        z = ndtri(np.clip(lo + u * (hi - lo), np.finfo(np.float64).tiny, np.nextafter(1.0, 0)))
        if mirrored:
            np.negative(z, out=z)
        return np.clip(self.mean + self.std * z, self.a, self.b)

    def _config(self) -> dict[str, Any]:
        return {"mean": self.mean, "std": self.std, "a": self.a, "b": self.b,
                "seed": self.seed, "dtype": self.dtype.name}
