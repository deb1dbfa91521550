"""varshare.io: round trips in both formats, partitioned variables, mismatches, bad files."""

import importlib.util
import json

import numpy as np
import pytest

import varshare as vs

FORMATS = ["npz", pytest.param("safetensors", marks=pytest.mark.skipif(
    importlib.util.find_spec("safetensors") is None, reason="safetensors is not installed"))]


def _model():
    with vs.variable_scope("enc"):
        w = vs.get_variable("w", [4, 3], initializer=vs.random_normal_initializer(seed=1))
        emb = vs.get_variable("emb", [11, 5], partitioner=vs.fixed_size_partitioner(3),
                              initializer=vs.random_uniform_initializer(seed=2))
        vs.get_variable("steps", [], dtype=vs.int64, initializer=vs.constant_initializer(7))
        vs.get_variable("mask", [3], dtype=vs.bool, initializer=vs.ones_initializer(vs.bool))
    return w, emb


def _values():
    return {v.op.name: v.numpy().copy() for v in vs.global_variables()}


def _scramble():
    for v in vs.global_variables():
        v.assign(np.zeros(v.shape, v.dtype))


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("slices", [False, True])
def test_round_trip(tmp_path, fmt, slices):
    _model()
    before = _values()
    path = tmp_path / f"ckpt.{fmt}"
    assert vs.io.save(path, slices=slices) == ["enc/emb", "enc/mask", "enc/steps", "enc/w"]
    _scramble()
    assert vs.io.restore(path) == ["enc/emb", "enc/mask", "enc/steps", "enc/w"]
    for name, value in _values().items():
        np.testing.assert_array_equal(value, before[name], err_msg=name)
        assert value.dtype == before[name].dtype
    assert not (tmp_path / f"ckpt.{fmt}.partial").exists()


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("layout", ["F", "strided", "transposed"])
def test_non_contiguous_values_are_written_right(tmp_path, fmt, layout):
    base = np.arange(48.0, dtype=np.float32).reshape(6, 8)
    value = {"F": np.asfortranarray(base), "strided": base[:, ::2],
             "transposed": base.T}[layout]
    v = vs.Variable(value, name="v")            # keeps F order (np.array order "K")
    if layout == "strided":
        v._value = value                        # a strided value, which the API never makes
    assert not v.numpy().flags.c_contiguous
    vs.io.save(tmp_path / f"c.{fmt}", [v])
    v.assign(np.zeros(value.shape, np.float32))
    vs.io.restore(tmp_path / f"c.{fmt}", [v])
    np.testing.assert_array_equal(v.numpy(), value)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("slices", [False, True])
def test_restore_into_another_partitioning(tmp_path, fmt, slices):
    _, emb = _model()
    whole = np.asarray(emb)
    vs.io.save(tmp_path / f"p.{fmt}", [emb], slices=slices)
    with vs.Graph().as_default():
        with vs.variable_scope("enc"):
            two = vs.get_variable("emb", [11, 5], partitioner=vs.fixed_size_partitioner(2))
            vs.io.restore(tmp_path / f"p.{fmt}", [two])
            np.testing.assert_array_equal(np.asarray(two), whole)
    with vs.Graph().as_default():
        with vs.variable_scope("enc"):
            one = vs.get_variable("emb", [11, 5])
            vs.io.restore(tmp_path / f"p.{fmt}")
            np.testing.assert_array_equal(one.numpy(), whole)


def test_slices_carry_tf_specs(tmp_path):
    pytest.importorskip("safetensors")
    from safetensors import safe_open
    _model()
    vs.io.save(tmp_path / "s.safetensors", slices=True)
    with safe_open(tmp_path / "s.safetensors", framework="np") as f:
        specs = json.loads(f.metadata()["varshare"])["slices"]
        assert sorted(f.keys()) == ["enc/emb/part_0", "enc/emb/part_1", "enc/emb/part_2",
                                    "enc/mask", "enc/steps", "enc/w"]
    assert specs["enc/emb/part_1"] == {"name": "enc/emb", "spec": "11 5 4,4:0,5"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_mismatches_all_reported_nothing_assigned(tmp_path, fmt):
    _model()
    vs.io.save(tmp_path / f"m.{fmt}")
    with vs.Graph().as_default():
        with vs.variable_scope("enc"):
            w = vs.get_variable("w", [4, 3], initializer=vs.zeros_initializer())
            vs.get_variable("emb", [11, 6])
            vs.get_variable("steps", [], dtype=vs.int32)
            vs.get_variable("new", [2])
        with pytest.raises(ValueError) as err:
            vs.io.restore(tmp_path / f"m.{fmt}")
        message = str(err.value)
        assert "enc/emb: shape (11, 5) in the file, (11, 6) in the graph" in message
        assert "enc/steps: dtype int64 in the file, int32 in the graph" in message
        assert "enc/new: not in the file" in message
        assert "enc/w" not in message and not w.numpy().any()   # w matched: not assigned


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty"])
def test_damaged_file_is_a_clear_error(tmp_path, fmt, damage):
    w, _ = _model()
    path = tmp_path / f"d.{fmt}"
    vs.io.save(path)
    data = path.read_bytes()
    path.write_bytes({"truncate": data[:len(data) - 40], "empty": b"",
                      "garbage": data[:20] + b"\x17" * 200 + data[220:]}[damage])
    before = _values()
    with pytest.raises(ValueError, match="cannot read checkpoint .*truncated, corrupt"):
        vs.io.restore(path)
    for name, value in _values().items():
        np.testing.assert_array_equal(value, before[name])


def test_bad_arguments(tmp_path):
    _model()
    with pytest.raises(ValueError, match="must end in .safetensors or .npz"):
        vs.io.save(tmp_path / "x.ckpt")
    with pytest.raises(FileNotFoundError):
        vs.io.restore(tmp_path / "missing.npz")
    with pytest.raises(TypeError, match="variables must hold Variables"):
        vs.io.save(tmp_path / "x.npz", [np.zeros(3)])


def test_same_name_twice_is_an_error(tmp_path):
    w, _ = _model()
    with pytest.raises(ValueError, match="At least two variables have the same name: enc/w"):
        vs.io.save(tmp_path / "x.npz", [w, w])
