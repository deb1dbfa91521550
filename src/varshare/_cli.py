"""``python -m varshare``: ``info``, ``bench`` and ``demo`` (the default)."""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import time
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np

K = TypeVar("K")

OPTIONAL = ("dask", "distributed", "safetensors", "torch", "jax", "tqdm", "threadpoolctl",
            "matplotlib")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m varshare",
        description="TF 1.x variable sharing on NumPy with counter-based Philox initializers.")
    commands = parser.add_subparsers(dest="command", metavar="{info,bench,demo}")
    commands.add_parser("info", help="version, OpenMP, threads, kernel ISA, optional packages")
    bench = commands.add_parser("bench", help="ns/element of the kernels vs NumPy, here")
    bench.add_argument("--size", type=int, default=1 << 22, help="elements (default 2**22)")
    bench.add_argument("--repeat", type=int, default=5,
                       help="interleaved rounds, best kept (default 5)")
    bench.add_argument("--threads", type=int, default=None, help="kernel threads")
    bench.add_argument("--plot", metavar="PNG", help="also draw the table (needs matplotlib)")
    commands.add_parser("demo", help="a 10-second tour (the default command)")
    args = parser.parse_args(argv)
    if args.command == "info":
        info()
    elif args.command == "bench":
        if args.size < 1 or args.repeat < 1:
            parser.error("--size and --repeat must be positive")
        rows = bench_table(args.size, args.repeat, args.threads)
        if args.plot:
            plot(rows, args.plot)
    else:
        demo()


# ----------------------------------------------------------------------------- info

def info() -> None:
    """Print what this installation runs on."""
    import varshare as vs

    print(f"varshare        {_version('varshare')}")
    print(f"numpy           {np.__version__}")
    try:
        runtime = vs.random.openmp_info()
    except AttributeError:  # a build without openmp_info()
        runtime = {"num_threads": vs.random.get_num_threads(), "isa": vs.random.get_isa()}
    for key, value in runtime.items():
        print(f"{key:<15} {value}")
    for name in OPTIONAL:
        present = importlib.util.find_spec(name) is not None
        print(f"{name:<15} {_version(name) if present else '-'}")


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown (not installed as a distribution)"


# ---------------------------------------------------------------------------- bench

def best_of(fns: Mapping[K, Callable[[], object]], rounds: int) -> dict[K, float]:
    """The best seconds of each function over ``rounds`` rounds, after a warm-up round (page
    faults, thread pools).  Each round times every function once in turn (A B C A B C ...),
    so that a slow spell of a shared machine slows all of them alike, not one."""
    best = dict.fromkeys(fns, float("inf"))
    for _ in range(rounds + 1):
        for key, fn in fns.items():
            start = time.perf_counter()
            fn()
            best[key] = min(best[key], time.perf_counter() - start)
    return best


