"""TF 1.x initializers producing NumPy arrays, the random ones on Philox kernels.

Every initializer is called as ``init(shape, dtype=None, partition_info=None)``.
``dtype`` given at call time overrides the constructor's.  With ``partition_info``
(a :class:`~varshare._init.partitions.PartitionInfo`), ``shape`` is one shard of
``partition_info.full_shape``, and the result is exactly that shard's window of
the unpartitioned array: random initializers ask the kernel for the window alone,
in one call with the scaling fused, so no shard ever generates the whole.  Scales
that depend on the shape (unit scaling, variance scaling) use the full shape.
The one exception is :class:`Orthogonal`, whose QR factorisation needs the whole
matrix: it computes the full matrix and returns the window.

In TF mode (``algorithm="tf"``, ``varshare.random_algorithm("tf")`` or
``Graph(random_algorithm="tf")``) random initializers give TensorFlow's values bit for bit
(Orthogonal: up to its QR) and, as TensorFlow, each call draws an array of its own shape:
the shards of a partitioned variable are then not slices of one whole (docs/tf-mode.md).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator, Sequence
from typing import Any, Callable

import numpy as np

from varshare._core import checks
from varshare._core.checks import as_shape as _as_shape
from varshare._core.dtypes import as_dtype
from varshare._core.graph import get_default_graph
from varshare._core.seeding import check_random_algorithm, check_seed
from varshare._init.partitions import PartitionInfo
from varshare.errors import DTypeError

__all__ = [
    "Initializer", "Zeros", "Ones", "Constant", "RandomUniform", "RandomNormal",
    "TruncatedNormal", "UniformUnitScaling", "VarianceScaling", "GlorotUniform",
    "GlorotNormal", "Orthogonal", "zeros_initializer", "ones_initializer",
    "constant_initializer", "random_uniform_initializer", "random_normal_initializer",
    "truncated_normal_initializer", "uniform_unit_scaling_initializer",
    "variance_scaling_initializer", "glorot_uniform_initializer",
    "glorot_normal_initializer", "orthogonal_initializer",
]

Shape = checks.ShapeLike
DTypeLike = Any  # anything varshare._core.dtypes.as_dtype accepts

# TF's truncation correction: stddev of a standard normal truncated to [-2, 2].
_TRUNCATED_STDDEV = 0.87962566103423978


_FLOATS = tuple(map(np.dtype, ("float16", "float32", "float64")))
_UNIFORM = _FLOATS + tuple(map(np.dtype, ("int32", "int64")))


def _float_dtype(dtype: DTypeLike) -> np.dtype:
    dtype = as_dtype(dtype)
    return checks.check_dtype(dtype, _FLOATS, "random initializers", message=(
        f"Argument `dtype` is expected to be floating point. Received: <dtype: '{dtype.name}'>."))


def _uniform_dtype(dtype: DTypeLike) -> np.dtype:
    dtype = as_dtype(dtype)
    return checks.check_dtype(dtype, _UNIFORM, "random_uniform_initializer", message=(
        f"Argument `dtype` got invalid value <dtype: '{dtype.name}'>. Accepted dtypes are "
        "(tf.float16, tf.float32, tf.float64, tf.int32, tf.int64)."))


def _window(shape: tuple[int, ...], partition_info: PartitionInfo | None
            ) -> tuple[tuple[int, ...], tuple[slice, ...] | None]:
    """The full shape and the window of ``shape`` in it (None: the whole array)."""
    if partition_info is None:
        return shape, None
    full = partition_info.full_shape
    offset = partition_info.var_offset
    if len(shape) != len(full) or any(o + s > d for o, s, d in zip(offset, shape, full)):
        raise ValueError(
            f"shape {shape} at var_offset {offset} does not fit in full_shape {full}")
    return full, partition_info.window(shape)


class Initializer:
    """Base class: ``init(shape, dtype=None, partition_info=None) -> np.ndarray``."""

    dtype: np.dtype

    # Checks a dtype given to the constructor or at call time; subclasses narrow it.
    _check_dtype: Callable[[DTypeLike], np.dtype] = staticmethod(as_dtype)

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None) -> np.ndarray:
        raise NotImplementedError

    def _dtype(self, dtype: DTypeLike) -> np.dtype:
        return self.dtype if dtype is None else self._check_dtype(dtype)

    def fill(self, out: np.ndarray, partition_info: PartitionInfo | None = None) -> np.ndarray:
        """Write ``self(out.shape, out.dtype, partition_info)`` into ``out`` and return it.

        ``out`` is any writable array (any layout, a view of another framework's memory).
        Element-local initializers write in place with no temporary; the others
        (Constant, Orthogonal) compute the values and copy them in.
        """
        out[...] = self(checks.check_array(out).shape, out.dtype, partition_info)
        return out

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments, as TF 1.x (dtype by name)."""
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> "Initializer":
        """An initializer from the output of :meth:`get_config`."""
        return cls(**config)


class _Fill(Initializer):
    _value: int

    def __init__(self, dtype: DTypeLike = np.float32):
        self.dtype = self._check_dtype(dtype)

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None) -> np.ndarray:
        return np.full(_as_shape(shape), self._value, self._dtype(dtype))

    def fill(self, out: np.ndarray, partition_info: PartitionInfo | None = None) -> np.ndarray:
        self._dtype(checks.check_array(out).dtype)
        out[...] = self._value
        return out

    def get_config(self) -> dict[str, Any]:
        return {"dtype": self.dtype.name}


