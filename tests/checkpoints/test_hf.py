"""The Hugging Face hub layout: every file form transformers writes, both directions, bad files."""

import json
import os

import numpy as np
import pytest
import torch
import transformers

import albert_keras
from albert_keras.checkpoints.assign import WeightMismatchError
from albert_keras.checkpoints.readers import CheckpointError, read_torch_bin
from tests.conftest import TINY
from tests.helpers.reference import (
    TORCH_TASKS,
    assert_matches_transformers,
    assert_outputs_close,
    hf_outputs,
    make_batch,
    our_outputs,
    random_hf_model,
)

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "data", "hf-tf-h5")


def _kwargs(task):
    return dict(TINY, num_labels=2) if task in ("AlbertForQuestionAnswering",
                                                "AlbertForPreTraining") else dict(TINY)


@pytest.mark.parametrize("task", TORCH_TASKS)
def test_our_save_pretrained_loads_in_transformers(task, tmp_path):
    """Reverse direction: ours -> save_pretrained -> transformers -> identical outputs."""
    kwargs = _kwargs(task)
    ours = assert_matches_transformers(task, kwargs, tmp_path / "hf")
    ours.save_pretrained(str(tmp_path / "ours"))
    assert sorted(os.listdir(tmp_path / "ours")) == ["config.json", "model.safetensors"]
    theirs, info = getattr(transformers, task).from_pretrained(
        str(tmp_path / "ours"), attn_implementation="eager", output_loading_info=True)
    assert not info["missing_keys"] and not info["unexpected_keys"], info
    inputs, labels = make_batch(task, kwargs)
    assert_outputs_close(our_outputs(ours, inputs, labels), hf_outputs(theirs.eval(), inputs,
                                                                       labels), 1e-5)


@pytest.mark.parametrize("zip_format", [True, False], ids=["zip", "legacy"])
def test_pytorch_model_bin_is_read_without_torch(zip_format, tmp_path):
    kwargs = _kwargs("AlbertForMaskedLM")
    reference = random_hf_model("AlbertForMaskedLM", kwargs)
    reference.save_pretrained(str(tmp_path), safe_serialization=False)
    if not zip_format:  # the pre-1.6 format of the 2019 hub uploads
        torch.save(reference.state_dict(), tmp_path / "pytorch_model.bin",
                   _use_new_zipfile_serialization=False)
    ours = albert_keras.AlbertForMaskedLM.from_pretrained(str(tmp_path))
    inputs, labels = make_batch("AlbertForMaskedLM", kwargs)
    assert_outputs_close(our_outputs(ours, inputs, labels),
                         hf_outputs(reference, inputs, labels), 1e-5)


def test_pickle_with_code_is_refused(tmp_path):
    class Exploit:
        def __reduce__(self):
            return (os.system, ("touch " + str(tmp_path / "pwned"),))

    torch.save({"weight": Exploit()}, tmp_path / "pytorch_model.bin")
    with pytest.raises(CheckpointError, match="refusing to unpickle"):
        read_torch_bin(str(tmp_path / "pytorch_model.bin"))
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("group", ["single-group", "multi-group"])
@pytest.mark.parametrize("task", TORCH_TASKS)
def test_real_tf_model_h5_reproduces_reference_outputs(group, task):
    folder = os.path.join(FIXTURES, group, task)
    model = getattr(albert_keras, task).from_pretrained(folder)
    data = np.load(os.path.join(folder, "reference_outputs.npz"))
    inputs = {k[len("input."):]: data[k] for k in data if k.startswith("input.")}
    out = model(**inputs, output_hidden_states=True)
    expected = {k[len("output."):]: data[k] for k in data if k.startswith("output.")}
    assert expected, folder
    for name, value in expected.items():
        if name.startswith("hidden_states."):
            got = out.hidden_states[int(name.split(".")[1])]
        else:
            got = out[name]
        np.testing.assert_allclose(np.asarray(got), value, atol=1e-5, err_msg=name)
    assert not model.loading_info.new


@pytest.mark.parametrize("safe", [True, False], ids=["safetensors", "bin"])
def test_sharded_checkpoints_load_like_unsharded(safe, tmp_path):
    kwargs = _kwargs("AlbertForPreTraining")
    reference = random_hf_model("AlbertForPreTraining", kwargs)
    reference.save_pretrained(str(tmp_path), safe_serialization=safe, max_shard_size="20KB")
    index = "model.safetensors.index.json" if safe else "pytorch_model.bin.index.json"
    assert os.path.isfile(tmp_path / index)
    ours = albert_keras.AlbertForPreTraining.from_pretrained(str(tmp_path))
    inputs, labels = make_batch("AlbertForPreTraining", kwargs)
    assert_outputs_close(our_outputs(ours, inputs, labels),
                         hf_outputs(reference, inputs, labels), 1e-5)


