"""varshare.train against checkpoints written by TF 2.21 (tests/data/tf_checkpoints, made by
tools/make_tf_checkpoints.py from tests/tf_checkpoint_models.py): read without TF, and
written back byte for byte."""

import filecmp
import importlib.util
import os
import shutil
from pathlib import Path

import ml_dtypes
import numpy as np
import pytest

import varshare as vs

# The models TF saved, loaded by path (the tests folder is not a package).
_spec = importlib.util.spec_from_file_location(
    "tf_checkpoint_models", Path(__file__).parent / "tf_checkpoint_models.py")
_models = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_models)
CHECKPOINTS, PREFIX, value = _models.CHECKPOINTS, _models.PREFIX, _models.value
DATA = Path(__file__).parent / "data" / "tf_checkpoints"
NUMERIC = [name for name, ck in CHECKPOINTS.items()
           if all(v.dtype != "string" for v in ck.variables)]


def _dtype(var):
    return np.dtype(ml_dtypes.bfloat16) if var.dtype == "bfloat16" else np.dtype(var.dtype)


def _prefix(name, step):
    return str(DATA / name / (PREFIX if step is None else f"{PREFIX}-{step}"))


def _assign(variable, full):
    for shard in variable if isinstance(variable, vs.PartitionedVariable) else [variable]:
        info = shard.save_slice_info
        shard.assign(full[tuple(slice(o, o + n) for o, n in zip(info.var_offset, info.var_shape))]
                     if info else full)


def _build(checkpoint, partitioned=True):
    """The checkpoint's variables in the default graph (zeros), by spec."""
    return [vs.get_variable(var.name, var.shape, _dtype(var), initializer=vs.zeros_initializer(),
                            partitioner=vs.fixed_size_partitioner(var.shards, var.axis)
                            if partitioned and var.shards > 1 else None)
            for var in checkpoint.variables]


def _kept(checkpoint):
    return checkpoint.steps[-checkpoint.max_to_keep:]


@pytest.mark.parametrize("name", CHECKPOINTS)
def test_reads_every_tensor_as_tf_wrote_it(name):
    checkpoint = CHECKPOINTS[name]
    for step in _kept(checkpoint):
        reader = vs.train.load_checkpoint(_prefix(name, step))
        for var in checkpoint.variables:
            assert reader.has_tensor(var.name)
            assert reader.get_variable_to_shape_map()[var.name] == list(var.shape)
            if var.dtype == "string":
                assert reader.get_variable_to_dtype_map()[var.name] == np.dtype(object)
                with pytest.raises(ValueError, match=f"{var.name}: it holds string tensors"):
                    reader.get_tensor(var.name)
                continue
            got = reader.get_tensor(var.name)
            assert got.dtype == _dtype(var) == reader.get_variable_to_dtype_map()[var.name]
            np.testing.assert_array_equal(got.astype(value(var).dtype), value(var, step))


def test_list_variables_as_tf():
    # Recorded from tf.train.list_variables on the same files.
    assert vs.train.list_variables(DATA / "partitioned") == [
        ("emb", [10, 3]), ("out/bias", [5]), ("proj", [3, 10])]
    assert vs.train.list_variables(DATA / "strings" / PREFIX) == [
        ("names", [3]), ("w", [2, 2])]


def test_latest_checkpoint_and_state():
    directory = DATA / "max_to_keep"
    assert vs.train.latest_checkpoint(directory) == str(directory / f"{PREFIX}-3")
    state = vs.train.get_checkpoint_state(directory)
    assert state.all_model_checkpoint_paths == (str(directory / f"{PREFIX}-2"),
                                                str(directory / f"{PREFIX}-3"))
    assert vs.train.latest_checkpoint(DATA) is None
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file or checkpoints"):
        vs.train.load_checkpoint(DATA)
    with pytest.raises(ValueError, match="Failed to find any matching files for"):
        vs.train.load_checkpoint(DATA / "plain" / "nope")


@pytest.mark.parametrize("name", NUMERIC)
def test_saver_writes_tfs_bytes(name, tmp_path):
    checkpoint = CHECKPOINTS[name]
    variables = _build(checkpoint)
    saver = vs.train.Saver(max_to_keep=checkpoint.max_to_keep, sharded=checkpoint.sharded,
                           save_relative_paths=True, progress=False)
    for step in checkpoint.steps:
        for var, variable in zip(checkpoint.variables, variables):
            _assign(variable, value(var, step).astype(_dtype(var)))
        assert saver.save(None, tmp_path / PREFIX, global_step=step) == str(
            tmp_path / (PREFIX if step is None else f"{PREFIX}-{step}"))
    expected = sorted(os.listdir(DATA / name))
    assert sorted(os.listdir(tmp_path)) == expected
    _, mismatch, errors = filecmp.cmpfiles(DATA / name, tmp_path, expected, shallow=False)
    assert mismatch == errors == []