class Zeros(_Fill):
    """Initializer of an all-zeros array."""

    _value = 0


class Ones(_Fill):
    """Initializer of an all-ones array."""

    _value = 1


def _is_shape(value: object) -> bool:
    if isinstance(value, (str, bytes)):
        return False
    return isinstance(value, (Sequence, np.ndarray)) or (
        isinstance(value, numbers.Integral) and not isinstance(value, bool))


def _array_or_initializer(cls: type[_Fill], shape: Any, dtype: DTypeLike
                          ) -> np.ndarray | _Fill:
    if shape is not None and _is_shape(shape):
        return cls(np.float32 if dtype is None else dtype)(shape)
    # TF 1.x style: the only positional argument (if any) is the dtype.
    dtype = shape if dtype is None else dtype
    return cls(np.float32 if dtype is None else dtype)


def zeros_initializer(shape: Any = None, dtype: DTypeLike = None,
                      partition_info: PartitionInfo | None = None) -> np.ndarray | Initializer:
    """An all-zeros array, or an initializer of them.

    ``zeros_initializer(shape, dtype)`` returns the array (shape first);
    ``zeros_initializer()`` or ``zeros_initializer(dtype)`` returns an initializer (TF 1.x).
    The function itself also works as ``initializer=``.
    """
    return _array_or_initializer(Zeros, shape, dtype)


def ones_initializer(shape: Any = None, dtype: DTypeLike = None,
                     partition_info: PartitionInfo | None = None) -> np.ndarray | Initializer:
    """An all-ones array, or an initializer of them.

    ``ones_initializer(shape, dtype)`` returns the array (shape first);
    ``ones_initializer()`` or ``ones_initializer(dtype)`` returns an initializer (TF 1.x).
    The function itself also works as ``initializer=``.
    """
    return _array_or_initializer(Ones, shape, dtype)


def _flatten(value: object) -> Iterator[object]:
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten(item)
    else:
        yield value


def _flat_indices(shape: tuple[int, ...], full: tuple[int, ...],
                  window: tuple[slice, ...] | None) -> np.ndarray:
    """C-order index in the full array of every element of the window."""
    window = window or tuple(slice(0, d) for d in shape)
    strides = np.cumprod((1,) + full[:0:-1], dtype=np.int64)[::-1]
    index = np.zeros((), np.int64)
    for w, stride in zip(window, strides):
        index = index[..., None] + np.arange(w.start, w.stop, dtype=np.int64) * stride
    return index


