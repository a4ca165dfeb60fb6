"""Format detection and `load()`: every layout is recognized and loads to the reference outputs."""

import json
import os
import zipfile

import numpy as np
import pytest

import albert_keras
from albert_keras.checkpoints import detect_format, keras_hub, load, task_class
from albert_keras.checkpoints.readers import CheckpointError
from tests.checkpoints import fixtures
from tests.conftest import TINY
from tests.helpers.reference import (
    assert_outputs_close,
    hf_outputs,
    make_batch,
    our_outputs,
    random_hf_model,
)

MLM = "AlbertForMaskedLM"


@pytest.fixture(scope="module")
def reference():
    return random_hf_model(MLM, TINY)


@pytest.fixture(scope="module")
def expected(reference):
    inputs, labels = make_batch(MLM, TINY)
    return inputs, labels, hf_outputs(reference, inputs, labels)


@pytest.fixture(scope="module")
def layouts(reference, tmp_path_factory):
    """One folder or file per format, all holding the reference weights."""
    root = tmp_path_factory.mktemp("layouts")
    reference.save_pretrained(root / "hf")
    tensors = fixtures.tf1_tensors(reference, MLM, TINY)
    fixtures.write_google_release(str(root / "tf1"), tensors, TINY)
    fixtures.write_tf_hub_module(str(root / "tf_hub"), tensors, TINY)
    ours = albert_keras.AlbertForMaskedLM.from_pretrained(str(root / "hf"))
    ours.save(str(root / "model.keras"))
    os.makedirs(root / "weights")
    ours.save_weights(str(root / "weights" / "model.weights.h5"))
    ours.config.to_json_file(str(root / "weights" / "config.json"), architectures=[MLM])
    keras_hub.save_preset(ours, str(root / "keras_hub"))
    return {"hf": root / "hf", "tf1": root / "tf1", "tf-hub": root / "tf_hub",
            "keras": root / "model.keras", "keras-weights": root / "weights" / "model.weights.h5",
            "keras-hub": root / "keras_hub"}


@pytest.mark.parametrize("fmt", ["hf", "tf1", "tf-hub", "keras", "keras-weights", "keras-hub"])
def test_each_format_is_detected_and_loads(fmt, layouts, expected):
    inputs, labels, reference_outputs = expected
    path = str(layouts[fmt])

    assert detect_format(path) == fmt
    model = load(path, task="fill-mask")

    assert type(model).__name__ == MLM
    got = our_outputs(model, inputs, labels)
    if fmt == "keras-hub":  # the preset went through keras-hub; its pooler is not ours
        got.pop("loss"), got.pop("logits")
        reference_outputs = {k: v for k, v in reference_outputs.items() if k in got}
    assert_outputs_close(got, reference_outputs, atol=1e-5)
    assert model.loading_info.new == []


def test_tf_hub_saved_model_form_is_detected(layouts, tmp_path):
    import shutil

    folder = tmp_path / "saved_model"
    shutil.copytree(layouts["tf-hub"], folder)
    os.rename(folder / "tfhub_module.pb", folder / "saved_model.pb")
    assert detect_format(str(folder)) == "tf-hub"
    assert load(str(folder)).loading_info.source == str(folder / "variables" / "variables")


def test_the_recorded_architecture_is_the_default(layouts):
    assert type(load(str(layouts["hf"]))).__name__ == MLM  # config.json architectures
    assert type(load(str(layouts["keras"]))).__name__ == MLM  # the saved class
    assert type(load(str(layouts["keras-hub"]))).__name__ == MLM  # keras-hub AlbertMaskedLM
    assert type(load(str(layouts["tf1"]))).__name__ == "AlbertModel"  # TF1 records none


def test_another_task_gets_a_fresh_head_and_a_report(layouts, expected):
    inputs, _, reference_outputs = expected

    model = load(str(layouts["keras"]), task="question-answering")

    assert type(model).__name__ == "AlbertForQuestionAnswering"
    assert model.loading_info.new == ["qa_outputs.weight", "qa_outputs.bias"]
    assert "predictions.bias" in model.loading_info.ignored
    hidden = model.albert(**inputs, output_hidden_states=True).hidden_states[-1]
    np.testing.assert_allclose(hidden, reference_outputs["hidden_states"][-1], atol=1e-5)


@pytest.mark.parametrize("task, name", [
    ("fill-mask", "AlbertForMaskedLM"), ("feature-extraction", "AlbertModel"),
    ("text-classification", "AlbertForSequenceClassification"),
    ("token-classification", "AlbertForTokenClassification"),
    ("question-answering", "AlbertForQuestionAnswering"),
    ("multiple-choice", "AlbertForMultipleChoice"),
    ("TFAlbertForPreTraining", "AlbertForPreTraining"), ("AlbertForMaskedLM", "AlbertForMaskedLM"),
    ("AlbertTextClassifier", "AlbertForSequenceClassification"),
])
def test_task_names(task, name):
    assert task_class(task).__name__ == name


def test_unknown_task_names_the_choices():
    with pytest.raises(ValueError, match="Unknown task 'summarization'.*fill-mask"):
        task_class("summarization")


def test_unknown_folder_names_the_expected_layouts(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ValueError, match="not a known ALBERT checkpoint layout.*Hugging Face folder"
                       ".*albert_config.json.*variables/variables.index.*keras-hub preset"):
        load(str(tmp_path))


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load(str(tmp_path / "nowhere" / "model"))


def test_truncated_keras_file_is_a_clear_error(layouts, tmp_path):
    broken = tmp_path / "broken.keras"
    data = layouts["keras"].read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(CheckpointError, match="broken.keras is not a readable .keras file"):
        load(str(broken))


def test_keras_file_of_another_model_is_refused(tmp_path):
    import keras

    path = str(tmp_path / "other.keras")
    keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]).save(path)
    with zipfile.ZipFile(path) as archive:
        assert "albert" not in json.loads(archive.read("config.json")).get("class_name", "")
    with pytest.raises(CheckpointError, match="not an albert_keras model"):
        load(path)


def test_weights_file_needs_a_config(layouts, tmp_path):
    lonely = tmp_path / "model.weights.h5"
    lonely.write_bytes(layouts["keras-weights"].read_bytes())
    with pytest.raises(CheckpointError, match="put its config.json beside it or pass config="):
        load(str(lonely))
    with pytest.raises(CheckpointError, match="only into the class and config that saved it"):
        load(str(lonely), config=dict(TINY))  # saved by AlbertForMaskedLM
    assert type(load(str(lonely), config=dict(TINY), task=MLM)).__name__ == MLM


def test_truncated_keras_hub_preset_is_a_clear_error(layouts, tmp_path):
    import shutil

    folder = tmp_path / "preset"
    shutil.copytree(layouts["keras-hub"], folder)
    weights = folder / "model.weights.h5"
    weights.write_bytes(weights.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="cannot read the keras-hub preset.*truncated"):
        load(str(folder))
