"""Distributed half of tests/test_torch.py: ``python torch_worker.py WORLD OUTDIR RANK`` is one of
WORLD gloo ranks on this machine (started together by the test), initialising FSDP2 modules
and DTensors with varshare.torch.

Rank 0 saves the gathered full state dicts (``OUTDIR/fsdp-W.pt``: built on CPU then sharded;
``OUTDIR/fsdp-meta-W.pt``: built on meta, sharded, ``to_empty``); every rank writes
``OUTDIR/dtensor-W-RANK.json`` with the DTensor cases it checked, those that failed, and
the misuses that were refused.
"""

import json
import os
import sys

import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard
from torch.distributed.tensor import DTensor, Partial, Replicate, Shard, distribute_tensor

import varshare as vs

SEED = 20
ROWS = 2**20 + 3          # not divisible by 2 or 4: uneven shards


def build_model():
    """A 2**20-row embedding, two linear layers (one of 5 rows: uneven) and a norm."""
    return nn.Sequential(nn.Embedding(ROWS, 8), nn.Linear(8, 16), nn.Linear(16, 5),
                         nn.LayerNorm(5))


def dtensor_initializers():
    """An initializer on the kernels' in-place path and one with its own window code."""
    return {"kaiming_normal": vs.torch.kaiming_normal_(),
            "trunc_normal": vs.torch.trunc_normal_(std=0.5, a=-0.4, b=1.0)}


# (mesh shape, placements, global shape) per world size: uneven, dim 1, 2-D meshes, an
# empty shard (3 rows over 4 ranks), and two mesh axes sharding one dimension.
DTENSOR_CASES = {
    1: [((1,), (Shard(0),), (7, 5))],
    2: [((2,), (Shard(1),), (7, 13)), ((2,), (Replicate(),), (4, 3)),
        ((2,), (Shard(0),), (9, 3))],
    4: [((2, 2), (Shard(0), Shard(1)), (7, 13)), ((2, 2), (Shard(1), Shard(0)), (7, 13)),
        ((2, 2), (Replicate(), Shard(1)), (5, 9)), ((2, 2), (Shard(0), Shard(0)), (7, 3)),
        ((4,), (Shard(0),), (3, 5)), ((4,), (Shard(1),), (2, 3, 10))],
}


def sharded(model_on_meta, mesh):
    """``build_model()`` sharded with FSDP2 (every layer, then the root), on CPU."""
    with torch.device("meta" if model_on_meta else "cpu"):
        model = build_model()
    for layer in model:
        fully_shard(layer, mesh=mesh)
    fully_shard(model, mesh=mesh)
    if model_on_meta:
        model.to_empty(device="cpu")
    return model


def check_dtensors(world):
    """Each case: the local shard equals torch's own shard of the reference whole."""
    checked, failed, meshes = [], [], {}
    for mesh_shape, placements, shape in DTENSOR_CASES[world]:
        if mesh_shape not in meshes:            # each mesh creates process groups: once
            meshes[mesh_shape] = init_device_mesh("cpu", mesh_shape)
        mesh = meshes[mesh_shape]
        for label, init in dtensor_initializers().items():
            case = f"{label} {mesh_shape} {placements} {shape}"
            whole = vs.torch.init_(torch.empty(shape), init, seed=SEED, name="x")
            dt = torch.distributed.tensor.empty(shape, device_mesh=mesh, placements=placements)
            vs.torch.init_dtensor_(dt, init, seed=SEED, name="x")
            expected = distribute_tensor(whole, mesh, placements).to_local()
            same_shard = torch.equal(dt.to_local().view(torch.int32), expected.view(torch.int32))
            same_whole = torch.equal(dt.full_tensor().view(torch.int32), whole.view(torch.int32))
            checked.append(case)
            if not (same_shard and same_whole):
                failed.append(case)
    return checked, failed


def refused_calls(world):
    """The names of the misuses that raise the expected error and leave the shard as it was."""
    mesh = init_device_mesh("cpu", (world,))
    row_sharded = torch.distributed.tensor.zeros((8, 4), device_mesh=mesh, placements=(Shard(0),))
    partial = DTensor.from_local(torch.zeros(2, 3), mesh, (Partial(),))
    calls = {
        "full_shape": lambda: vs.torch.init_(row_sharded, vs.torch.normal_(), seed=SEED, name="x",
                                             full_shape=(16, 4)),
        "partial": lambda: vs.torch.init_dtensor_(partial, vs.torch.normal_(), seed=SEED,
                                                  name="x"),
    }
    refused = []
    for label, call in calls.items():
        try:
            call()
        except ValueError:
            if not (row_sharded.to_local().any() or partial.to_local().any()):
                refused.append(label)
    return refused


def run(rank, world, outdir):
    dist.init_process_group("gloo", init_method=f"file://{outdir}/rendezvous-{world}",
                            rank=rank, world_size=world)
    torch.set_num_threads(1)
    vs.random.set_num_threads(1)          # the machine's cores are shared by all ranks
    mesh = init_device_mesh("cpu", (world,))
    for on_meta, label in ((False, "fsdp"), (True, "fsdp-meta")):
        model = vs.torch.init_module_(sharded(on_meta, mesh), seed=SEED)
        state = {k: v.full_tensor() for k, v in model.state_dict().items()}
        if rank == 0:
            torch.save(state, os.path.join(outdir, f"{label}-{world}.pt"))
    checked, failed = check_dtensors(world)
    with open(os.path.join(outdir, f"dtensor-{world}-{rank}.json"), "w") as f:
        json.dump({"checked": checked, "failed": failed, "refused": refused_calls(world)}, f)
    dist.destroy_process_group()


if __name__ == "__main__":
    world_size, out, rank_ = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    run(rank_, world_size, out)