class Constant(Initializer):
    """Initializer of a constant: a scalar, or values padded with their last one.

    A list, tuple or array with fewer elements than the variable is read in C
    order and its last element repeats; more elements is an error.  Values in
    Python lists must fit the dtype's kind (no floats for integers, only bools for
    bool).  With ``verify_shape`` the value's shape must equal the full shape.  A shard of
    a partitioned variable is its window of the whole; in TF mode, as in TF, every shard
    gets the value on its own (padded to the shard's shape).
    """

    def __init__(self, value: Any = 0, dtype: DTypeLike = np.float32,
                 verify_shape: bool = False):
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value={value} of type: {type(value).__name__}. "
                "Expected Python scalar, list or tuple of values, or numpy.ndarray.")
        self.value = value
        self.dtype = self._check_dtype(dtype)
        self._verify_shape = verify_shape

    def _values(self, dtype: np.dtype) -> np.ndarray:
        """The value as a flat array of ``dtype`` (one zero if it is empty)."""
        values = np.asarray(self.value)
        allowed = {"b": "b", "i": "biu", "u": "biu"}.get(dtype.kind, "biuf")
        if not isinstance(self.value, np.ndarray) and values.dtype.kind not in allowed:
            bad = next(v for v in _flatten(self.value)
                       if np.asarray(v).dtype.kind not in allowed)
            raise TypeError(
                f"Expected {dtype.name}, but got {bad!r} of type '{type(bad).__name__}'.")
        values = values.astype(dtype).ravel()
        return values if values.size else np.zeros(1, dtype)

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None,
                 verify_shape: bool | None = None) -> np.ndarray:
        shape = _as_shape(shape)
        dtype = self._dtype(dtype)
        if get_default_graph().seeds.current_algorithm() == "tf":
            partition_info = None          # TF gives every shard the value on its own
        full, window = _window(shape, partition_info)
        verify = self._verify_shape if verify_shape is None else verify_shape
        if verify and np.shape(self.value) != full:
            raise TypeError(
                f"Expected Tensor's shape: {full}, but got {np.shape(self.value)}.")
        values = self._values(dtype)
        if values.size > math.prod(full):
            raise ValueError(
                f"Too many elements provided. Takes at most {math.prod(full)}, "
                f"but got {values.size}.")
        if values.size == 1:
            return np.full(shape, values[0], dtype)
        return values[np.minimum(_flat_indices(shape, full, window), values.size - 1)]

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value, "dtype": self.dtype.name}


