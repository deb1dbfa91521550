"""varshare.torch: tensors, windows, modules, meta-device and FSDP2/DTensor initialisation.

The distributed cases run tests/torch_worker.py with gloo at world sizes 1, 2 and 4
(spawned processes on this machine) and compare what the ranks saved.
"""

import importlib.util
import math
import pathlib
import subprocess
import sys
import textwrap

import numpy as np
import pytest

torch = pytest.importorskip("torch")
from torch import nn  # noqa: E402

import varshare as vs  # noqa: E402
import varshare.random as vr  # noqa: E402
from varshare._core.seeding import name_stream  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("varshare_torch_worker", HERE / "torch_worker.py")
worker = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(worker)

SEED = worker.SEED


def bits(tensor):
    """The raw bits of a tensor (equal bits, not equal values: -0.0 and NaN count)."""
    t = tensor.detach().contiguous()
    return t.view({2: torch.int16, 4: torch.int32, 8: torch.int64}[t.element_size()])


def assert_same_bits(a, b):
    assert a.shape == b.shape and a.dtype == b.dtype
    assert torch.equal(bits(a), bits(b))


def assert_same_state(a, b):
    assert a.keys() == b.keys()
    for key in a:
        assert_same_bits(a[key], b[key])


def state(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


# ------------------------------------------------------------------------- init_

@pytest.mark.parametrize("dtype, np_dtype", [(torch.float32, "float32"),
                                             (torch.float64, "float64"),
                                             (torch.float16, "float16")])
def test_init_is_the_kernel_stream_of_the_name(dtype, np_dtype):
    t = torch.empty(40, 30, dtype=dtype)
    assert vs.torch.init_(t, vs.torch.normal_(0.5, 2.0), seed=SEED, name="enc.w") is t
    expected = vr.normal((40, 30), SEED, 0.5, 2.0, np_dtype, stream=name_stream("enc.w"))
    assert_same_bits(t, torch.from_numpy(expected))


def test_init_writes_in_place_through_any_strides():
    base = torch.zeros(30, 40)
    t = base.t()                                     # (40, 30), not contiguous
    pointer = t.data_ptr()
    vs.torch.init_(t, vs.torch.uniform_(-1, 1), seed=SEED, name="w")
    assert t.data_ptr() == pointer
    whole = vs.torch.init_(torch.empty(40, 30), vs.torch.uniform_(-1, 1), seed=SEED, name="w")
    assert_same_bits(t.contiguous(), whole)


def test_a_seeded_initializer_uses_its_seed_as_stream():
    t = vs.torch.init_(torch.empty(50), vs.torch.uniform_(seed=77), seed=SEED, name="ignored")
    assert_same_bits(t, torch.from_numpy(vr.uniform(50, SEED, stream=77)))


def test_name_stream_is_the_by_name_rule():
    init = vs.truncated_normal_initializer(stddev=0.1)
    t = vs.torch.init_(torch.empty(6, 4), init, seed=SEED, name="dense/kernel")
    expected = vr.truncated_normal((6, 4), SEED, 0.0, 0.1, stream=name_stream("dense/kernel"))
    assert_same_bits(t, torch.from_numpy(expected))


def test_same_values_as_a_varshare_variable_of_the_same_name():
    """One rule in both worlds: a torch tensor and a variable under streams="by_name"."""
    init = vs.torch.xavier_uniform_()
    t = vs.torch.init_(torch.empty(6, 4), init, seed=SEED, name="dense/kernel")
    with vs.Graph(streams="by_name").as_default():
        vs.set_random_seed(SEED)
        vs.get_variable("other", [3], initializer=vs.random_normal_initializer())
        with vs.variable_scope("dense"):
            kernel = vs.get_variable("kernel", [6, 4], initializer=init)
    assert_same_bits(t, torch.from_numpy(kernel.numpy()))


@pytest.mark.parametrize("init", [
    vs.torch.kaiming_uniform_(a=math.sqrt(5)), vs.torch.xavier_normal_(),
    vs.torch.trunc_normal_(std=0.3, a=-0.5, b=0.2), vs.orthogonal_initializer(),
    vs.constant_initializer(list(range(20))), vs.zeros_initializer,
], ids=["kaiming", "xavier", "trunc_normal", "orthogonal", "constant", "zeros-function"])
def test_a_window_is_the_slice_of_the_whole(init):
    whole = vs.torch.init_(torch.empty(9, 7), init, seed=SEED, name="w")
    window = vs.torch.init_(torch.empty(4, 3), init, seed=SEED, name="w",
                            full_shape=(9, 7), offset=(5, 2))
    assert_same_bits(window, whole[5:, 2:5])


def test_bfloat16_is_the_float32_values_rounded():
    t = vs.torch.init_(torch.empty(64, 8, dtype=torch.bfloat16), vs.torch.normal_(), seed=SEED,
                       name="e")
    f32 = vs.torch.init_(torch.empty(64, 8), vs.torch.normal_(), seed=SEED, name="e")
    assert_same_bits(t, f32.to(torch.bfloat16))


def test_integer_buffers_take_non_random_initializers():
    t = vs.torch.init_(torch.full((3,), 9, dtype=torch.int64), vs.ones_initializer(), seed=SEED)
    assert t.tolist() == [1, 1, 1]


@pytest.mark.parametrize("call, error, message", [
    (lambda t: vs.torch.init_(t, vs.torch.normal_(), seed=SEED), ValueError, "needs name="),
    (lambda t: vs.torch.init_(t, vs.torch.normal_(), seed=SEED, name="w", full_shape=(5, 4),
                              offset=(2, 0)), ValueError, "does not fit in full_shape"),
    (lambda t: vs.torch.init_(t, vs.torch.normal_(), seed=SEED, name="w", full_shape=(8,)),
     ValueError, "does not fit"),
    (lambda t: vs.torch.init_(t, vs.random_normal_initializer(algorithm="tf"), seed=SEED,
                              name="w"), ValueError, "TF-mode"),
    (lambda t: vs.torch.init_(t, vs.torch.normal_(), seed=1.5, name="w"), TypeError,
     "seed must be an integer"),
    (lambda t: vs.torch.init_(t, "normal", seed=SEED, name="w"), TypeError, "callable"),
    (lambda t: vs.torch.init_dtensor_(t, vs.torch.normal_(), seed=SEED, name="w"), TypeError,
     "needs a DTensor"),
])
def test_bad_calls_leave_the_tensor_unchanged(call, error, message):
    t = torch.full((4, 4), 3.0)
    with pytest.raises(error, match=message):
        call(t)
    assert torch.equal(t, torch.full((4, 4), 3.0))


def test_random_initializers_refuse_integer_tensors():
    t = torch.zeros(4, dtype=torch.int32)
    with pytest.raises(vs.errors.DTypeError):
        vs.torch.init_(t, vs.torch.normal_(), seed=SEED, name="w")
    assert not t.any()


def test_meta_and_sparse_tensors_are_refused():
    with pytest.raises(ValueError, match="to_empty"):
        vs.torch.init_(torch.empty(3, device="meta"), vs.torch.normal_(), seed=SEED, name="w")
    with pytest.raises(TypeError, match="strided"):
        vs.torch.init_(torch.zeros(3, 3).to_sparse(), vs.zeros_initializer(), seed=SEED)


# ------------------------------------------------------------------ init_module_

class Net(nn.Module):
    """Every kind of default of varshare._torch.defaults."""

    def __init__(self, extra=False):
        super().__init__()
        self.embed = nn.Embedding(50, 6, padding_idx=3)
        if extra:
            self.inserted = nn.Linear(6, 6)
        self.conv = nn.Conv1d(6, 4, 3)
        self.norm = nn.BatchNorm1d(4)
        self.rnn = nn.GRU(4, 5)
        self.head = nn.Linear(5, 50)
        self.ln = nn.LayerNorm(50)


def test_module_defaults_mirror_torch():
    net = vs.torch.init_module_(Net(), seed=SEED)
    w = net.head.weight
    torch_init = vs.torch.kaiming_uniform_(a=math.sqrt(5))
    assert_same_bits(w, vs.torch.init_(torch.empty(50, 5), torch_init, seed=SEED,
                                       name="head.weight"))
    bound = 1 / math.sqrt(5)
    assert net.head.bias.abs().max() <= bound and net.head.bias.abs().max() > bound / 2
    assert net.conv.weight.abs().max() <= 1 / math.sqrt(6 * 3)
    assert not net.embed.weight[3].any() and net.embed.weight[2].abs().sum() > 0
    assert abs(float(net.embed.weight.detach().std()) - 1) < 0.15
    assert net.rnn.weight_hh_l0.abs().max() <= 1 / math.sqrt(5)
    assert torch.equal(net.norm.running_var, torch.ones(4))
    assert not net.norm.running_mean.any() and not net.norm.num_batches_tracked
    assert torch.equal(net.ln.weight, torch.ones(50)) and not net.ln.bias.any()


def test_rules_first_match_wins_callables_and_none():
    net = Net()
    before = net.conv.bias.detach().clone()
    rules = {"conv.bias": None,
             lambda name, t: t.dim() == 2 and name.startswith("head"): vs.zeros_initializer(),
             "c*.weight": vs.torch.xavier_uniform_(),
             "head.*": vs.ones_initializer()}
    vs.torch.init_module_(net, rules, seed=SEED)
    assert torch.equal(net.conv.bias, before)
    assert not net.head.weight.any()
    assert torch.equal(net.head.bias, torch.ones(50))
    assert_same_bits(net.conv.weight, vs.torch.init_(
        torch.empty(4, 6, 3), vs.torch.xavier_uniform_(), seed=SEED, name="conv.weight"))


def test_a_tensor_without_rule_or_default_is_an_error_that_changes_nothing():
    net = Net()
    net.scale = nn.Parameter(torch.full((3,), 2.0))
    net.register_buffer("table", torch.zeros(2))
    before = state(net)
    with pytest.raises(ValueError, match=r"\['scale', 'table'\]"):
        vs.torch.init_module_(net, seed=SEED)
    assert_same_state(state(net), before)
    vs.torch.init_module_(net, {"scale": vs.ones_initializer(), "table": None}, seed=SEED)
    assert torch.equal(net.scale.detach(), torch.ones(3))


def test_an_error_in_any_tensor_leaves_the_module_unchanged():
    net = Net()
    before = state(net)
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):   # ln.weight is 1-D
        vs.torch.init_module_(net, {"ln.weight": vs.torch.xavier_uniform_()}, seed=SEED)
    assert_same_state(state(net), before)


