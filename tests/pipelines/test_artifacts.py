"""Reading exported artifacts: SavedModel version folders, TFLite detection, the config they determine."""

import doctest
import importlib
import json

import pytest

from albert_keras.pipelines import artifacts


def _version(base, name, saved_model=True):
    folder = base / name
    folder.mkdir()
    if saved_model:
        (folder / "saved_model.pb").write_bytes(b"")
    return folder


def test_saved_model_version_takes_the_highest_numbered_version(tmp_path):
    for name in ("1", "2", "10"):
        _version(tmp_path, name)
    _version(tmp_path, "11", saved_model=False)  # an unfinished version is not taken
    _version(tmp_path, "latest")
    assert artifacts.saved_model_version(str(tmp_path)) == str(tmp_path / "10")
    assert artifacts.saved_model_version(str(tmp_path / "2")) == str(tmp_path / "2")


def test_hub_folders_and_files_are_not_saved_models(tmp_path):
    (tmp_path / "config.json").write_text("{}")
    assert artifacts.saved_model_version(str(tmp_path)) is None
    assert artifacts.saved_model_version(str(tmp_path / "config.json")) is None
    assert artifacts.saved_model_version(str(tmp_path / "missing")) is None


def test_is_tflite_reads_the_file_identifier(tmp_path):
    lite = tmp_path / "a.bin"
    lite.write_bytes(b"\x1c\x00\x00\x00TFL3" + bytes(16))
    other = tmp_path / "b.tflite"
    other.write_bytes(b"PK\x03\x04 a zip, not a model")
    assert artifacts.is_tflite(str(lite))
    assert not artifacts.is_tflite(str(other))
    assert not artifacts.is_tflite(str(tmp_path))


def test_config_holds_what_the_artifact_determines():
    config = artifacts.artifact_config(None, 800, 32, ["neg", "pos", "mixed"])
    assert (config.vocab_size, config.max_position_embeddings) == (800, 32)
    assert config.num_labels == 3 and config.id2label == {0: "neg", 1: "pos", 2: "mixed"}
    assert config.label2id == {"neg": 0, "pos": 1, "mixed": 2}


def test_a_stored_config_json_wins(tmp_path, tiny_config_kwargs):
    data = dict(tiny_config_kwargs, problem_type="multi_label_classification")
    config = artifacts.artifact_config(json.dumps(data).encode(), 800, 32, ["x"])
    assert config.vocab_size == 99 and config.problem_type == "multi_label_classification"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    assert artifacts.artifact_config(str(path), 800, 32).hidden_size == 32


def test_saved_model_without_a_tokenizer_is_named(tmp_path):
    from tensorflow.core.protobuf import saved_model_pb2

    (tmp_path / "saved_model.pb").write_bytes(saved_model_pb2.SavedModel().SerializeToString())
    with pytest.raises(ValueError, match="holds no SentencePiece model .* pass tokenizer="):
        artifacts.saved_model_tokenizer(str(tmp_path))


@pytest.mark.parametrize("name", ["albert_keras.pipelines", "albert_keras.pipelines.artifacts"])
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_tokenizer_files_in_assets_extra_win(hf_folder_factory, tmp_path):
    from albert_keras.tokenization import AlbertTokenizer

    folder, *_ = hf_folder_factory("AlbertForMaskedLM")
    tokenizer = AlbertTokenizer.from_pretrained(folder, do_lower_case=False)
    tokenizer.save_pretrained(str(tmp_path / "assets.extra"))
    loaded = artifacts.saved_model_tokenizer(str(tmp_path))
    assert loaded.do_lower_case is False
    assert loaded("Paris is Big") == tokenizer("Paris is Big")