@pytest.mark.parametrize("name", NUMERIC)
@pytest.mark.parametrize("partitioned", [True, False])
def test_saver_restores_tf_files(name, partitioned):
    checkpoint = CHECKPOINTS[name]
    variables = _build(checkpoint, partitioned)
    step = _kept(checkpoint)[-1]
    vs.train.Saver(progress=False).restore(None, _prefix(name, step))
    for var, variable in zip(checkpoint.variables, variables):
        np.testing.assert_array_equal(np.asarray(variable).astype(value(var).dtype),
                                      value(var, step))


def test_restore_into_other_partitionings(tmp_path):
    """Stored on axis 0 in 4 shards (TF) -> 3 shards on axis 1, 2 on axis 0, or whole."""
    whole = value(CHECKPOINTS["partitioned"].variables[0])
    for partitioner in [vs.fixed_size_partitioner(3, axis=1), vs.fixed_size_partitioner(2),
                        None]:
        with vs.Graph().as_default():
            emb = vs.get_variable("emb", [10, 3], partitioner=partitioner)
            vs.train.Saver([emb], progress=False).restore(None, _prefix("partitioned", None))
            np.testing.assert_array_equal(np.asarray(emb), whole)
            # ...and saved from that partitioning, TF's layout reads back the same.
            vs.train.Saver([emb], progress=False).save(None, tmp_path / "again")
        with vs.Graph().as_default():
            four = vs.get_variable("emb", [10, 3], partitioner=vs.fixed_size_partitioner(4))
            vs.train.Saver(progress=False).restore(None, tmp_path / "again")
            np.testing.assert_array_equal(np.asarray(four), whole)


def test_saver_var_list_dict_renames(tmp_path):
    emb = vs.get_variable("emb", [10, 3], partitioner=vs.fixed_size_partitioner(2))
    bias = vs.get_variable("b", [5])
    vs.train.Saver({"emb": list(emb), "out/bias": bias}, progress=False).restore(
        None, _prefix("partitioned", None))
    np.testing.assert_array_equal(np.asarray(emb), value(CHECKPOINTS["partitioned"].variables[0]))
    np.testing.assert_array_equal(bias.numpy(), value(CHECKPOINTS["partitioned"].variables[2]))
    with pytest.raises(ValueError, match="No variables to save"):
        vs.train.Saver([])
    with pytest.raises(TypeError, match=r"var_list\['x'\] must be a Variable"):
        vs.train.Saver({"x": 3})


def test_restore_mismatches_name_everything_and_assign_nothing():
    kernel = vs.get_variable("dense/kernel", [3, 4], initializer=vs.ones_initializer())
    bias = vs.get_variable("dense/bias", [5], initializer=vs.ones_initializer())
    scale = vs.get_variable("scale", [], vs.float64, initializer=vs.ones_initializer())
    missing = vs.get_variable("missing", [1], initializer=vs.ones_initializer())
    with pytest.raises(ValueError) as error:
        vs.train.Saver(progress=False).restore(None, _prefix("plain", None))
    index = _prefix("plain", None) + ".index"
    assert f"{index}: dense/bias: shape [5] in the graph does not match the shape stored in " \
           f"checkpoint: [4]" in str(error.value)
    assert f"{index}: scale: expected dtype double does not equal original dtype float" \
        in str(error.value)
    assert f"{index}: missing: Key missing not found in checkpoint" in str(error.value)
    assert "dense/kernel" not in str(error.value)
    for variable in (kernel, bias, scale, missing):
        assert (variable.numpy() == 1).all()
    with pytest.raises(ValueError, match="not a valid checkpoint: .*nope"):
        vs.train.Saver(progress=False).restore(None, str(DATA / "nope"))
    with pytest.raises(ValueError, match="Can't load save_path when it is None."):
        vs.train.Saver(progress=False).restore(None, None)


def test_max_to_keep_deletes_and_pads(tmp_path):
    vs.get_variable("w", [2])
    saver = vs.train.Saver(max_to_keep=2, pad_step_number=True, progress=False)
    for step in range(4):
        saver.save(None, tmp_path / "m", global_step=step)
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint", "m-00000002.data-00000-of-00001", "m-00000002.index",
        "m-00000003.data-00000-of-00001", "m-00000003.index"]
    # Absolute save paths stay absolute in the state file (as TF's).
    assert (tmp_path / "checkpoint").read_text() == (
        f'model_checkpoint_path: "{tmp_path}/m-00000003"\n'
        f'all_model_checkpoint_paths: "{tmp_path}/m-00000002"\n'
        f'all_model_checkpoint_paths: "{tmp_path}/m-00000003"\n')
    keep_all = vs.train.Saver(max_to_keep=None, progress=False)
    for step in range(2):
        keep_all.save(None, tmp_path / "all", global_step=step, latest_filename="state")
    assert (tmp_path / "all-0.index").exists()
    assert vs.train.get_checkpoint_state(tmp_path, "state").all_model_checkpoint_paths == (
        f"{tmp_path}/all-1",)