def test_a_tied_weight_is_initialised_once_under_its_first_name():
    model = nn.Sequential(nn.Embedding(50, 6), nn.Linear(6, 50, bias=False))
    model[1].weight = model[0].weight
    vs.torch.init_module_(model, seed=SEED)
    expected = vs.torch.init_(torch.empty(50, 6), vs.torch.normal_(), seed=SEED, name="0.weight")
    assert_same_bits(model[1].weight, expected)


def test_bad_rules_are_type_errors():
    with pytest.raises(TypeError, match="pattern"):
        vs.torch.init_module_(Net(), {3: vs.zeros_initializer()}, seed=SEED)
    with pytest.raises(TypeError, match="callable or None"):
        vs.torch.init_module_(Net(), {"*": 0.0}, seed=SEED)


def test_adding_or_renaming_a_module_changes_only_its_own_tensors():
    base = state(vs.torch.init_module_(Net(), seed=SEED))
    grown = state(vs.torch.init_module_(Net(extra=True), seed=SEED))
    assert {k for k in grown if k not in base} == {"inserted.weight", "inserted.bias"}
    assert_same_state({k: grown[k] for k in base}, base)

    renamed = Net()
    renamed.decoder = renamed.head
    del renamed.head
    renamed = state(vs.torch.init_module_(renamed, seed=SEED))
    for key in base:
        if key.startswith("head."):
            assert not torch.equal(renamed["decoder." + key[5:]], base[key])
        else:
            assert_same_bits(renamed[key], base[key])


