"""keras-hub AlbertBackbone / AlbertMaskedLM / AlbertTextClassifier and presets, both directions."""

import os

import numpy as np
import pytest

import albert_keras
from albert_keras.checkpoints import keras_hub as kh
from albert_keras.config import AlbertConfig
from tests.conftest import TINY
from tests.helpers.reference import hf_outputs, make_batch, random_hf_model

keras_hub = pytest.importorskip("keras_hub")

ARGS = {"vocabulary_size": 99, "num_layers": 4, "num_heads": 4, "embedding_dim": 16,
        "hidden_dim": 32, "intermediate_dim": 37, "num_groups": 2, "num_inner_repetitions": 2,
        "max_sequence_length": 23}  # TINY, in keras-hub's names


def _randomize(model, seed=0):
    """Every weight random (LayerNorm gammas near 1), so a swapped or dropped weight shows."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        value = 0.1 * rng.normal(size=v.shape) + (1.0 if v.path.endswith("gamma") else 0.0)
        v.assign(value.astype("float32"))
    return model


def _batch():
    inputs, _ = make_batch("AlbertModel", TINY)
    return {"token_ids": inputs["input_ids"].astype("int32"),
            "segment_ids": inputs["token_type_ids"].astype("int32"),
            "padding_mask": inputs["attention_mask"].astype("int32")}, inputs


def _ours(model, inputs):
    return model(input_ids=inputs["input_ids"], attention_mask=inputs["attention_mask"],
                 token_type_ids=inputs["token_type_ids"])


def _max_diff(a, b):
    return float(np.max(np.abs(np.asarray(a, "float64") - np.asarray(b, "float64"))))


def test_backbone_both_directions():
    backbone = _randomize(keras_hub.models.AlbertBackbone(**ARGS))
    features, inputs = _batch()
    expected = backbone(features)

    ours = kh.from_keras_hub(backbone)
    out = _ours(ours, inputs)
    back, report = kh.to_keras_hub(ours)
    again = back(features)

    assert type(ours).__name__ == "AlbertModel" and ours.config.num_hidden_groups == 2
    assert _max_diff(out.last_hidden_state, expected["sequence_output"]) < 1e-5
    assert _max_diff(out.pooler_output, expected["pooled_output"]) < 1e-5
    assert ours.loading_info.new == [] and ours.loading_info.ignored == []
    assert type(back).__name__ == "AlbertBackbone" and report.new == [] == report.ignored
    for name in ("sequence_output", "pooled_output"):
        assert _max_diff(again[name], expected[name]) < 1e-5


def test_masked_lm_both_directions():
    masked_lm = _randomize(keras_hub.models.AlbertMaskedLM(keras_hub.models.AlbertBackbone(**ARGS)))
    features, inputs = _batch()
    features["mask_positions"] = np.array([[1, 4, 6]] * 3, "int32")
    stock = np.asarray(masked_lm(features))

    ours = kh.from_keras_hub(masked_lm)
    logits = np.take_along_axis(np.asarray(_ours(ours, inputs).logits),
                                features["mask_positions"][..., None], axis=1)
    back, report = kh.to_keras_hub(ours)

    assert type(ours).__name__ == "AlbertForMaskedLM"
    assert ours.loading_info.ignored == ["pooled_dense/bias", "pooled_dense/kernel"]
    # keras-hub's MaskedLMHead normalizes with epsilon 1e-5, ALBERT with 1e-12: with the
    # head's epsilon aligned the logits agree to float32 precision, so that is the only gap.
    assert _max_diff(logits, stock) < 1e-2
    masked_lm.masked_lm_head._intermediate_layer_norm.epsilon = 1e-12
    assert _max_diff(logits, masked_lm(features)) < 1e-5
    assert type(back).__name__ == "AlbertMaskedLM"
    assert report.new == ["pooled_dense/bias", "pooled_dense/kernel"]  # ours has no pooler
    assert _max_diff(back(features), stock) < 1e-5


def test_keras_hub_matches_transformers_through_ours(tmp_path):
    """transformers -> ours -> keras-hub: keras-hub's outputs are transformers' to 1e-5."""
    kwargs = dict(TINY, hidden_act="gelu_new")
    reference = random_hf_model("AlbertModel", kwargs)
    reference.save_pretrained(tmp_path)
    backbone, _ = kh.to_keras_hub(albert_keras.AlbertModel.from_pretrained(str(tmp_path)))
    features, inputs = _batch()

    expected = hf_outputs(reference, inputs, {})
    got = backbone(features)

    assert _max_diff(got["sequence_output"], expected["last_hidden_state"]) < 1e-5
    assert _max_diff(got["pooled_output"], expected["pooler_output"]) < 1e-5


def test_text_classifier_both_directions():
    classifier = _randomize(keras_hub.models.AlbertTextClassifier(
        keras_hub.models.AlbertBackbone(**ARGS), num_classes=3, preprocessor=None))
    features, inputs = _batch()

    ours = kh.from_keras_hub(classifier)
    back, _ = kh.to_keras_hub(ours)

    assert type(ours).__name__ == "AlbertForSequenceClassification"
    assert ours.config.num_labels == 3 and ours.loading_info.new == []
    assert _max_diff(_ours(ours, inputs).logits, classifier(features)) < 1e-5
    assert _max_diff(back(features), classifier(features)) < 1e-5


def test_preset_folders_both_directions(tmp_path, spiece_model):
    masked_lm = _randomize(keras_hub.models.AlbertMaskedLM(keras_hub.models.AlbertBackbone(**ARGS)))
    masked_lm.save_to_preset(str(tmp_path / "theirs"))
    keras_hub.models.AlbertTokenizer(proto=spiece_model).save_to_preset(str(tmp_path / "theirs"))
    features, inputs = _batch()

    ours = albert_keras.checkpoints.load(str(tmp_path / "theirs"))
    report = kh.save_preset(ours, str(tmp_path / "ours"), vocabulary=spiece_model)
    reloaded = keras_hub.models.AlbertMaskedLM.from_preset(str(tmp_path / "ours"))

    assert type(ours).__name__ == "AlbertForMaskedLM"
    assert ours.loading_info.source == str(tmp_path / "theirs")
    assert report.new == ["pooled_dense/bias", "pooled_dense/kernel"]
    assert reloaded.preprocessor is not None  # the tokenizer assets came along
    backbone = albert_keras.checkpoints.load(str(tmp_path / "ours"), task="feature-extraction")
    assert _max_diff(_ours(backbone, inputs).last_hidden_state,
                     masked_lm.backbone(features)["sequence_output"]) < 1e-5
    features["mask_positions"] = np.array([[2, 3]] * 3, "int32")
    assert _max_diff(reloaded(features), masked_lm(features)) < 1e-5


@pytest.mark.parametrize("field, value", [("hidden_act", "relu"), ("layer_norm_eps", 1e-5)])
def test_what_keras_hub_cannot_express_is_a_clear_error(field, value, tmp_path):
    model = albert_keras.AlbertModel(AlbertConfig(**dict(TINY, **{field: value})))
    with pytest.raises(ValueError, match=f"{field}={value!r} cannot be converted to keras-hub"):
        kh.save_preset(model, str(tmp_path / "preset"))
    assert not os.path.exists(tmp_path / "preset")


def test_another_architecture_preset_is_refused(tmp_path):
    keras_hub.models.BertBackbone(vocabulary_size=50, num_layers=1, num_heads=2, hidden_dim=8,
                                  intermediate_dim=16, max_sequence_length=8
                                  ).save_to_preset(str(tmp_path))
    with pytest.raises(albert_keras.checkpoints.readers.CheckpointError, match="not ALBERT"):
        kh.load_model(None, str(tmp_path))
