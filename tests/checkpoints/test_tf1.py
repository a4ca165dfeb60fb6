"""Original Google TF1 checkpoints and TF-Hub modules: ours and transformers' converter agree."""

import os

import numpy as np
import pytest

import albert_keras
from albert_keras.checkpoints import tf1
from albert_keras.checkpoints.assign import WeightMismatchError
from albert_keras.checkpoints.readers import CheckpointError
from tests.checkpoints import fixtures
from tests.conftest import ARCHITECTURES, TINY
from tests.helpers.reference import (
    TORCH_TASKS,
    assert_outputs_close,
    hf_outputs,
    make_batch,
    our_outputs,
    random_hf_model,
)

PRETRAINING = dict(TINY, num_labels=2)  # transformers' SOP loss views the logits as (-1, 2)
SINGLE = dict(ARCHITECTURES["single_layer"], num_labels=2)


def _release(tmp_path, config_kwargs, task="AlbertForPreTraining", optimizer=False):
    reference = random_hf_model(task, config_kwargs)
    tensors = fixtures.tf1_tensors(reference, task, config_kwargs)
    if optimizer:
        tensors = fixtures.with_optimizer_state(tensors)
    folder = str(tmp_path / "albert_tiny")
    prefix = fixtures.write_google_release(folder, tensors, config_kwargs)
    return reference, folder, prefix


def _transformers_from_tf1(task, config_kwargs, prefix):
    """transformers' own path: a fresh model (another seed) + load_tf_weights_in_albert."""
    import transformers

    reference = random_hf_model(task, config_kwargs, seed=7)
    return transformers.load_tf_weights_in_albert(reference, reference.config, prefix)


@pytest.mark.parametrize("config_kwargs", [PRETRAINING, SINGLE], ids=["groups2x2", "single"])
def test_google_release_matches_transformers(config_kwargs, tmp_path):
    reference, folder, prefix = _release(tmp_path, config_kwargs)
    inputs, labels = make_batch("AlbertForPreTraining", config_kwargs)
    expected = hf_outputs(reference, inputs, labels)

    ours = tf1.load_model(albert_keras.AlbertForPreTraining, folder)
    theirs = _transformers_from_tf1("AlbertForPreTraining", config_kwargs, prefix)

    assert_outputs_close(our_outputs(ours, inputs, labels), expected, atol=1e-5)
    assert_outputs_close(hf_outputs(theirs, inputs, labels), expected, atol=1e-6)
    assert ours.loading_info.new == [] and ours.loading_info.ignored == []
    assert ours.config.hidden_act == config_kwargs["hidden_act"]  # Google "gelu" -> gelu_new


@pytest.mark.parametrize("task", [t for t in TORCH_TASKS if t != "AlbertForPreTraining"])
def test_release_loads_into_every_task_model(task, tmp_path):
    reference, folder, _ = _release(tmp_path, PRETRAINING)
    inputs, _ = make_batch("AlbertModel", PRETRAINING)
    expected = hf_outputs(reference.albert, inputs, {})

    model = tf1.load_model(getattr(albert_keras, task), folder)

    backbone = model if task == "AlbertModel" else model.albert
    if task != "AlbertForMultipleChoice":
        got = our_outputs(backbone, inputs, {})
        assert_outputs_close(got, {k: v for k, v in expected.items() if k in got}, atol=1e-5)
    report = model.loading_info
    heads = {"AlbertModel": [], "AlbertForMaskedLM": [],
             "AlbertForQuestionAnswering": ["cls/squad/output_weights", "cls/squad/output_bias"],
             "AlbertForTokenClassification": ["classifier.kernel", "classifier.bias"]}
    assert report.new == heads.get(task, ["output_weights", "output_bias"])
    assert "cls/seq_relationship/output_weights" in report.ignored
    assert ("cls/predictions/output_bias" in report.ignored) == (task != "AlbertForMaskedLM")
    assert ("bert/pooler/dense/kernel" in report.ignored) == (backbone.pooler is None)


def test_tf_hub_module_and_module_prefix(tmp_path):
    reference = random_hf_model("AlbertForPreTraining", PRETRAINING)
    tensors = fixtures.tf1_tensors(reference, "AlbertForPreTraining", PRETRAINING)
    folder = str(tmp_path / "albert_hub")
    prefix = fixtures.write_tf_hub_module(folder, tensors, PRETRAINING)
    inputs, labels = make_batch("AlbertForPreTraining", PRETRAINING)
    expected = hf_outputs(reference, inputs, labels)

    ours = tf1.load_model(albert_keras.AlbertForPreTraining, folder)
    theirs = _transformers_from_tf1("AlbertForPreTraining", PRETRAINING, prefix)

    assert_outputs_close(our_outputs(ours, inputs, labels), expected, atol=1e-5)
    assert_outputs_close(hf_outputs(theirs, inputs, labels), expected, atol=1e-6)
    assert ours.loading_info.source == prefix


