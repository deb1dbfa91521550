"""varshare.train on damaged and hostile files: every problem is a ValueError naming the file,
nothing is assigned, and fuzzed files never crash, over-allocate or hang."""

import os
import shutil
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import varshare as vs
from varshare._checkpoint import crc, table
from varshare._checkpoint.bundle import ShardWriter, write_index
from varshare._checkpoint.messages import decode_entry, encode_entry
from varshare._checkpoint.wire import read_varint, varint

DATA = Path(__file__).parent / "data" / "tf_checkpoints"
PREFIX = "model.ckpt"
INDEX, DATA_FILE = PREFIX + ".index", PREFIX + ".data-00000-of-00001"
# CI runs a fixed, reproducible number of examples (HYPOTHESIS_PROFILE=dev for more).
settings.register_profile("ci", max_examples=300, derandomize=True, deadline=2000,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=3000, deadline=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _copy(name, directory):
    shutil.copytree(DATA / name, directory, dirs_exist_ok=True)
    return directory / PREFIX


def _flip(path, position):
    data = bytearray(path.read_bytes())
    data[position] ^= 0x10
    path.write_bytes(bytes(data))


def _model():
    """The variables of the 'partitioned' checkpoint (emb re-partitioned), all ones."""
    ones = vs.ones_initializer()
    return [vs.get_variable("emb", [10, 3], partitioner=vs.fixed_size_partitioner(3),
                            initializer=ones),
            vs.get_variable("proj", [3, 10], vs.float64, initializer=ones),
            vs.get_variable("out/bias", [5], initializer=ones)]


def _restore_fails(prefix, match):
    variables = _model()
    with pytest.raises(ValueError, match=match) as error:
        vs.train.Saver(progress=False).restore(None, prefix)
    assert all((np.asarray(v) == 1).all() for v in variables), "something was assigned"
    return str(error.value)


def test_corrupt_data_names_the_data_file(tmp_path):
    prefix = _copy("partitioned", tmp_path)
    _flip(tmp_path / DATA_FILE, 130)  # inside out/bias
    message = _restore_fails(prefix, "fails the crc32c check")
    assert f"{tmp_path / DATA_FILE}: out/bias" in message
    with pytest.raises(ValueError, match="out/bias: its data at byte 120 fails the crc32c"):
        vs.train.load_checkpoint(prefix).get_tensor("out/bias")
    assert vs.train.load_checkpoint(prefix).get_tensor("emb").shape == (10, 3)


def test_truncated_data_file(tmp_path):
    prefix = _copy("partitioned", tmp_path)
    os.truncate(tmp_path / DATA_FILE, 300)
    _restore_fails(prefix, r"proj: bytes 236..308 are past the end of the file \(300 bytes\)")


def test_missing_data_file(tmp_path):
    prefix = _copy("partitioned", tmp_path)
    os.remove(tmp_path / DATA_FILE)
    _restore_fails(prefix, f"cannot read data file {tmp_path / DATA_FILE}")


@pytest.mark.parametrize("damage, match", [
    (lambda path: os.truncate(path, path.stat().st_size - 10), "no magic number"),
    (lambda path: os.truncate(path, 20), "too short"),
    (lambda path: _flip(path, path.stat().st_size - 1), "no magic number"),
    (lambda path: _flip(path, 40), "fails its crc32c check"),
])
def test_damaged_index_names_the_index(tmp_path, damage, match):
    prefix = _copy("partitioned", tmp_path)
    damage(tmp_path / INDEX)
    message = _restore_fails(prefix, match)
    assert f"checkpoint index {tmp_path / INDEX} is corrupt or truncated" in message
    with pytest.raises(ValueError, match=match):
        vs.train.list_variables(prefix)


def _write_slices(prefix, boxes):
    """A checkpoint of emb [10, 3] stored as the given row ranges."""
    full = np.arange(30, dtype=np.float32).reshape(10, 3)
    with ShardWriter(str(prefix)) as writer:
        for start, stop in boxes:
            writer.add_slice("emb", (10, 3), ((start, stop), (0, 3)), full[start:stop])
    write_index(str(prefix), writer.entries)


@pytest.mark.parametrize("boxes, problem", [([(0, 4), (5, 10)], "its slices leave a gap"),
                                             ([(0, 6), (4, 10)], "its slices overlap")])
def test_slice_gap_or_overlap(tmp_path, boxes, problem):
    _write_slices(tmp_path / "bad", boxes)
    emb = vs.get_variable("emb", [10, 3], partitioner=vs.fixed_size_partitioner(2),
                          initializer=vs.ones_initializer())
    with pytest.raises(ValueError, match=f"{tmp_path / 'bad.index'}: emb: {problem}"):
        vs.train.Saver(progress=False).restore(None, tmp_path / "bad")
    assert (np.asarray(emb) == 1).all()
    with pytest.raises(ValueError, match=problem):
        vs.train.load_checkpoint(tmp_path / "bad").get_tensor("emb")


def test_snappy_blocks_are_refused_clearly(tmp_path):
    prefix = _copy("plain", tmp_path)
    data = bytearray((tmp_path / INDEX).read_bytes())
    end = _first_block_size(bytes(data))  # the data block starts at 0; its trailer follows
    data[end] = 1                           # compression: snappy, with a valid checksum
    struct.pack_into("<I", data, end + 1, crc.mask(crc.extend(0, bytes(data[:end + 1]))))
    (tmp_path / INDEX).write_bytes(bytes(data))
    with pytest.raises(ValueError, match="snappy-compressed blocks"):
        vs.train.load_checkpoint(prefix)


def _first_block_size(data):
    """The size of the first data block of a table file, from its index block's handle."""
    footer = data[-table.FOOTER_SIZE:]
    _, pos = read_varint(footer, read_varint(footer, 0)[1])      # skip the metaindex handle
    offset, pos = read_varint(footer, pos)
    size, _ = read_varint(footer, pos)
    index_entry = table._entries(data[offset:offset + size])[0][1]
    return read_varint(index_entry, read_varint(index_entry, 0)[1])[0]


# ---- fuzzing ------------------------------------------------------------------------------

FUZZED = ["partitioned", "dtypes", "plain"]
PRISTINE = {name: {n: vs.train.load_checkpoint(DATA / name / PREFIX).get_tensor(n)
                   for n, _ in vs.train.list_variables(DATA / name / PREFIX)}
            for name in FUZZED}


def _raw_table(items, *, data_handle=None, index_handle=None):
    """A table of ``items`` in one data block, as given (any key order), with valid
    checksums; the handles may be overridden to point anywhere."""
    out = bytearray()

    def block(builder):
        contents = builder.finish() + b"\x00"
        start = len(out)
        out.extend(contents + struct.pack("<I", crc.mask(crc.extend(0, contents))))
        return start, len(contents) - 1

    data = table._Block(table.RESTART_INTERVAL)
    for key, value in items:
        data.add(key, value)
    handle = data_handle or block(data)
    meta = block(table._Block(table.RESTART_INTERVAL))
    index = table._Block(1)
    index.add(b"\xff", _varints(*handle))
    index_at = index_handle or block(index)
    handles = _varints(*meta) + _varints(*index_at)
    out.extend(handles + bytes(40 - len(handles)) + table.MAGIC)
    return bytes(out)


def _varints(*values):
    return b"".join(varint(v) for v in values)


HUGE = st.integers(min_value=2**31, max_value=2**64 - 1)


@st.composite
def hostile_index(draw, items):
    """The items of a real index re-encoded with one lie: a huge shape, offset, size or
    shard id, a dtype varshare cannot read, a made-up slice, keys out of order or twice,
    or a block handle past the end."""
    items = list(items)
    kind = draw(st.sampled_from(["shape", "offset", "size", "shard", "dtype", "slices",
                                 "swap", "duplicate", "data_handle", "index_handle"]))
    if kind in ("data_handle", "index_handle"):
        handle = (draw(st.integers(0, 2**40)), draw(HUGE | st.integers(0, 4096)))
        return _raw_table(items, **{kind: handle})
    i = draw(st.integers(1, len(items) - 1))
    key, value = items[i]
    entry = decode_entry(value)
    if kind == "swap":
        j = draw(st.integers(0, len(items) - 1).filter(lambda j: j != i))
        items[i], items[j] = items[j], items[i]
    elif kind == "duplicate":
        items.insert(i, items[i])
    else:
        entry = {
            "shape": lambda: entry._replace(shape=tuple(draw(st.lists(HUGE, min_size=1,
                                                                       max_size=3)))),
            "offset": lambda: entry._replace(offset=draw(HUGE)),
            "size": lambda: entry._replace(size=draw(HUGE)),
            "shard": lambda: entry._replace(shard_id=draw(st.integers(1, 2**31 - 1))),
            "dtype": lambda: entry._replace(dtype=draw(st.sampled_from([0, 7, 20, 21, 99]))),
            "slices": lambda: entry._replace(slices=(tuple(
                (draw(st.integers(0, 2**40)), draw(st.integers(-1, 2**40)))
                for _ in entry.shape),)),
        }[kind]()
        items[i] = (key, encode_entry(entry))
    return _raw_table(items)


def _outcome_is_right_or_named_error(name, prefix):
    """Every tensor reads back right or raises a ValueError naming one of the files."""
    files = (f"{prefix}.index", f"{prefix}.data-")
    try:
        reader = vs.train.load_checkpoint(prefix)
        reader.get_variable_to_dtype_map()
    except ValueError as error:
        assert any(f in str(error) for f in files), error
        return
    for tensor, expected in PRISTINE[name].items():
        try:
            got = reader.get_tensor(tensor)
        except ValueError as error:
            assert any(f in str(error) for f in files), error
            continue
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == expected.dtype


fuzz_settings = settings(suppress_health_check=[HealthCheck.too_slow,
                                                HealthCheck.function_scoped_fixture])


@fuzz_settings
@given(name=st.sampled_from(FUZZED), which=st.sampled_from([INDEX, DATA_FILE]),
       data=st.data())
def test_fuzz_bytes(name, which, data):
    """Bit flips, truncations, varint overflows (runs of 0xff) and inserted bytes."""
    raw = bytearray((DATA / name / which).read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, max(0, len(raw) - 1)))
        action = data.draw(st.sampled_from(["flip", "truncate", "ff", "insert"]))
        if action == "flip":
            raw[position] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "truncate":
            del raw[position:]
        elif action == "ff":
            raw[position:position + 11] = b"\xff" * 11
        else:
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=16))
        if not raw:
            break
    with tempfile.TemporaryDirectory() as directory:
        prefix = _copy(name, Path(directory))
        (Path(directory) / which).write_bytes(bytes(raw))
        _outcome_is_right_or_named_error(name, str(prefix))


@fuzz_settings
@given(name=st.sampled_from(FUZZED), data=st.data())
def test_fuzz_structure(name, data):
    """Well-formed tables (valid checksums) whose contents lie."""
    items = table.read_table((DATA / name / INDEX).read_bytes())
    raw = data.draw(hostile_index(items))
    with tempfile.TemporaryDirectory() as directory:
        prefix = _copy(name, Path(directory))
        (Path(directory) / INDEX).write_bytes(raw)
        _outcome_is_right_or_named_error(name, str(prefix))
        with vs.Graph().as_default():
            variables = _model() if name == "partitioned" else []
            if variables:
                try:
                    vs.train.Saver(progress=False).restore(None, prefix)
                except ValueError as error:
                    assert str(prefix) in str(error)
                    assert all((np.asarray(v) == 1).all() for v in variables)
