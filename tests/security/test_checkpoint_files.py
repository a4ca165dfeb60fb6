"""Hostile weight files: no pickle code runs, no tensor reads past its storage, no shard
escapes its folder. Each refusal is a `CheckpointError` naming the file and the problem."""

import io
import json
import os
import pickle
import pickletools
import zipfile
from collections import OrderedDict

import numpy as np
import pytest
import torch
import transformers
from safetensors.numpy import save_file

import albert_keras
from albert_keras.checkpoints.readers import CheckpointError, read_tensors, read_torch_bin
from albert_keras.cli import main
from tests.conftest import TINY


class Payload:
    """Pickles to `os.system("touch <marker>")`: a file appears if anything unpickles it."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def _legacy_records(state):
    """The pre-1.6 `torch.save` bytes split into its five pickles and the raw storages."""
    buffer = io.BytesIO()
    torch.save(state, buffer, _use_new_zipfile_serialization=False)
    buffer.seek(0)
    records = []
    for _ in range(5):
        start = buffer.tell()
        for _op in pickletools.genops(buffer):
            pass
        records.append(buffer.getvalue()[start:buffer.tell()])
    return records, buffer.read()


def _state():
    return OrderedDict(weight=torch.arange(6, dtype=torch.float32).reshape(2, 3),
                       bias=torch.ones(3))


@pytest.mark.parametrize("record", range(5),
                         ids=["magic", "protocol", "sys-info", "state-dict", "keys"])
def test_a_payload_in_any_legacy_record_never_runs(record, tmp_path):
    marker = tmp_path / "pwned"
    records, raw = _legacy_records(_state())
    records[record] = pickle.dumps(Payload(marker), protocol=2)
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(b"".join(records) + raw)
    with pytest.raises(CheckpointError, match=r"refusing to unpickle (posix|os)\.system"):
        read_torch_bin(str(path))
    assert not marker.exists()


def test_a_file_that_is_only_a_payload_never_runs(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(pickle.dumps(Payload(marker)))
    with pytest.raises(CheckpointError, match="refusing to unpickle"):
        read_torch_bin(str(path))
    assert not marker.exists()


def test_the_unmodified_legacy_file_still_loads(tmp_path):
    records, raw = _legacy_records(_state())
    path = tmp_path / "pytorch_model.bin"
    path.write_bytes(b"".join(records) + raw)
    tensors = read_torch_bin(str(path))
    np.testing.assert_array_equal(tensors["weight"], np.arange(6, dtype=np.float32).reshape(2, 3))
    np.testing.assert_array_equal(tensors["bias"], np.ones(3, np.float32))


def test_a_legacy_payload_stops_every_loading_path(tmp_path):
    """from_pretrained, albert_keras.load and `albert-keras convert` all refuse, exit 1."""
    marker = tmp_path / "pwned"
    folder = tmp_path / "model"
    reference = transformers.AlbertForMaskedLM(transformers.AlbertConfig(**TINY))
    reference.save_pretrained(str(folder), safe_serialization=False)
    records, raw = _legacy_records(reference.state_dict())
    records[4] = pickle.dumps(Payload(marker), protocol=2)
    (folder / "pytorch_model.bin").write_bytes(b"".join(records) + raw)
    for load in (albert_keras.AlbertForMaskedLM.from_pretrained, albert_keras.load):
        with pytest.raises(CheckpointError, match="refusing to unpickle"):
            load(str(folder))
    assert main(["convert", str(folder), str(tmp_path / "out"), "--to", "hf"]) == 1
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


def test_legacy_storage_counts_are_checked(tmp_path):
    records, raw = _legacy_records(_state())
    path = tmp_path / "pytorch_model.bin"
    # The first storage's element count, made huge: refused before any read.
    path.write_bytes(b"".join(records) + (2**40).to_bytes(8, "little") + raw[8:])
    with pytest.raises(CheckpointError, match="claims 1099511627776 elements"):
        read_torch_bin(str(path))
    path.write_bytes(b"".join(records) + raw[:-4])
    with pytest.raises(CheckpointError, match="truncated"):
        read_torch_bin(str(path))


# ------------------------------------------------------------------ crafted tensor layouts
class _Storage:
    def __init__(self, numel):
        self.numel = numel


class _Tensor:
    """Pickles as torch's `_rebuild_tensor_v2(storage, offset, size, stride, ...)`."""

    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, OrderedDict())

    def __reduce__(self):
        return torch._utils._rebuild_tensor_v2, self.args


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, _Storage):
            return ("storage", torch.FloatStorage, "0", "cpu", obj.numel)
        return None


def _zip_bin(path, offset, size, stride, numel=4, data_bytes=None):
    """A zip `pytorch_model.bin` of one tensor with the given layout over 4 floats."""
    buffer = io.BytesIO()
    _Pickler(buffer, protocol=2).dump(
        OrderedDict(weight=_Tensor(_Storage(numel), offset, size, stride)))
    data = np.arange(4, dtype=np.float32).tobytes() if data_bytes is None else data_bytes
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
        archive.writestr("archive/byteorder", "little")
        archive.writestr("archive/data/0", data)
        archive.writestr("archive/version", "3\n")
    return str(path)