def test_meta_device_then_to_empty_gives_the_same_bits():
    expected = state(vs.torch.init_module_(worker.build_model(), seed=SEED))
    with torch.device("meta"):
        model = worker.build_model()
    with pytest.raises(ValueError, match="to_empty"):
        vs.torch.init_module_(model, seed=SEED)
    model.to_empty(device="cpu")
    assert_same_state(state(vs.torch.init_module_(model, seed=SEED)), expected)


def test_init_module_agrees_with_torch_defaults_in_distribution():
    torch.manual_seed(0)
    ours = vs.torch.init_module_(nn.Linear(1024, 512), seed=SEED)
    theirs = nn.Linear(1024, 512)
    for a, b in ((ours.weight, theirs.weight), (ours.bias, theirs.bias)):
        a, b = a.detach(), b.detach()
        assert float(a.abs().max()) <= 1 / math.sqrt(1024)
        assert abs(float(a.std()) / float(b.std()) - 1) < 0.05


# ------------------------------------------------------- FSDP2 and DTensor, spawned

@pytest.fixture(scope="module")
def spawned(tmp_path_factory):
    """Run tests/torch_worker.py at world sizes 1, 2 and 4; the directory of its outputs."""
    if not torch.distributed.is_available():
        pytest.skip("this torch has no torch.distributed")
    out = tmp_path_factory.mktemp("torch-worker")
    for world in (1, 2, 4):
        ranks = [subprocess.Popen([sys.executable, str(HERE / "torch_worker.py"), str(world),
                                   str(out), str(rank)]) for rank in range(world)]
        try:
            assert [rank.wait(timeout=300) for rank in ranks] == [0] * world
        finally:
            for rank in ranks:
                rank.kill()                  # only if still running after a failure
    return out


