"""Compare two saved benchmark runs by their speed ratios to NumPy, measured within each run.

    python bench/compare.py OLD.json NEW.json [--drop 0.15]

The files are pytest-benchmark's own (``--benchmark-autosave`` or ``--benchmark-save=NAME``
writes them under ``.benchmarks/``). Absolute times drift between runs on shared machines,
so each run is reduced to ratios taken inside it: NumPy's best time over varshare's, per
benchmark group (distribution, dtype, size) and thread count. Prints both runs' ratios side
by side and flags a ratio that fell by more than ``--drop``; exits 1 if any did.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

Key = tuple[str, int]    # (group, threads)


def ratios(path: Path) -> dict[Key, float]:
    """NumPy best time / varshare best time, by (group, threads), of one saved run."""
    benchmarks = json.loads(path.read_text())["benchmarks"]
    numpy = {b["group"]: b["stats"]["min"] for b in benchmarks
             if b["extra_info"].get("impl", "").startswith("numpy")}
    return {(b["group"], int(b["extra_info"]["threads"])): numpy[b["group"]] / b["stats"]["min"]
            for b in benchmarks
            if b["extra_info"].get("impl") == "varshare" and b["group"] in numpy}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    ap.add_argument("--drop", type=float, default=0.15,
                    help="flag a ratio that fell by more than this fraction (default 0.15)")
    args = ap.parse_args(argv)
    old, new = ratios(args.old), ratios(args.new)
    keys = sorted(old.keys() & new.keys())
    if not keys:
        print("no benchmark in common with a NumPy baseline in both runs", file=sys.stderr)
        return 2
    print(f"{'group':<36} {'threads':>7} {'old':>8} {'new':>8} {'change':>8}   (x NumPy)")
    drops = 0
    for group, threads in keys:
        before, after = old[group, threads], new[group, threads]
        change = after / before - 1
        flag = change < -args.drop
        drops += flag
        print(f"{group:<36} {threads:>7} {before:>7.2f}x {after:>7.2f}x {change:>+7.0%}"
              f"{'   DROP' if flag else ''}")
    for name, only in (("old", old.keys() - new.keys()), ("new", new.keys() - old.keys())):
        if only:
            print(f"(only in {name}: {len(only)} benchmarks)")
    print(f"{drops} ratio(s) fell by more than {args.drop:.0%}" if drops else "no drop")
    return 1 if drops else 0


if __name__ == "__main__":
    sys.exit(main())