class _Random(Initializer):
    """A random initializer: one kernel call for the shard's window, scaling fused.

    ``algorithm`` ("varshare", "tf", or None to follow ``varshare.random_algorithm`` and
    the graph) picks the random stream.
    """

    _check_dtype = staticmethod(_float_dtype)
    _integers = False           # whether integer dtypes are drawn too (uniform only)

    def __init__(self, seed: int | None, dtype: DTypeLike, algorithm: str | None):
        self.seed = check_seed(seed)
        self.dtype = self._check_dtype(dtype)
        self.algorithm = (None if algorithm is None
                          else check_random_algorithm(algorithm, "algorithm"))

    def _config(self) -> dict[str, Any]:
        """The constructor arguments other than ``algorithm``."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        config = self._config()
        if self.algorithm is not None:
            config["algorithm"] = self.algorithm
        return config


    def _tf_mode(self) -> bool:
        return get_default_graph().seeds.current_algorithm(self.algorithm) == "tf"

    def _dtype(self, dtype: DTypeLike) -> np.dtype:
        # A call's dtype is checked as TF checks it: by converting the parameters to it
        # (_sample), so a wrong one is TF's TypeError, not the constructor's ValueError.
        return self.dtype if dtype is None else as_dtype(dtype)

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None) -> np.ndarray:
        return self._draw(_as_shape(shape), self._dtype(dtype), partition_info, None)

    def fill(self, out: np.ndarray, partition_info: PartitionInfo | None = None) -> np.ndarray:
        checks.check_array(out)
        return self._draw(out.shape, self._dtype(out.dtype), partition_info, out)

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        """The kernel ("uniform", "normal", "truncated_normal") and its parameters a, b
        for an array of ``full_shape`` (the shape scales depend on)."""
        raise NotImplementedError

    def _draw(self, shape: tuple[int, ...], dtype: np.dtype,
              partition_info: PartitionInfo | None, out: np.ndarray | None) -> np.ndarray:
        """The values of ``shape`` (a window of ``partition_info``), written to ``out`` if
        given."""
        full = shape if partition_info is None else partition_info.full_shape
        return self._sample(*self._parameters(full, dtype), shape, dtype, partition_info, out)

    def _sample(self, kind: str, a: object, b: object, shape: tuple[int, ...],
                dtype: np.dtype, partition_info: PartitionInfo | None,
                out: np.ndarray | None = None) -> np.ndarray:
        """``kind`` ("uniform", "normal", "truncated_normal") with parameters a, b."""
        if dtype.kind != "f" and not (self._integers and dtype.kind == "i"):
            raise DTypeError(f"Expected {dtype.name}, but got {a!r} of type 'float'.")
        from varshare import random  # the kernels (and OpenMP) load on the first draw

        generate = getattr(random, kind)
        seeds = get_default_graph().seeds
        if self._tf_mode():  # TF's op and seeds, on the shard's own shape
            seed, stream = seeds.tf_seeds(self.seed)
            return generate(shape, seed, a, b, dtype.name, stream=stream, out=out,
                            algorithm="tf")
        full, window = _window(shape, partition_info)
        seed, stream = seeds.kernel_seed(self.seed)
        if kind == "uniform" and a == b:  # an empty range: TF returns the constant
            if out is None:
                return np.full(shape, a, dtype)
            out[...] = a
            return out
        return generate(full, seed, a, b, dtype.name, stream=stream, window=window, out=out)


class RandomUniform(_Random):
    """Uniform in ``[minval, maxval)``; integer dtypes give integers in that range.

    ``maxval=None`` means 1 for float dtypes and is an error for integer ones.
    """

    _check_dtype = staticmethod(_uniform_dtype)
    _integers = True
    _dtype = Initializer._dtype        # a call's dtype is checked as the constructor's

    def __init__(self, minval: float = 0, maxval: float | None = None,
                 seed: int | None = None, dtype: DTypeLike = np.float32,
                 algorithm: str | None = None):
        super().__init__(seed, dtype, algorithm)
        self.minval = minval
        self.maxval = maxval

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        maxval = self.maxval
        if maxval is None:
            if dtype.kind == "i":
                raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
            maxval = 1.0
        return "uniform", self.minval, maxval

    def _config(self) -> dict[str, Any]:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed,
                "dtype": self.dtype.name}


class RandomNormal(_Random):
    """Normal with the given mean and standard deviation."""

    _kind = "normal"

    def __init__(self, mean: float = 0.0, stddev: float = 1.0,
                 seed: int | None = None, dtype: DTypeLike = np.float32,
                 algorithm: str | None = None):
        super().__init__(seed, dtype, algorithm)
        self.mean = mean
        self.stddev = stddev

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        return self._kind, self.mean, self.stddev

    def _config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed,
                "dtype": self.dtype.name}


class TruncatedNormal(RandomNormal):
    """Normal whose draws beyond two standard deviations from the mean are redrawn."""

    _kind = "truncated_normal"


def _input_size(shape: Sequence[int]) -> float:
    return max(1.0, float(math.prod(shape[:-1])))


class UniformUnitScaling(_Random):
    """Uniform in ``±factor * sqrt(3 / fan_in)``, keeping the input variance.

    ``fan_in`` is the product of all but the last dimension of ``full_shape`` if
    given, else of ``partition_info.full_shape``, else of the shape.
    """

    def __init__(self, factor: float = 1.0, seed: int | None = None,
                 dtype: DTypeLike = np.float32, full_shape: Shape | None = None,
                 algorithm: str | None = None):
        super().__init__(seed, dtype, algorithm)
        self.factor = factor
        self.full_shape = None if full_shape is None else _as_shape(full_shape)

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        scale_shape = self.full_shape if self.full_shape is not None else full_shape
        limit = self.factor * math.sqrt(3.0 / _input_size(scale_shape))
        return "uniform", -limit, limit

    def _config(self) -> dict[str, Any]:
        config = {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}
        if self.full_shape is not None:      # not a TF argument: only when given
            config["full_shape"] = self.full_shape
        return config


def _compute_fans(shape: Sequence[int]) -> tuple[int, int]:
    """TF's fans: a conv kernel ``(*spatial, in, out)`` multiplies by its spatial size."""
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


