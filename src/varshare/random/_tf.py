"""TensorFlow's random streams, bit for bit (migration mode; docs/tf-mode.md).

Two entry points reproduce TensorFlow's Philox ops on CPU:

* ``uniform/normal/truncated_normal(..., algorithm="tf")``: the graph-mode ops behind
  ``tf.random.uniform/normal/truncated_normal`` (TF 1.x ``random_uniform`` ...), whose
  ``seed`` and ``seed2`` attributes are varshare's ``seed`` and ``stream``, followed by
  the same scaling TF's Python wrappers apply.  ``varshare._core.seeding.tf_seeds`` turns graph
  and op seeds into that pair exactly as TF 1.x's ``get_seed``.
* :func:`stateless_uniform`, :func:`stateless_normal`, :func:`stateless_truncated_normal`:
  ``tf.random.stateless_*`` with TF's argument order and 2-integer seed.

Every element depends only on its output group (4 values, or 2 for 64-bit dtypes), so
windows, offsets, ``out=`` layouts and thread counts never change a bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from varshare._core import checks
from varshare._core.checks import ShapeLike, Window
from varshare.random import _fill
from varshare.random._fill import FLOATS, INTS, NORMAL, TRUNCATED_NORMAL, UNIFORM
from varshare.random._params import Affine, IntegerRange, Params

__all__ = ["stateless_key_counter", "stateless_normal", "stateless_truncated_normal",
           "stateless_uniform"]

_UNSIGNED: dict[np.dtype, np.dtype] = {np.dtype("uint32"): np.dtype("int32"),
                                       np.dtype("uint64"): np.dtype("int64")}
_SCRAMBLE_KEY = (0x3EC8F720, 0x02461E29)     # TF's key for turning a seed into key/counter
_NEGATIVE_ZERO = -0.0                        # x + -0.0 == x for every x, signed zeros too


# ------------------------------------------------------------------ parameters

def _scalar(x: object, name: str, dtype: np.dtype) -> float:
    """``x`` converted to ``dtype`` as TF converts a Python number, as a float."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(x).__name__}")
    with np.errstate(over="ignore"):
        return float(dtype.type(x))


def _float_range(minval: object, maxval: object, dtype: np.dtype) -> Affine:
    """``raw * (maxval - minval) + minval``, the difference taken in ``dtype``."""
    lo, hi = _scalar(minval, "minval", dtype), _scalar(maxval, "maxval", dtype)
    with np.errstate(over="ignore"):
        return Affine(float(dtype.type(hi) - dtype.type(lo)), lo)


def _int_range(minval: object, maxval: object, dtype: np.dtype) -> IntegerRange:
    """``minval + word % (maxval - minval)`` (TF's RandomUniformInt)."""
    if maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype {dtype.name}")
    lo, hi = (checks.as_integral(v, name) for v, name in ((minval, "minval"), (maxval, "maxval")))
    info = np.iinfo(dtype)
    for v, name in ((lo, "minval"), (hi, "maxval")):
        if not info.min <= v <= info.max:
            raise ValueError(f"{name}={v} does not fit {dtype.name}")
    if lo >= hi:
        raise ValueError(f"Need minval < maxval: {lo} >= {hi}")
    return IntegerRange(lo, hi - lo)


def _fill_tf(dist: int, shape: ShapeLike, key: object, stream: object, dtype: np.dtype,
             params: Params, offset: object, window: Window, out: np.ndarray | None,
             threads: int | None) -> np.ndarray:
    """One TF-mode kernel call; unsigned dtypes are filled through a signed view."""
    signed = _UNSIGNED.get(dtype)
    if signed is None:
        return _fill.fill(dist, shape, key, stream, offset, dtype, params, window, out,
                          threads, tf=True)
    if out is None:
        out = np.empty(checks.as_window(window, checks.as_shape(shape))[1], dtype)
    checks.check_out(out, out.shape, dtype)
    _fill.fill(dist, shape, key, stream, offset, signed, params, window, out.view(signed),
               threads, tf=True)
    return out


# ------------------------------------------------------------------ graph-mode ops

