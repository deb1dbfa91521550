"""Counter-based random numbers: Philox4x32-10 kernels, multi-threaded, bit-reproducible.

=====================  ==========================================================
:func:`uniform`        values in ``[minval, maxval)``; float16/32/64, int32/64
:func:`normal`         ``mean + stddev * z`` by Box-Muller
:func:`truncated_normal`  normal with ``|z| <= 2``, element-local redraws
:func:`philox4x32`     raw Philox4x32-10 blocks, for tests and interoperability
:func:`stateless_uniform` / :func:`stateless_normal` / :func:`stateless_truncated_normal`
                       TensorFlow's ``tf.random.stateless_*``, bit for bit
:func:`set_num_threads` / :func:`get_num_threads`  process-wide thread count
:func:`get_isa` / :func:`set_isa`  instruction-set kernel in use (``VARSHARE_ISA``)
:func:`openmp_info`    OpenMP build, runtime library, thread policy figures, ISA
=====================  ==========================================================

Element ``i`` of a result is a pure function of (seed, stream, i, distribution,
parameters, dtype): thread count, call splitting, windows and memory layout never change
a bit. The exact algorithms are specified in docs/random-algorithms.md. With
``algorithm="tf"`` (and in the ``stateless_*`` functions) the values are TensorFlow's
instead, with the same guarantees: docs/tf-mode.md.
"""

from ._generate import normal, philox4x32, truncated_normal, uniform
from ._isa import get_isa, set_isa
from ._runtime import openmp_info
from ._tf import stateless_normal, stateless_truncated_normal, stateless_uniform
from ._threads import get_num_threads, set_num_threads

__all__ = ["uniform", "normal", "truncated_normal", "philox4x32", "stateless_uniform",
           "stateless_normal", "stateless_truncated_normal",
           "set_num_threads", "get_num_threads", "get_isa", "set_isa", "openmp_info"]