def test_optimizer_slots_and_global_step_are_ignored_and_reported(tmp_path):
    reference, _, prefix = _release(tmp_path, PRETRAINING, optimizer=True)
    inputs, labels = make_batch("AlbertForPreTraining", PRETRAINING)

    ours = tf1.load_model(albert_keras.AlbertForPreTraining, prefix)

    assert_outputs_close(our_outputs(ours, inputs, labels),
                         hf_outputs(reference, inputs, labels), atol=1e-5)
    ignored = ours.loading_info.ignored
    assert "global_step" in ignored
    assert "bert/pooler/dense/kernel/adam_m" in ignored
    assert len(ignored) == 2 * len(ours.loading_info.loaded) + 1


def test_fine_tuned_classifier_head(tmp_path):
    """run_classifier.py's top-level `output_weights` (labels, H) / `output_bias`."""
    task = "AlbertForSequenceClassification"
    reference = random_hf_model(task, TINY)
    tensors = fixtures.tf1_tensors(reference, task, TINY)
    assert tensors["output_weights"].shape == (3, 32)
    folder = str(tmp_path / "glue")
    prefix = fixtures.write_google_release(folder, fixtures.with_optimizer_state(tensors), TINY)
    inputs, labels = make_batch(task, TINY)

    ours = tf1.load_model(albert_keras.AlbertForSequenceClassification, folder, num_labels=3)
    theirs = _transformers_from_tf1(task, TINY, prefix)

    expected = hf_outputs(reference, inputs, labels)
    assert_outputs_close(our_outputs(ours, inputs, labels), expected, atol=1e-5)
    assert_outputs_close(hf_outputs(theirs, inputs, labels), expected, atol=1e-6)
    assert ours.loading_info.new == []


def test_progress_bar_on_request(tmp_path, capsys):
    _, _, prefix = _release(tmp_path, PRETRAINING)
    tensors = tf1.read_checkpoint(prefix, progress=True)
    assert "Reading model.ckpt-best" in capsys.readouterr().err
    assert "bert/embeddings/word_embeddings" in tensors


def test_newest_step_is_found_without_state_file(tmp_path):
    tensors = {"a": np.zeros(2, "float32")}
    fixtures.write_tf1_checkpoint(tensors, str(tmp_path / "model.ckpt-9"))
    fixtures.write_tf1_checkpoint(tensors, str(tmp_path / "model.ckpt-100"))
    os.remove(tmp_path / "checkpoint")
    assert tf1.find_checkpoint(str(tmp_path)) == str(tmp_path / "model.ckpt-100")


def test_truncated_checkpoint_is_a_clear_error(tmp_path):
    _, folder, prefix = _release(tmp_path, PRETRAINING)
    data = prefix + ".data-00000-of-00001"
    with open(data, "r+b") as f:
        f.truncate(os.path.getsize(data) // 2)
    with pytest.raises(CheckpointError, match="data-00000-of-00001.*truncated or corrupt"):
        tf1.load_model(albert_keras.AlbertModel, folder)


def test_corrupt_index_is_a_clear_error(tmp_path):
    _, folder, prefix = _release(tmp_path, PRETRAINING)
    with open(prefix + ".index", "wb") as f:
        f.write(b"not a checkpoint index")
    with pytest.raises(CheckpointError, match=r"model.ckpt-best.index is not a readable"):
        tf1.load_model(albert_keras.AlbertModel, folder)


def test_shapes_that_disagree_with_the_config_change_nothing(tmp_path):
    _, folder, _ = _release(tmp_path, PRETRAINING)
    expected = r"ffn_1/intermediate/dense/kernel: checkpoint \(32, 37\) vs model \(32, 41\)"
    with pytest.raises(WeightMismatchError, match=expected):
        tf1.load_model(albert_keras.AlbertModel, folder, intermediate_size=41)


def test_group_count_must_match_the_config(tmp_path):
    _, folder, _ = _release(tmp_path, PRETRAINING)
    with pytest.raises(ValueError, match="2 group.*x 2 inner.*num_hidden_groups=1"):
        tf1.load_model(albert_keras.AlbertModel, folder, num_hidden_groups=1)


def test_missing_config_is_a_clear_error(tmp_path):
    _, folder, _ = _release(tmp_path, PRETRAINING)
    os.remove(os.path.join(folder, "albert_config.json"))
    with pytest.raises(CheckpointError, match="no albert_config.json"):
        tf1.load_model(albert_keras.AlbertModel, folder)
