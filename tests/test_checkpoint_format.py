"""The TensorBundle format layer (varshare._checkpoint): its pieces against known bytes, and
one checkpoint written by several shard writers and merged, as the Dask writer will."""

import numpy as np
import pytest

import varshare as vs
from varshare._checkpoint import crc, ordered_code, wire
from varshare._checkpoint.bundle import BundleReader, ShardWriter, merge_entries, write_index


def test_crc32c_and_its_mask():
    assert crc.extend(0, b"123456789") == 0xE3069283          # the standard check value
    data = np.arange(1 << 20, dtype=np.uint32)                # several 1 MiB pieces
    assert crc.extend(crc.extend(0, data[:1000]), data[1000:]) == crc.extend(0, data)
    assert crc.unmask(crc.mask(0xE3069283)) == 0xE3069283 != crc.mask(0xE3069283)


def test_varints():
    for value in (0, 1, 127, 128, 2**63, 2**64 - 1):
        assert wire.read_varint(wire.varint(value), 0) == (value, len(wire.varint(value)))
    assert wire.signed(wire.read_varint(wire.varint(-5), 0)[0]) == -5
    with pytest.raises(wire.Corrupt, match="longer than 10 bytes"):
        wire.read_varint(b"\xff" * 11, 0)
    with pytest.raises(wire.Corrupt, match="overflows 64 bits"):
        wire.read_varint(b"\xff" * 9 + b"\x7f", 0)
    with pytest.raises(wire.Corrupt, match="past the end"):
        wire.read_varint(b"\x80", 0)


def test_slice_keys_as_tf_writes_them():
    # Keys found in TF's tests/data/tf_checkpoints/partitioned index.
    assert ordered_code.slice_key("emb", [(3, 3), (0, 3)]) == \
        b"\x00emb\x00\x01\x01\x02\x83\x83\x80\x83"
    assert ordered_code.slice_key("proj", [(0, 3), (4, 3)]) == \
        b"\x00proj\x00\x01\x01\x02\x80\x83\x84\x83"
    # Longer numbers: the prefix grows one bit per byte and the order is kept.
    numbers = [-2**63, -2**40, -65, -64, -1, 0, 63, 64, 8191, 8192, 2**40, 2**63 - 1]
    encoded = [ordered_code.signed_num_increasing(n) for n in numbers]
    assert encoded == sorted(encoded) and encoded[4:6] == [b"\x7f", b"\x80"]
    assert ordered_code.string(b"a\x00\xff") == b"a\x00\xff\xff\x00\x00\x01"


def test_shards_written_apart_and_merged_read_as_one(tmp_path):
    prefix = str(tmp_path / "table")
    full = np.arange(48, dtype=np.float32).reshape(8, 6)
    shards = []
    for shard_id, rows in enumerate([(0, 3), (3, 8)]):   # e.g. two Dask workers
        with ShardWriter(prefix, shard_id, 2) as writer:
            for cols in [(0, 4), (4, 6)]:
                box = (rows, cols)
                writer.add_slice("table", full.shape, box, full[slice(*rows), slice(*cols)])
            if shard_id == 1:
                writer.add("step", np.array(5, np.int64))
        shards.append(writer.entries)
    write_index(prefix, merge_entries(shards), num_shards=2)
    reader = BundleReader(prefix)
    assert reader.names == ["step", "table"] and len(reader.entry("table").slices) == 4
    np.testing.assert_array_equal(reader.read("table"), full)
    emb = vs.get_variable("table", [8, 6], partitioner=vs.fixed_size_partitioner(3, axis=1))
    vs.train.Saver([emb], progress=False).restore(None, prefix)
    np.testing.assert_array_equal(np.asarray(emb), full)
    with pytest.raises(ValueError, match="two shards hold the tensor .* with conflicting entries"):
        merge_entries([shards[1], shards[1]])


def test_a_failed_shard_leaves_no_file(tmp_path):
    with pytest.raises(RuntimeError):
        with ShardWriter(str(tmp_path / "x")) as writer:
            writer.add("a", np.ones(3))
            raise RuntimeError
    assert list(tmp_path.iterdir()) == []


def test_without_crc32c_the_error_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setitem(__import__("sys").modules, "crc32c", None)
    vs.get_variable("w", [2])
    saver = vs.train.Saver(progress=False)   # importing and building need no crc32c
    with pytest.raises(ImportError, match=r'pip install "varshare\[train\]"'):
        saver.save(None, tmp_path / "m")