class VarianceScaling(_Random):
    """Variance ``scale / n`` with ``n`` the fan in, fan out or their mean.

    Fans come from the full shape.  ``"truncated_normal"`` (alias ``"normal"``)
    divides the stddev by the stddev of a normal truncated at 2 so the variance
    is exact; ``"untruncated_normal"`` and ``"uniform"`` need no correction.
    """

    def __init__(self, scale: float = 1.0, mode: str = "fan_in",
                 distribution: str = "truncated_normal", seed: int | None = None,
                 dtype: DTypeLike = np.float32, algorithm: str | None = None):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be a positive float. Received: {scale}")
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError("Argument `mode` should be one of ('fan_in', 'fan_out', "
                             f"'fan_avg'). Received: {mode}")
        distribution = distribution.lower()
        if distribution not in ("normal", "uniform", "truncated_normal",
                                "untruncated_normal"):
            raise ValueError(
                "Argument `distribution` should be one of ('normal', 'uniform', "
                f"'truncated_normal', 'untruncated_normal'). Received: {distribution}")
        super().__init__(seed, dtype, algorithm)
        self.scale = scale
        self.mode = mode
        self.distribution = distribution

    def _parameters(self, full_shape: tuple[int, ...], dtype: np.dtype
                    ) -> tuple[str, object, object]:
        fan_in, fan_out = _compute_fans(full_shape)
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}
        scale = self.scale / max(1.0, fan[self.mode])
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * scale)
            return "uniform", -limit, limit
        if self.distribution == "untruncated_normal":
            return "normal", 0.0, math.sqrt(scale)
        return "truncated_normal", 0.0, math.sqrt(scale) / _TRUNCATED_STDDEV

    def _config(self) -> dict[str, Any]:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed, "dtype": self.dtype.name}


class GlorotUniform(VarianceScaling):
    """Glorot (Xavier) uniform: uniform in ``±sqrt(6 / (fan_in + fan_out))``."""

    _distribution = "uniform"

    def __init__(self, seed: int | None = None, dtype: DTypeLike = np.float32,
                 algorithm: str | None = None):
        super().__init__(1.0, "fan_avg", self._distribution, seed, dtype, algorithm)

    def _config(self) -> dict[str, Any]:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(GlorotUniform):
    """Glorot (Xavier) normal: truncated normal of variance ``2 / (fan_in + fan_out)``."""

    _distribution = "truncated_normal"


class Orthogonal(_Random):
    """A (semi-)orthogonal matrix times ``gain``, reshaped to the shape.

    The shape is read as a ``prod(shape[:-1]) x shape[-1]`` matrix, computed as
    the sign-corrected Q of the QR factorisation of a normal matrix.  A shard
    computes the whole matrix and returns its window.
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None,
                 dtype: DTypeLike = np.float32, algorithm: str | None = None):
        super().__init__(seed, dtype, algorithm)
        self.gain = gain

    fill = Initializer.fill                # the whole matrix is computed anyway

    def __call__(self, shape: Shape, dtype: DTypeLike = None,
                 partition_info: PartitionInfo | None = None) -> np.ndarray:
        dtype = self._dtype(dtype)
        shape = _as_shape(shape)
        full, window = (shape, None) if self._tf_mode() else _window(shape, partition_info)
        if len(full) < 2:
            raise ValueError("The tensor to initialize, specified by argument `shape` must "
                             f"be at least two-dimensional. Received shape={list(full)}")
        rows, cols = math.prod(full[:-1]), full[-1]
        a = self._sample("normal", 0.0, 1.0, (max(rows, cols), min(rows, cols)), dtype, None)
        # LAPACK has no float16: factor in float32 and round back.
        q, r = np.linalg.qr(a.astype(np.float32) if dtype == np.float16 else a)
        q *= np.sign(np.diagonal(r))
        if rows < cols:
            q = q.T
        q = (q * self.gain).astype(dtype, copy=False).reshape(full)
        return q if window is None else np.ascontiguousarray(q[window])

    def _config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal
orthogonal_initializer = Orthogonal