def test_save_pretrained_writes_shards_transformers_reads(tmp_path):
    kwargs = _kwargs("AlbertForMaskedLM")
    model = albert_keras.AlbertForMaskedLM(albert_keras.AlbertConfig(**kwargs))
    model.save_pretrained(str(tmp_path), max_shard_size="10KB")
    with open(tmp_path / "model.safetensors.index.json") as f:
        shards = set(json.load(f)["weight_map"].values())
    assert len(shards) > 3
    theirs = transformers.AlbertForMaskedLM.from_pretrained(str(tmp_path),
                                                            attn_implementation="eager")
    reloaded = albert_keras.AlbertForMaskedLM.from_pretrained(str(tmp_path))
    inputs, labels = make_batch("AlbertForMaskedLM", kwargs)
    assert_outputs_close(our_outputs(reloaded, inputs, labels),
                         hf_outputs(theirs.eval(), inputs, labels), 1e-5)


def test_base_checkpoint_into_task_model_reports_the_new_head(tmp_path):
    random_hf_model("AlbertModel", TINY).save_pretrained(str(tmp_path))
    model = albert_keras.AlbertForQuestionAnswering.from_pretrained(str(tmp_path), num_labels=2)
    assert model.loading_info.new == ["qa_outputs.weight", "qa_outputs.bias"]
    assert "qa_outputs.weight" in model.loading_info.summary()
    # ...and a pre-training checkpoint into a classifier ignores the pre-training heads.
    random_hf_model("AlbertForPreTraining", dict(TINY, num_labels=2)).save_pretrained(
        str(tmp_path / "pt"))
    model = albert_keras.AlbertForSequenceClassification.from_pretrained(str(tmp_path / "pt"))
    assert model.loading_info.new == ["classifier.weight", "classifier.bias"]
    assert "sop_classifier.classifier.weight" in model.loading_info.ignored


def test_shape_mismatch_lists_the_weights_and_changes_nothing(tmp_path):
    random_hf_model("AlbertModel", TINY).save_pretrained(str(tmp_path))
    config = json.loads((tmp_path / "config.json").read_text())
    config["intermediate_size"] = 41
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises(WeightMismatchError, match=r"ffn.weight: checkpoint \(32, 37\) vs model "
                                                  r"\(32, 41\)"):
        albert_keras.AlbertModel.from_pretrained(str(tmp_path))


def test_missing_backbone_weight_is_an_error(tmp_path):
    from safetensors.numpy import load_file, save_file

    random_hf_model("AlbertModel", TINY).save_pretrained(str(tmp_path))
    tensors = load_file(str(tmp_path / "model.safetensors"))
    del tensors["encoder.albert_layer_groups.1.albert_layers.0.ffn.weight"]
    save_file(tensors, str(tmp_path / "model.safetensors"), metadata={"format": "pt"})
    with pytest.raises(WeightMismatchError,
                       match="missing weights: encoder.albert_layer_groups.1.albert_layers.0"):
        albert_keras.AlbertModel.from_pretrained(str(tmp_path))


def test_truncated_safetensors_is_named(tmp_path):
    random_hf_model("AlbertModel", TINY).save_pretrained(str(tmp_path))
    path = tmp_path / "model.safetensors"
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(CheckpointError, match="model.safetensors is not a readable safetensors"):
        albert_keras.AlbertModel.from_pretrained(str(tmp_path))


def test_folder_without_weights_or_config(tmp_path):
    with pytest.raises(FileNotFoundError, match="has no config.json"):
        albert_keras.AlbertModel.from_pretrained(str(tmp_path))
    albert_keras.AlbertConfig(**TINY).save_pretrained(str(tmp_path))
    with pytest.raises(FileNotFoundError, match="No ALBERT weights in"):
        albert_keras.AlbertModel.from_pretrained(str(tmp_path))


def test_hub_name_offline_without_cache_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "empty-cache"))
    with pytest.raises(FileNotFoundError, match="neither a local folder nor in the Hugging Face "
                                                "cache"):
        albert_keras.AlbertModel.from_pretrained("albert-base-v2")


def test_hub_name_is_read_from_the_cache_offline(monkeypatch, tmp_path):
    """A hub id resolves through huggingface_hub's cache layout with no network."""
    cache = tmp_path / "cache"
    repo = cache / "models--albert--albert-base-v2"
    snapshot = repo / "snapshots" / "0123456789abcdef0123456789abcdef01234567"
    reference = random_hf_model("AlbertModel", TINY)
    reference.save_pretrained(str(snapshot))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("0123456789abcdef0123456789abcdef01234567")
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    ours = albert_keras.AlbertModel.from_pretrained("albert-base-v2")
    inputs, labels = make_batch("AlbertModel", TINY)
    assert_outputs_close(our_outputs(ours, inputs, labels),
                         hf_outputs(reference, inputs, labels), 1e-5)


def test_interrupted_save_leaves_the_destination_untouched(tmp_path, monkeypatch):
    model = albert_keras.AlbertModel(albert_keras.AlbertConfig(**TINY))
    model.save_pretrained(str(tmp_path / "out"))
    before = (tmp_path / "out" / "model.safetensors").read_bytes()
    from albert_keras.checkpoints import hf

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(hf.AlbertConfig, "to_json_file", crash)
    other = albert_keras.AlbertModel(albert_keras.AlbertConfig(**TINY))
    with pytest.raises(OSError, match="disk full"):
        other.save_pretrained(str(tmp_path / "out"))
    assert (tmp_path / "out" / "model.safetensors").read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["out"]  # no temporary folder left behind