def uniform(shape: ShapeLike, seed: int, minval: object = 0.0, maxval: object = 1.0,
            dtype: Any = None, *, stream: int = 0, offset: int = 0, window: Window = None,
            out: np.ndarray | None = None, threads: int | None = None) -> np.ndarray:
    """TF's ``random_uniform`` with op attributes ``seed=seed, seed2=stream``.

    Floats: TF's 23-bit (float64: 52-bit, float16: 10-bit) uniform, then as TF's wrapper:
    unchanged for ``minval=0, maxval=1`` given as Python ints, ``* maxval`` for a Python int
    ``minval=0``, else ``* (maxval - minval) + minval`` in ``dtype``.  int32/int64: TF's
    RandomUniformInt, ``minval + word % (maxval - minval)``.
    """
    dt = _fill.output_dtype(dtype, out, FLOATS + INTS, "uniform")
    params: Params
    if dt.kind == "i":
        params = _int_range(minval, maxval, dt)
    elif isinstance(minval, int) and minval == 0:
        one = isinstance(maxval, int) and maxval == 1
        params = Affine(1.0 if one else _scalar(maxval, "maxval", dt), _NEGATIVE_ZERO)
    else:
        params = _float_range(minval, maxval, dt)
    return _fill_tf(UNIFORM, shape, seed, stream, dt, params, offset, window, out, threads)


def _normal_like(func: str, shape: ShapeLike, seed: object, mean: object, stddev: object,
                 dtype: Any, stream: object, offset: object, window: Window,
                 out: np.ndarray | None, threads: int | None) -> np.ndarray:
    dt = _fill.output_dtype(dtype, out, FLOATS, func)
    params = Affine(_scalar(stddev, "stddev", dt), _scalar(mean, "mean", dt))
    dist = NORMAL if func == "normal" else TRUNCATED_NORMAL
    return _fill_tf(dist, shape, seed, stream, dt, params, offset, window, out, threads)


def normal(shape: ShapeLike, seed: int, mean: object = 0.0, stddev: object = 1.0,
           dtype: Any = None, *, stream: int = 0, offset: int = 0, window: Window = None,
           out: np.ndarray | None = None, threads: int | None = None) -> np.ndarray:
    """TF's ``random_normal``: RandomStandardNormal (``seed``, ``seed2=stream``), then
    ``* stddev + mean`` in ``dtype``."""
    return _normal_like("normal", shape, seed, mean, stddev, dtype, stream, offset, window,
                        out, threads)


def truncated_normal(shape: ShapeLike, seed: int, mean: object = 0.0, stddev: object = 1.0,
                     dtype: Any = None, *, stream: int = 0, offset: int = 0, window: Window = None,
                     out: np.ndarray | None = None, threads: int | None = None) -> np.ndarray:
    """TF's ``truncated_normal``: TruncatedNormal (``seed``, ``seed2=stream``), then
    ``* stddev + mean`` in ``dtype``."""
    return _normal_like("truncated_normal", shape, seed, mean, stddev, dtype, stream, offset,
                        window, out, threads)


# ------------------------------------------------------------------ stateless ops

def _seed_words(seed: object) -> tuple[int, int]:
    """TF's 2-integer seed (int32 or int64 values), each sign-extended to 64 bits."""
    try:
        values = list(seed)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"seed must be a pair of integers, got {type(seed).__name__}") from None
    if len(values) != 2:
        raise ValueError(f"seed must have shape [2], got {len(values)} values")
    words = []
    for v in values:
        v = checks.as_int(v, "seed")
        if not -(1 << 63) <= v < 1 << 63:
            raise ValueError(f"seed values must fit int64, got {v}")
        words.append(v % (1 << 64))
    return words[0], words[1]


def _check_alg(alg: object) -> None:
    """TF's ``alg``: only Philox exists on CPU ("auto_select" picks it)."""
    if isinstance(alg, str):
        alg = alg.strip().lower().replace("-", "").replace("_", "")
    if alg not in (None, "philox", "autoselect", 1, 3):
        raise ValueError(f"alg must be 'philox' or 'auto_select', got {alg!r}")


