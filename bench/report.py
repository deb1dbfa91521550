"""Markdown table of ns/element: varshare.random per kernel vs NumPy (and torch, mkl_random).

    python bench/report.py [--repeat 7] [--sizes 16,24] [--threads 1,2] [--plot out.png]

Plain time.perf_counter, best of --repeat interleaved rounds after a warm-up round: each
round times NumPy, the memory floor and every varshare kernel and thread count once in
turn, so that a slow spell of a shared machine slows all of them alike.  Preallocated
outputs where the API allows (the same operations as bench/test_random.py). NumPy is
single-threaded; torch runs with the row's thread count; mkl_random (float64 normal only,
its fastest method, ICDF on Philox) allocates its output, as its API must. Ratios are peer
ns / varshare ns with the selected kernel (> 1 means varshare is faster); "x floor" is
varshare's time over the memory floor, one ``ndarray.fill`` of the same array. Machines are
shared and noisy: compare ratios within one run, not absolute figures across runs.
"""

import argparse
import os
import platform
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_random import DISTS, DTYPES, numpy_fn, size_id, varshare_fn  # noqa: E402

import varshare.random as vr  # noqa: E402
from varshare._cli import best_of, memory_floor  # noqa: E402
from varshare.random import _kernels  # noqa: E402


def torch_fn(dist, out, threads):
    """torch's in-place initialisers on a tensor sharing `out`'s memory, or None."""
    try:
        import torch
    except ImportError:
        return None
    t = torch.from_numpy(out)

    def run():
        torch.set_num_threads(threads)
        if dist == "uniform":
            t.uniform_()
        elif dist == "normal":
            t.normal_()
        else:
            torch.nn.init.trunc_normal_(t, a=-2.0, b=2.0)
    return run


def mkl_fn(dist, out):
    """mkl_random's fastest float64 normal (ICDF on its Philox4x32-10), or None."""
    if dist != "normal" or out.dtype != np.float64:
        return None
    try:
        import mkl_random
    except ImportError:
        return None
    rs = mkl_random.MKLRandomState(1, brng="PHILOX4X32X10")
    return lambda: rs.standard_normal(out.size, method="ICDF")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--sizes", default="16,24", help="exponents k of n = 2**k")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--plot", help="write a PNG of ns/element vs size (needs matplotlib)")
    args = ap.parse_args(argv)
    sizes = [2**int(k) for k in args.sizes.split(",")]
    threads = [int(t) for t in args.threads.split(",")]
    isas = _kernels.ISA_NAMES[: _kernels.ISA_NAMES.index(_kernels.cpu_isa()) + 1]
    has_torch = torch_fn("normal", np.empty(1, np.float32), 1) is not None
    has_mkl = mkl_fn("normal", np.empty(1)) is not None
    selected = vr.get_isa()

    print("varshare.random vs NumPy %s Generator(PCG64)%s%s; %s %s, %s (%s), %d CPUs, "
          "OpenMP=%s, selected kernel %s; best of %d interleaved rounds\n"
          % (np.__version__, " and torch" if has_torch else "",
             " and mkl_random" if has_mkl else "", platform.python_implementation(),
             platform.python_version(), platform.machine(), cpu_model(), os.cpu_count() or 0,
             _kernels.OPENMP, selected, args.repeat))
    head = ["distribution", "dtype", "n", "threads", "NumPy"] + (["torch"] if has_torch else [])
    head += ["mkl_random"] if has_mkl else []
    head += [f"varshare {isa}" for isa in isas] + ["vs NumPy"] + (["vs torch"] if has_torch else [])
    head += ["vs mkl_random"] if has_mkl else []
    head += ["x floor"]
    print("| " + " | ".join(head) + " |  (ns/element)")
    print("|" + "---|" * len(head))
    rows = []
    for dist in DISTS:
        for dtype in DTYPES:
            for n in sizes:
                out = np.empty(n, dtype)
                rng = np.random.Generator(np.random.PCG64(12345))
                rounds = max(args.repeat, 25) if n < 2**22 else args.repeat
                ours = {(t, isa): varshare_fn(dist, out, t, isa) for t in threads for isa in isas}
                timed = best_of({"numpy": numpy_fn(dist, out, rng), "floor": memory_floor(out),
                                 **ours}, rounds)
                t_np, floor = timed["numpy"] * 1e9 / n, timed["floor"] * 1e9 / n
                t_vs = {key: timed[key] * 1e9 / n for key in ours}
                # The peers last, on their own: their OpenMP threads keep spinning a while
                # after each call (MKL's for 200 ms), which would steal the second core from
                # the next timing.
                t_torch = {t: s * 1e9 / n for t, s in best_of(
                    {t: torch_fn(dist, out, t) for t in threads}, rounds).items()
                    } if has_torch else {}
                mkl = mkl_fn(dist, out)
                t_mkl = best_of({0: mkl}, rounds)[0] * 1e9 / n if mkl else None
                time.sleep(0.5)
                for t in threads:
                    best = t_vs[t, selected]
                    cells = [dist, dtype, size_id(n).replace("n=", ""), str(t), "%.3f" % t_np]
                    cells += ["%.3f" % t_torch[t]] if has_torch else []
                    cells += [("%.3f" % t_mkl) if t_mkl else "-"] if has_mkl else []
                    cells += ["%.3f" % t_vs[t, isa] for isa in isas] + ["%.2f×" % (t_np / best)]
                    cells += ["%.2f×" % (t_torch[t] / best)] if has_torch else []
                    cells += [("%.2f×" % (t_mkl / best)) if t_mkl else "-"] if has_mkl else []
                    cells += ["%.2f" % (best / floor)]
                    print("| " + " | ".join(cells) + " |")
                    sys.stdout.flush()
                    rows.append((dist, dtype, n, t, t_np, t_torch.get(t),
                                 {isa: t_vs[t, isa] for isa in isas}))
    if args.plot:
        plot(rows, isas, args.plot)


def plot(rows, isas, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = sorted({(d, dt) for d, dt, *_ in rows}, key=lambda p: (DISTS.index(p[0]), p[1]))
    fig, axes = plt.subplots(1, len(panels), figsize=(4 * len(panels), 3.6), squeeze=False)
    for ax, (dist, dtype) in zip(axes[0], panels):
        sel = [r for r in rows if r[0] == dist and r[1] == dtype]
        for t in sorted({r[3] for r in sel}):
            pts = sorted((r[2], r) for r in sel if r[3] == t)
            ns = [p for p, _ in pts]
            for isa in isas:
                ax.plot(ns, [r[6][isa] for _, r in pts], "o-", label=f"varshare {isa}, {t} thr")
            if pts[0][1][5] is not None:
                ax.plot(ns, [r[5] for _, r in pts], "s--", label=f"torch, {t} thr")
        first = sorted((r[2], r[4]) for r in sel)
        ax.plot([n for n, _ in first], [v for _, v in first], "k^-", label="NumPy PCG64")
        ax.set(xscale="log", yscale="log", title=f"{dist} {dtype}", xlabel="elements",
               ylabel="ns / element")
    axes[0][-1].legend(fontsize=6)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"\nplot written to {path}")


def cpu_model():
    """The CPU's model name (Linux), else the platform's processor string."""
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    main()