def test_a_valid_crafted_layout_loads_as_torch_loads_it(tmp_path):
    path = _zip_bin(tmp_path / "ok.bin", 1, (3,), (1,))
    expected = torch.load(path, weights_only=True)["weight"].numpy()
    np.testing.assert_array_equal(read_torch_bin(path)["weight"], expected)
    np.testing.assert_array_equal(expected, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("offset,size,stride", [
    (0, (1000,), (1,)),            # past the end: once a SIGSEGV or stray memory
    (3, (2,), (1,)),               # one element past
    (2**40, (1,), (1,)),           # offset far away
    (0, (2, 2), (4, 1)),           # a row stride past the end
    (0, (10**6, 10**6), (0, 0)),   # stride 0: a terabyte from 4 floats
    (0, (2,), (-1,)),              # negative stride
    (-1, (1,), (1,)),              # negative offset
    (0, (2, 2), (1,)),             # ranks differ
])
def test_a_tensor_that_reaches_past_its_storage_is_refused(offset, size, stride, tmp_path):
    path = _zip_bin(tmp_path / "bad.bin", offset, size, stride)
    with pytest.raises(CheckpointError, match="bad.bin: tensor 'weight' (of shape .* (reaches "
                                              "past its storage|more than the 4 of its "
                                              "storage)|has an invalid layout)"):
        read_torch_bin(path)


@pytest.mark.parametrize("numel,data_bytes,message", [
    (4, b"\0" * 8, "storage 0 has 8 bytes, 4 FloatStorage elements need 16"),
    (8, None, "storage 0 has 16 bytes, 8 FloatStorage elements need 32"),
    (-1, None, "unexpected persistent id"),
])
def test_a_storage_whose_size_disagrees_with_its_record_is_refused(numel, data_bytes, message,
                                                                  tmp_path):
    path = _zip_bin(tmp_path / "bad.bin", 0, (1,), (1,), numel=numel, data_bytes=data_bytes)
    with pytest.raises(CheckpointError, match=f"bad.bin: {message}"):
        read_torch_bin(path)


def test_a_non_tensor_entry_is_refused(tmp_path):
    buffer = io.BytesIO()
    pickle.dump(OrderedDict(weight=[1.0, 2.0]), buffer, protocol=2)
    path = tmp_path / "pytorch_model.bin"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("archive/data.pkl", buffer.getvalue())
    with pytest.raises(CheckpointError, match="entry 'weight' is list, not a tensor"):
        read_torch_bin(str(path))


# ------------------------------------------------------------------ shard indexes
def _sharded(folder, shard_name, index_name="model.safetensors.index.json"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / index_name).write_text(json.dumps({"weight_map": {"w": shard_name}}))
    return str(folder / index_name)


def test_a_shard_inside_the_folder_loads(tmp_path):
    (tmp_path / "m").mkdir()
    save_file({"w": np.ones(2, np.float32)}, str(tmp_path / "m" / "a.safetensors"))
    np.testing.assert_array_equal(read_tensors(_sharded(tmp_path / "m", "a.safetensors"))["w"],
                                  [1.0, 1.0])


@pytest.mark.parametrize("name", ["../outside/x.safetensors", "sub/../../outside/x.safetensors"])
def test_a_shard_name_that_climbs_out_is_refused(name, tmp_path):
    (tmp_path / "outside").mkdir()
    save_file({"w": np.ones(2, np.float32)}, str(tmp_path / "outside" / "x.safetensors"))
    with pytest.raises(CheckpointError, match="outside the model folder"):
        read_tensors(_sharded(tmp_path / "m", name))


def test_an_absolute_shard_path_is_refused(tmp_path):
    outside = tmp_path / "x.safetensors"
    save_file({"w": np.ones(2, np.float32)}, str(outside))
    with pytest.raises(CheckpointError, match="outside the model folder"):
        read_tensors(_sharded(tmp_path / "m", str(outside)))


def test_a_shard_link_to_outside_is_refused(tmp_path):
    outside = tmp_path / "x.safetensors"
    save_file({"w": np.ones(2, np.float32)}, str(outside))
    index = _sharded(tmp_path / "m", "link.safetensors")
    os.symlink(outside, tmp_path / "m" / "link.safetensors")
    with pytest.raises(CheckpointError, match="links outside the model folder"):
        read_tensors(index)


def test_an_index_that_lists_an_index_is_refused(tmp_path):
    index = _sharded(tmp_path / "m", "model.safetensors.index.json")
    with pytest.raises(CheckpointError, match="not a weight file"):
        read_tensors(index)


@pytest.mark.parametrize("content", ['{"weight_map": ["a"]}', '{"weight_map": {"w": 3}}', "[]",
                                     "\x00\xff"])
def test_a_malformed_index_is_refused(content, tmp_path):
    path = tmp_path / "model.safetensors.index.json"
    path.write_text(content, errors="surrogateescape")
    with pytest.raises(CheckpointError, match=r"index\.json( is not a valid shard index|: "
                                              r"weight_map must map tensor names)"):
        read_tensors(str(path))