def test_init_from_checkpoint_maps_as_tf():
    partitioned = str(DATA / "partitioned")
    whole = {var.name: value(var) for var in CHECKPOINTS["partitioned"].variables}
    new_bias = vs.get_variable("new/bias", [5])
    x = vs.get_variable("x", [5])
    with vs.variable_scope("s"):
        s_emb = vs.get_variable("emb", [10, 3], partitioner=vs.fixed_size_partitioner(3, axis=1))
        s_bias = vs.get_variable("out/bias", [5])
    vs.train.init_from_checkpoint(partitioned, {"out/": "new/"}, progress=False)
    np.testing.assert_array_equal(new_bias.numpy(), whole["out/bias"])
    vs.train.init_from_checkpoint(partitioned, {"out/bias": "x"})
    np.testing.assert_array_equal(x.numpy(), whole["out/bias"])
    vs.train.init_from_checkpoint(partitioned, {"/": "s/"})
    np.testing.assert_array_equal(np.asarray(s_emb), whole["emb"])
    np.testing.assert_array_equal(s_bias.numpy(), whole["out/bias"])
    for v in (x, s_bias):
        v.assign(np.zeros(5, np.float32))
    vs.train.init_from_checkpoint(partitioned, {"out/bias": x, "emb": s_emb})
    np.testing.assert_array_equal(x.numpy(), whole["out/bias"])
    vs.train.init_from_checkpoint(partitioned, {"out/": "nothing_here/"})  # no variables: fine


# Texts recorded from tf.compat.v1.train.init_from_checkpoint (TF 2.21) on the same file;
# TF prints its shape map in hash order, varshare sorted.
INIT_ERRORS = [
    ({"out/": "x"}, "Tensor out/ is not found in {ckpt} checkpoint "
                    "{{'emb': [10, 3], 'out/bias': [5], 'proj': [3, 10]}}"),
    ({"out/bias": "x/"}, "Assignment map with scope only name x should map to scope only "
                         "out/bias. Should be 'scope/': 'other_scope/'."),
    ({"out/bias": "y"}, "Assignment map with scope only name  should map to scope only "
                        "out/bias. Should be 'scope/': 'other_scope/'."),
    ({"out/bias": "six"}, "Shape of variable six:0 ((6,)) doesn't match with shape of tensor "
                          "out/bias ([5]) from checkpoint reader."),
    ({"out/": "new/"}, "Tensor out/extra (extra in out/) is not found in {ckpt} checkpoint"),
]


@pytest.mark.parametrize("assignment_map, text", INIT_ERRORS)
def test_init_from_checkpoint_errors_as_tf(assignment_map, text):
    ckpt = str(DATA / "partitioned")
    variables = [vs.get_variable(n, s, initializer=vs.ones_initializer())
                 for n, s in [("x", [5]), ("six", [6]), ("new/bias", [5]), ("new/extra", [5])]]
    with pytest.raises(ValueError) as error:
        vs.train.init_from_checkpoint(ckpt, assignment_map)
    assert str(error.value) == text.format(ckpt=ckpt)
    assert all((v.numpy() == 1).all() for v in variables)


def test_init_from_checkpoint_dtype_mismatch_assigns_nothing():
    x = vs.get_variable("x", [5], vs.float64, initializer=vs.ones_initializer())
    new = vs.get_variable("new/bias", [5], initializer=vs.ones_initializer())
    with pytest.raises(ValueError, match=r"out/bias: expected dtype double does not equal "
                                         r"original dtype float \(restoring variable x\)"):
        vs.train.init_from_checkpoint(DATA / "partitioned", {"out/bias": "x", "out/": "new/"})
    assert (x.numpy() == 1).all() and (new.numpy() == 1).all()


def test_reader_returns_new_arrays_from_a_copied_checkpoint(tmp_path):
    shutil.copytree(DATA / "plain", tmp_path / "plain")
    reader = vs.train.load_checkpoint(tmp_path / "plain")
    kernel = reader.get_tensor("dense/kernel")
    kernel[...] = 0  # the reader's arrays are the caller's, the file is untouched
    np.testing.assert_array_equal(reader.get_tensor("dense/kernel"),
                                  value(CHECKPOINTS["plain"].variables[0]))
    with pytest.raises(ValueError, match="Key nope not found in checkpoint"):
        reader.get_tensor("nope")
