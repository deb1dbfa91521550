"""Build the compiled kernels: extension list and an OpenMP probe with a serial fallback.

VARSHARE_NO_OPENMP=1       build without OpenMP (serial kernels, same bits)
VARSHARE_REQUIRE_OPENMP=1  fail instead of falling back when OpenMP does not work
"""

import os
import shutil
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

KERNEL_SRC = "src/varshare/random/src"
PROBE = textwrap.dedent("""
    #include <omp.h>
    int main(void) {
        int n = 0;
        #pragma omp parallel reduction(+:n)
        n += 1;
        return n > 0 ? 0 : 1;
    }
""")


def _flag(name):
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _openmp_works(compiler, flag):
    """Compile and link a tiny parallel region with `flag`."""
    tmp = tempfile.mkdtemp()
    try:
        src = os.path.join(tmp, "probe.c")
        with open(src, "w") as f:
            f.write(PROBE)
        objs = compiler.compile([src], output_dir=tmp, extra_postargs=[flag])
        compiler.link_executable(objs, "probe", output_dir=tmp, extra_postargs=[flag])
        return True
    except Exception:  # any compile or link error means "no usable OpenMP"
        return False
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _compile_on_every_core(compiler):
    """Compile each extension's sources side by side (setuptools compiles them one by one;
    the kernels are separate units): the same objects, in about half the time on 2 cores."""

    def compile(sources, output_dir=None, macros=None, include_dirs=None, debug=0,
                extra_preargs=None, extra_postargs=None, depends=None):
        _, objects, extra_postargs, pp_opts, build = compiler._setup_compile(
            output_dir, macros, include_dirs, sources, depends, extra_postargs)
        cc_args = compiler._get_cc_args(pp_opts, debug, extra_preargs)

        def one(obj):
            src, ext = build[obj]
            compiler._compile(obj, src, ext, cc_args, extra_postargs, pp_opts)

        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(one, [obj for obj in objects if obj in build]))
        return objects

    compiler.compile = compile


class BuildExt(build_ext):
    def build_extensions(self):
        msvc = self.compiler.compiler_type == "msvc"
        flag = "/openmp" if msvc else "-fopenmp"
        if _flag("VARSHARE_NO_OPENMP"):
            print("varshare: VARSHARE_NO_OPENMP set, building serial kernels")
            flag = None
        elif not _openmp_works(self.compiler, flag):
            if _flag("VARSHARE_REQUIRE_OPENMP"):
                raise RuntimeError("varshare: OpenMP does not work with this compiler and "
                                   "VARSHARE_REQUIRE_OPENMP is set")
            print("varshare: WARNING: OpenMP not available, building serial kernels "
                  "(same results, one thread)")
            flag = None
        # -fno-wrapv undoes the -fwrapv of Python's CFLAGS, which stops loops vectorising;
        # -fno-trapping-math lets selects on float compares vectorise (no result changes)
        base = [] if msvc else ["-O3", "-fno-math-errno", "-fno-trapping-math", "-ffp-contract=off",
                                 "-fno-wrapv"]
        for ext in self.extensions:
            ext.extra_compile_args = base + ([flag] if flag else [])
            ext.extra_link_args = [flag] if flag else []
        if self.compiler.compiler_type == "unix":
            _compile_on_every_core(self.compiler)
        super().build_extensions()


extensions = [
    Extension(
        "varshare.random._kernels",
        ["src/varshare/random/_kernels.pyx"]
        + [f"{KERNEL_SRC}/{c}" for c in ("fill.c", "kernel_portable.c", "kernel_avx2.c", "kernel_avx512.c",
                                        "kernel_avx512_emulated.c", "tf_fill.c")],
        include_dirs=[KERNEL_SRC],
        depends=[f"{KERNEL_SRC}/{h}" for h in ("fill.h", "kernels.h", "lanes.h", "philox.h", "transforms.h", "omp_shim.h", "tf_fill.h", "tf_transforms.h")],
    )
]

setup(
    ext_modules=cythonize(
        extensions,
        compiler_directives=dict(
            language_level=3, boundscheck=False, wraparound=False, cdivision=True,
            initializedcheck=False, nonecheck=False, embedsignature=True),
    ),
    cmdclass={"build_ext": BuildExt},
)
