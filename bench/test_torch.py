"""varshare.torch against torch's own initialisation, measured in one run.

Run: PYTHONPATH=src python -m pytest bench/test_torch.py --benchmark-enable \
     --benchmark-only -p no:cacheprovider --benchmark-group-by=group \
     --benchmark-columns=min,median,rounds
or:  PYTHONPATH=src python bench/test_torch.py [--rounds 5] [--worlds 1,4]
     (the ratios, torch and varshare timed in alternate rounds; then per-rank wall and CPU
     time of the FSDP2-sharded model at each world size, gloo ranks spawned on this machine,
     one thread each: with more ranks than cores the wall time shows the sharing, the CPU
     time each rank's share of the work)

Groups (compare within a group):
  init_module-threads=N  a ~1 GiB float32 model (a 2**21 x 64 embedding, eight 4096 x 4096
                         linear layers), materialised once: torch's ``reset_parameters`` on
                         every module vs ``varshare.torch.init_module_`` (torch's defaults,
                         streams by name). Target: >= 3x torch at 2 threads.
"""

import argparse
import os
import sys
import tempfile
import time

import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import varshare as vs  # noqa: E402

THREADS = [1, 2]


def meta_model():
    """The ~1 GiB model on the meta device (no memory yet)."""
    with torch.device("meta"):
        return nn.Sequential(nn.Embedding(2**21, 64), *[nn.Linear(4096, 4096) for _ in range(8)])


def build_model():
    """The model on CPU, its memory touched once (so no timing pays the page faults)."""
    model = meta_model().to_empty(device="cpu")
    for p in model.parameters():
        p.detach().zero_()
    return model


def torch_defaults(model):
    """torch's own initialisation: every module's ``reset_parameters``."""
    for module in model.modules():
        if hasattr(module, "reset_parameters"):
            module.reset_parameters()


def varshare_defaults(model):
    vs.torch.init_module_(model, seed=1)


def set_threads(threads):
    torch.set_num_threads(threads)
    vs.random.set_num_threads(threads)


def model_bytes(model):
    return sum(p.numel() * p.element_size() for p in model.parameters())


@pytest.fixture(scope="module")
def model():
    return build_model()


@pytest.mark.parametrize("threads", THREADS, ids=lambda t: f"threads={t}")
@pytest.mark.parametrize("impl", ["torch", "varshare"])
def test_init_module(benchmark, model, impl, threads):
    benchmark.group = f"init_module-threads={threads}"
    benchmark.extra_info.update(impl=impl, threads=threads)
    set_threads(threads)
    fn = torch_defaults if impl == "torch" else varshare_defaults
    benchmark.pedantic(fn, args=(model,), rounds=3, iterations=1, warmup_rounds=1)
    if benchmark.stats is not None:   # None when benchmarks are disabled (smoke run)
        seconds = benchmark.stats.stats.min
        benchmark.extra_info["GB/s"] = round(model_bytes(model) / seconds / 1e9, 3)


# ------------------------------------------------------------------ run as a script

def ratios(rounds):
    """Best seconds of torch and varshare per thread count, timed in alternate rounds."""
    model = build_model()
    for threads in THREADS:
        set_threads(threads)
        best = {"torch": float("inf"), "varshare": float("inf")}
        for _ in range(rounds):
            for name, fn in (("torch", torch_defaults), ("varshare", varshare_defaults)):
                start = time.perf_counter()
                fn(model)
                best[name] = min(best[name], time.perf_counter() - start)
        print(f"threads={threads}: torch {best['torch']:.3f} s, varshare {best['varshare']:.3f} s"
              f", ratio {best['torch'] / best['varshare']:.2f}x", flush=True)


def rank_time(rank, world, rendezvous, rounds):
    """One rank: the model sharded by FSDP2 on meta, ``to_empty``, then init_module_ timed."""
    import torch.distributed as dist
    from torch.distributed.device_mesh import init_device_mesh
    from torch.distributed.fsdp import fully_shard

    dist.init_process_group("gloo", init_method=f"file://{rendezvous}", rank=rank,
                            world_size=world)
    set_threads(1)
    mesh = init_device_mesh("cpu", (world,))
    model = meta_model()
    for layer in model:
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    model.to_empty(device="cpu")
    wall = cpu = float("inf")
    for _ in range(rounds):
        dist.barrier()
        start, start_cpu = time.perf_counter(), time.process_time()
        varshare_defaults(model)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    times = [None] * world
    dist.all_gather_object(times, (wall, cpu))
    if rank == 0:
        walls, cpus = zip(*times)
        print(f"world={world}: per-rank best wall {min(walls):.3f}-{max(walls):.3f} s, CPU "
              f"{min(cpus):.3f}-{max(cpus):.3f} s (1 thread per rank)", flush=True)
    dist.destroy_process_group()


def main():
    import torch.multiprocessing as mp

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--worlds", default="1,4")
    args = ap.parse_args()
    print(f"torch {torch.__version__}, {os.cpu_count()} CPUs; model "
          f"{model_bytes(meta_model()) / 2**30:.2f} GiB", flush=True)
    ratios(args.rounds)
    for world in map(int, args.worlds.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            mp.spawn(rank_time, args=(world, os.path.join(tmp, "rendezvous"), args.rounds),
                     nprocs=world)


if __name__ == "__main__":
    sys.exit(main())
