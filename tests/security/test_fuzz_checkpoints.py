"""Fuzzed weight files: a corrupted or truncated file gives a CheckpointError or its tensors,
never another exception, a crash, or a pickle that runs."""

import io
import json
import os
from collections import OrderedDict

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors.numpy import save_file

from albert_keras.checkpoints.readers import CheckpointError, read_tensors, read_torch_bin
from albert_keras.config import AlbertConfig, ConfigFileError
from tests.conftest import TINY
from tests.security.test_checkpoint_files import _zip_bin


def _torch_bytes(zip_format):
    state = OrderedDict(weight=torch.arange(12, dtype=torch.float32).reshape(3, 4),
                        ids=torch.arange(5), view=torch.arange(8.0)[2:6])
    buffer = io.BytesIO()
    torch.save(state, buffer, _use_new_zipfile_serialization=zip_format)
    return buffer.getvalue()


def _safetensors_bytes():
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.safetensors")
        save_file({"weight": np.arange(12, dtype=np.float32).reshape(3, 4),
                   "view": np.arange(2.0, 6.0, dtype=np.float32)}, path)
        with open(path, "rb") as f:
            return f.read()


VALID = {"zip.bin": _torch_bytes(True), "legacy.bin": _torch_bytes(False),
         "model.safetensors": _safetensors_bytes()}
# The default suite runs a few hundred cases per property, the slow step thousands.
FEW, MANY = 150, 2000


def _read(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    try:
        tensors = read_tensors(str(path))
    except CheckpointError as error:
        assert str(path) in str(error)
        return None
    assert all(isinstance(v, np.ndarray) for v in tensors.values())
    return tensors


@pytest.mark.parametrize("name", sorted(VALID))
def test_every_truncation_is_refused(name, tmp_path):
    data = VALID[name]
    assert _read(tmp_path, name, data)["view"].tolist() == [2.0, 3.0, 4.0, 5.0]
    for length in range(0, len(data), 7):
        assert _read(tmp_path, name, data[:length]) is None, length


EDITS = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                 min_size=1, max_size=8)


def _corrupt(data, edits, head=None):
    """`data` with bytes replaced at relative positions (within the first `head` bytes)."""
    data = bytearray(data)
    span = head or len(data)
    for where, value in edits:
        data[int(where * span)] = value
    return bytes(data)


def _fuzzed(examples):
    def check_bytes(tmp_path, name, edits, head=None):
        _read(tmp_path, name, _corrupt(VALID[name], edits, head))

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(name=st.sampled_from(sorted(VALID)), edits=EDITS)
    def anywhere(tmp_path, name, edits):
        check_bytes(tmp_path, name, edits)

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(name=st.sampled_from(sorted(VALID)), edits=EDITS)
    def in_the_header(tmp_path, name, edits):
        # The records that describe the tensors: the safetensors JSON header, the pickles.
        check_bytes(tmp_path, name, edits, head=min(len(VALID[name]), 400))

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(value=st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8),
                                                                   inner, max_size=3),
        max_leaves=6), field=st.sampled_from(sorted(TINY) + ["id2label", "label2id",
                                                              "num_labels", "layer_norm_eps"]))
    def config_fields(tmp_path, value, field):
        path = tmp_path / "config.json"
        path.write_text(json.dumps(dict(TINY, **{field: value})))
        try:
            config = AlbertConfig.from_json_file(str(path))
        except ConfigFileError as error:
            assert str(path) in str(error) or field in str(error), error
            return
        assert getattr(config, field) is not None or value is None

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(weight_map=st.dictionaries(st.text(max_size=6), st.text(max_size=24), max_size=4))
    def shard_index(tmp_path, weight_map):
        folder = tmp_path / "model"
        folder.mkdir(exist_ok=True)
        (folder / "model.safetensors").write_bytes(VALID["model.safetensors"])
        index = folder / "model.safetensors.index.json"
        index.write_text(json.dumps({"weight_map": weight_map}))
        try:
            tensors = read_tensors(str(index))
        except CheckpointError as error:
            assert str(index) in str(error)
            return
        assert set(weight_map) <= set(tensors)
        assert set(weight_map.values()) <= {"model.safetensors", "./model.safetensors"}

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(layout=LAYOUTS, numel=st.integers(-1, 9), stored=st.integers(0, 9))
    def bin_layout(tmp_path, layout, numel, stored):
        # Field by field: a tensor record's offset, size and stride, its storage's element
        # count, and the floats stored. torch itself is the judge of what is valid.
        offset, size, stride = layout
        path = _zip_bin(tmp_path / "layout.bin", offset, size, stride, numel=numel,
                        data_bytes=np.arange(stored, dtype=np.float32).tobytes())
        try:
            expected = torch.load(path, weights_only=True)["weight"]
        except Exception:  # noqa: BLE001 (torch refuses it: so must we)
            expected = None
        try:
            got = read_torch_bin(path)["weight"]
        except CheckpointError as error:
            assert path in str(error), error
            # torch checks no layout of an empty tensor, and reads a stride of another rank
            # than the size as contiguous; we refuse both as an invalid layout.
            if expected is not None and (expected.numel() == 0 or len(size) != len(stride)):
                assert "has an invalid layout" in str(error), error
                assert len(size) != len(stride) or min(stride + (offset,)) < 0
            elif expected is not None:  # torch expands it (stride 0 or overlapping rows)
                assert "more than the" in str(error) and "of its storage" in str(error), error
                assert expected.numel() > stored
            return
        assert expected is not None, (layout, numel, stored)
        np.testing.assert_array_equal(got, expected.numpy())
        assert got.shape == tuple(expected.shape) and got.dtype == np.float32

    return anywhere, in_the_header, config_fields, shard_index, bin_layout


def _layouts():
    """(offset, size, stride): mostly of equal ranks and small, some far out or negative."""
    count = st.integers(0, 5) | st.sampled_from([10**6, 2**40])
    step = st.integers(-1, 6) | st.sampled_from([0, 2**40])

    @st.composite
    def layout(draw):
        rank = draw(st.integers(0, 3))
        other = draw(st.integers(0, 3)) if draw(st.integers(0, 9)) == 0 else rank
        offset = draw(st.integers(-1, 6) | st.sampled_from([2**40]))
        return (offset, tuple(draw(st.lists(count, min_size=rank, max_size=rank))),
                tuple(draw(st.lists(step, min_size=other, max_size=other))))
    return layout()


LAYOUTS = _layouts()
PROPERTIES = ("anywhere", "in_the_header", "config_fields", "shard_index", "bin_layout")


@pytest.mark.parametrize("prop", PROPERTIES)
def test_fuzzed_files_give_their_tensors_or_a_clear_error(prop, tmp_path):
    dict(zip(PROPERTIES, _fuzzed(FEW)))[prop](tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("prop", PROPERTIES)
def test_fuzzed_files_thousands_of_cases(prop, tmp_path):
    dict(zip(PROPERTIES, _fuzzed(MANY)))[prop](tmp_path)