@pytest.mark.parametrize("route", ["fsdp", "fsdp-meta"])
def test_fsdp2_state_is_the_same_at_every_world_size(spawned, route):
    unsharded = state(vs.torch.init_module_(worker.build_model(), seed=SEED))
    for world in (1, 2, 4):
        gathered = torch.load(spawned / f"{route}-{world}.pt")
        assert_same_state(gathered, unsharded)


@pytest.mark.parametrize("world", [1, 2, 4])
def test_dtensor_shards_are_torch_shards_of_the_whole(spawned, world):
    import json

    expected_cases = len(worker.DTENSOR_CASES[world]) * len(worker.dtensor_initializers())
    for rank in range(world):
        report = json.loads((spawned / f"dtensor-{world}-{rank}.json").read_text())
        assert len(report["checked"]) == expected_cases
        assert report["failed"] == []
        assert report["refused"] == ["full_shape", "partial"]


# ------------------------------------------------------------- memory, meta route

PEAK_RSS = textwrap.dedent("""
    import resource, sys, torch
    from torch import nn
    import varshare as vs
    rows, dim = int(sys.argv[1]), 64
    with torch.device("meta"):
        model = nn.Sequential(*[nn.Embedding(rows, dim) for _ in range(4)], nn.Linear(dim, dim))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    model.to_empty(device="cpu")
    vs.torch.init_module_(model, seed=1)
    size = sum(p.numel() * p.element_size() for p in model.parameters())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(size, (peak - before) * 1024)
""")


def peak_rss_ratio(rows):
    proc = subprocess.run([sys.executable, "-c", PEAK_RSS, str(rows)], capture_output=True,
                          text=True, check=True, timeout=600)
    size, grown = map(int, proc.stdout.split())
    return grown / size


def test_meta_route_memory_is_the_model_small():
    assert peak_rss_ratio(2**18) < 1.2       # 4 x 64 MiB


@pytest.mark.slow
def test_meta_route_memory_is_the_model_4gib():
    assert peak_rss_ratio(2**22) < 1.2       # 4 x 1 GiB