def _key_stream(seed: object) -> tuple[int, int]:
    """The Philox key and counter words 2-3 (64-bit each) of a stateless seed."""
    s0, s1 = _seed_words(seed)
    counter = [s0 & 0xFFFFFFFF, s0 >> 32, s1 & 0xFFFFFFFF, s1 >> 32]
    [mix] = _fill.philox_blocks(np.array([counter], np.uint32),
                                np.array([_SCRAMBLE_KEY], np.uint32)).tolist()
    return mix[0] | mix[1] << 32, mix[2] | mix[3] << 32


def stateless_key_counter(seed: object) -> tuple[list[int], list[int]]:
    """TF's Philox (key, counter) of a stateless ``seed``, as 2 and 4 uint32 words.

    TF scrambles the seed with one Philox block under a fixed key: the block's first two
    words become the key, its last two the counter's words 2-3 (words 0-1 start at 0).
    """
    key, stream = _key_stream(seed)
    return [key & 0xFFFFFFFF, key >> 32], [0, 0, stream & 0xFFFFFFFF, stream >> 32]


def stateless_uniform(shape: ShapeLike, seed: object, minval: object = 0, maxval: object = None,
                      dtype: Any = "float32", name: str | None = None,
                      alg: object = "auto_select", *, offset: int = 0, window: Window = None,
                      out: np.ndarray | None = None, threads: int | None = None) -> np.ndarray:
    """``tf.random.stateless_uniform``, bit for bit.

    Floats: ``raw * (maxval - minval) + minval`` in ``dtype`` (``maxval=None`` is 1).
    int32/int64: ``minval + word % (maxval - minval)``; with ``minval`` and ``maxval`` both
    None, the full range (then also uint32/uint64).  ``name`` is accepted for TF's sake;
    ``offset``/``window``/``out``/``threads`` as in :func:`varshare.random.uniform`.
    """
    _check_alg(alg)
    dt = _fill.output_dtype(dtype, out, FLOATS + INTS + tuple(_UNSIGNED), "stateless_uniform")
    params: Params
    if dt.kind in "iu":
        if (minval is None) != (maxval is None):
            raise ValueError("minval and maxval must be both None or both given for integer "
                             f"dtype {dt.name}")
        if minval is None:
            params = IntegerRange(0, 0)              # the whole word
        elif dt.kind == "u":
            raise ValueError(f"dtype {dt.name} needs minval=None and maxval=None")
        else:
            params = _int_range(minval, maxval, dt)
    else:
        params = _float_range(minval, 1 if maxval is None else maxval, dt)
    key, stream = _key_stream(seed)
    return _fill_tf(UNIFORM, shape, key, stream, dt, params, offset, window, out, threads)


def _stateless_normal_like(func: str, shape: ShapeLike, seed: object, mean: object,
                           stddev: object, dtype: Any, alg: object, offset: object,
                           window: Window, out: np.ndarray | None,
                           threads: int | None) -> np.ndarray:
    _check_alg(alg)
    key, stream = _key_stream(seed)
    return _normal_like(func, shape, key, mean, stddev, dtype, stream, offset, window, out,
                        threads)


def stateless_normal(shape: ShapeLike, seed: object, mean: object = 0.0, stddev: object = 1.0,
                     dtype: Any = "float32", name: str | None = None,
                     alg: object = "auto_select", *,
                     offset: int = 0, window: Window = None, out: np.ndarray | None = None,
                     threads: int | None = None) -> np.ndarray:
    """``tf.random.stateless_normal``, bit for bit: ``raw * stddev + mean`` in ``dtype``."""
    return _stateless_normal_like("normal", shape, seed, mean, stddev, dtype, alg, offset,
                                  window, out, threads)


def stateless_truncated_normal(shape: ShapeLike, seed: object, mean: object = 0.0,
                               stddev: object = 1.0, dtype: Any = "float32",
                               name: str | None = None,
                               alg: object = "auto_select", *, offset: int = 0,
                               window: Window = None, out: np.ndarray | None = None,
                               threads: int | None = None) -> np.ndarray:
    """``tf.random.stateless_truncated_normal``, bit for bit: ``raw * stddev + mean``."""
    return _stateless_normal_like("truncated_normal", shape, seed, mean, stddev, dtype, alg,
                                  offset, window, out, threads)