def numpy_truncated_normal(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """The usual NumPy recipe: draw, then redraw the |z| > 2 entries until none is left."""
    rng.standard_normal(dtype=out.dtype, out=out)
    bad = np.flatnonzero(np.abs(out) > 2)
    while bad.size:
        z = rng.standard_normal(bad.size, dtype=out.dtype)
        out[bad] = z
        bad = bad[np.abs(z) > 2]
    return out


def memory_floor(out: np.ndarray) -> Callable[[], object]:
    """One write of ``out`` (``ndarray.fill``): no fill of it can be faster."""
    return lambda: out.fill(0)


def _cases(out: np.ndarray, threads: int | None, rng: np.random.Generator
           ) -> dict[str, tuple[Callable[[], object], Callable[[], object]]]:
    """``{kind: (varshare fill of out, NumPy fill of out)}``."""
    import varshare as vs

    n = out.size
    return {
        "uniform": (lambda: vs.random.uniform(n, 1, out=out, threads=threads),
                    lambda: rng.random(dtype=out.dtype, out=out)),
        "normal": (lambda: vs.random.normal(n, 1, out=out, threads=threads),
                   lambda: rng.standard_normal(dtype=out.dtype, out=out)),
        "truncated_normal": (lambda: vs.random.truncated_normal(n, 1, out=out, threads=threads),
                             lambda: numpy_truncated_normal(rng, out)),
    }


def bench_table(size: int, repeat: int, threads: int | None) -> list[tuple[str, float, float]]:
    """Print and return ``(case, varshare ns/element, NumPy ns/element)`` rows, with each
    varshare time as a multiple of the memory floor (``ndarray.fill`` of the same array)."""
    import varshare as vs

    rng = np.random.default_rng(0)
    threads_used = threads or vs.random.get_num_threads()
    print(f"{size} elements, best of {repeat} interleaved rounds, {threads_used} "
          f"kernel thread(s), ISA {vs.random.get_isa()}; NumPy: default_rng (PCG64), 1 thread")
    print(f"{'case':<26}{'varshare':>12}{'numpy':>12}{'speed-up':>10}{'x floor':>9}")
    rows = []
    for dtype in (np.float32, np.float64):
        out = np.empty(size, dtype)
        for kind, (fill, numpy_fill) in _cases(out, threads, rng).items():
            case = f"{kind} {np.dtype(dtype).name}"
            best = best_of({"ours": fill, "theirs": numpy_fill, "floor": memory_floor(out)},
                           repeat)
            ours, theirs, floor = (best[key] / size * 1e9 for key in ("ours", "theirs", "floor"))
            rows.append((case, ours, theirs))
            print(f"{case:<26}{ours:>9.2f} ns{theirs:>9.2f} ns{theirs / ours:>9.1f}x"
                  f"{ours / floor:>8.1f}x")
    return rows


def plot(rows: list[tuple[str, float, float]], path: str) -> None:
    """Draw the bench rows as grouped bars into the PNG ``path``."""
    try:
        import matplotlib
    except ImportError:
        raise SystemExit("--plot needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    x = np.arange(len(rows))
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(x - 0.2, [r[1] for r in rows], 0.4, label="varshare")
    ax.bar(x + 0.2, [r[2] for r in rows], 0.4, label="NumPy")
    ax.set_xticks(x, [r[0] for r in rows], rotation=20, ha="right")
    ax.set_ylabel("ns / element (lower is better)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    print(f"plot written to {path}")


# ----------------------------------------------------------------------------- demo

def demo() -> None:
    """A short tour: sharing, templates, partitioned shards, determinism, speed."""
    import varshare as vs

    def step(title: str) -> None:
        print(f"\n== {title}")

    step("variable_scope + get_variable: create once, reuse by name")
    with vs.variable_scope("encoder", initializer=vs.truncated_normal_initializer(stddev=0.02)):
        w = vs.get_variable("w", [512, 256])
    with vs.variable_scope("encoder", reuse=True):
        print(f"{w.name} {w.shape}: reused is the same object ->", vs.get_variable("w") is w)

    step("make_template: a layer whose variables are created on the first call only")

    def dense(x: np.ndarray, units: int) -> np.ndarray:
        kernel = vs.get_variable("kernel", [x.shape[-1], units])
        bias = vs.get_variable("bias", [units], initializer=vs.zeros_initializer())
        return np.maximum(x @ kernel + bias, 0)

    layer = vs.make_template("dense", dense, units=64)
    x = np.ones((8, 32), np.float32)
    y1, y2 = layer(x), layer(2 * x)
    print("variables:", [v.name for v in layer.variables], "| outputs", y1.shape, y2.shape)

    step("partitioned embedding: every shard is exactly its slice of the whole")
    init = vs.truncated_normal_initializer(stddev=0.02, seed=42)
    embedding = vs.get_variable("embedding", [10_000, 64], initializer=init,
                                partitioner=vs.fixed_size_partitioner(4))
    whole = init((10_000, 64), "float32")
    assert isinstance(embedding, vs.PartitionedVariable)
    rows = slice(0, 0)
    for shard in embedding:
        rows = slice(rows.stop, rows.stop + shard.shape[0])
        print(f"  {shard.name:<24} rows {rows.start:>5}:{rows.stop:<5} == slice:",
              np.array_equal(shard.numpy(), whole[rows]))

    step("threads never change a bit")
    runs = [vs.random.normal(1 << 20, 7, threads=t) for t in (1, 2, 4)]
    print("normal(2**20) with 1, 2, 4 threads identical:",
          all(np.array_equal(runs[0], r) for r in runs[1:]))

    step(f"a 2**24-element variable ({vs.random.get_num_threads()} threads)")
    n = 1 << 24
    start = time.perf_counter()
    big = vs.get_variable("big", [n // 1024, 1024],
                          initializer=vs.random_normal_initializer(seed=1))
    ours = time.perf_counter() - start
    start = time.perf_counter()
    np.random.default_rng(1).standard_normal((n // 1024, 1024), dtype=np.float32)
    theirs = time.perf_counter() - start
    print(f"get_variable {big.shape}: {ours * 1e3:.0f} ms, NumPy standard_normal: "
          f"{theirs * 1e3:.0f} ms ({theirs / ours:.1f}x)")
    print("\nMore: python -m varshare info | bench [--plot out.png]")
