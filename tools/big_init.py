"""Initialise a table larger than comfortable RAM into a .npy file; report peak RSS and speed.

    python tools/big_init.py [--gib 20] [--dir /work] [--keep]

Writes ``<dir>/varshare-big-init.npy`` (deleted afterwards unless --keep) with
``varshare.init_to_file`` and prints the peak resident memory of this process (VmHWM:
anonymous plus file-backed pages), its growth during the run, and the throughput.
Refuses to start unless the disk has the table's size plus 5 GiB free.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time

import varshare as vs
from varshare._init.partitions import PartitionInfo


def _status_bytes(key: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) << 10 for line in f if line.startswith(key + ":"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=20.0, help="table size in GiB (float32)")
    parser.add_argument("--dir", default="/work", help="directory for the file")
    parser.add_argument("--keep", action="store_true", help="keep the file")
    args = parser.parse_args()

    columns = 1024
    rows = int(args.gib * (1 << 30)) // (4 * columns)
    size = rows * columns * 4
    free = shutil.disk_usage(args.dir).free
    if free < size + (5 << 30):
        raise SystemExit(f"skipped: {free / 2**30:.1f} GiB free in {args.dir}, "
                         f"need {(size >> 30) + 5} GiB")
    path = os.path.join(args.dir, "varshare-big-init.npy")
    init = vs.truncated_normal_initializer(stddev=0.02, seed=2024)
    init((1, columns), "float32")  # load the kernels before measuring
    rss_before = _status_bytes("VmRSS")
    start = time.perf_counter()
    try:
        table = vs.init_to_file(init, (rows, columns), "float32", path)
        seconds = time.perf_counter() - start
        peak = _status_bytes("VmHWM")
        corner = table[-2:, -3:].copy()
        del table
        expected = init((2, 3), "float32",
                        partition_info=PartitionInfo((rows, columns), (rows - 2, columns - 3)))
        print(f"table        {rows} x {columns} float32 = {size / 2**30:.2f} GiB -> {path}")
        print(f"time         {seconds:.1f} s, {size / seconds / 1e9:.2f} GB/s, "
              f"{seconds / (rows * columns) * 1e9:.2f} ns/element")
        print(f"peak RSS     {peak / 2**20:.0f} MiB (VmHWM; {rss_before / 2**20:.0f} MiB "
              f"before, growth {(peak - rss_before) / 2**20:.0f} MiB)")
        print(f"last corner  equals the in-memory window: {bool((corner == expected).all())}")
    finally:
        if not args.keep and os.path.exists(path):
            os.remove(path)


if __name__ == "__main__":
    main()
