"""Keras citizenship of every task model, and the transformers calling convention."""

import keras
import numpy as np
import pytest
import tensorflow as tf

import albert_keras
from albert_keras import AlbertConfig
from tests.conftest import TINY
from tests.helpers.contracts import check_task_model, to_numpy
from tests.helpers.reference import TORCH_TASKS, hf_outputs, make_batch, random_hf_model


def _config(task, **overrides):
    kwargs = dict(TINY, **overrides)
    if task in ("AlbertForQuestionAnswering", "AlbertForPreTraining"):
        kwargs["num_labels"] = 2
    return kwargs


@pytest.mark.parametrize("task", TORCH_TASKS[1:])
def test_keras_contract_and_fit(task, tmp_path):
    kwargs = _config(task)
    inputs, labels = make_batch(task, kwargs, batch=4, seq=8)
    _, losses = check_task_model(getattr(albert_keras, task), AlbertConfig(**kwargs), inputs,
                                 labels, tmp_path)
    assert losses[-1] < losses[0] * 1.5


def test_backbone_keras_contract(tmp_path):
    inputs, _ = make_batch("AlbertModel", TINY)
    model = albert_keras.AlbertModel(AlbertConfig(**TINY))
    path = str(tmp_path / "backbone.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    np.testing.assert_allclose(to_numpy(restored(**inputs).pooler_output),
                               to_numpy(model(**inputs).pooler_output), atol=1e-6)


def test_fit_learns_with_labels_inside_the_features_dict():
    """transformers' TF style: labels travel in the features dict, compile gets no loss."""
    keras.utils.set_random_seed(0)
    kwargs = _config("AlbertForSequenceClassification")
    inputs, labels = make_batch("AlbertForSequenceClassification", kwargs, batch=6, seq=8)
    model = albert_keras.AlbertForSequenceClassification(AlbertConfig(**kwargs))
    dataset = tf.data.Dataset.from_tensor_slices({**inputs, **labels}).batch(6).repeat()
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    initial = model.evaluate(dataset, steps=1, verbose=0)
    model.fit(dataset, steps_per_epoch=30, epochs=1, verbose=0)
    final = model.evaluate(dataset, steps=1, verbose=0)
    # It memorises 6 examples: measured final/initial 0.06-0.08 over seeds 0-5.
    assert final < initial / 4


def test_user_loss_and_metrics_apply_to_the_logits():
    kwargs = _config("AlbertForSequenceClassification")
    inputs, labels = make_batch("AlbertForSequenceClassification", kwargs, batch=4, seq=8)
    model = albert_keras.AlbertForSequenceClassification(AlbertConfig(**kwargs))
    model.compile(optimizer="adam",
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    result = model.evaluate(inputs, labels["labels"], verbose=0, return_dict=True)
    ours = to_numpy(model(**inputs, labels=labels["labels"]).loss)  # one per example
    np.testing.assert_allclose(result["loss"], np.mean(ours), rtol=1e-5)
    assert 0.0 <= result["accuracy"] <= 1.0
    predictions = model.predict(inputs, verbose=0)
    assert predictions["logits"].shape == (4, 3)


def test_return_dict_false_is_transformers_tuple_order(tmp_path):
    kwargs = _config("AlbertForPreTraining")
    reference = random_hf_model("AlbertForPreTraining", kwargs)
    reference.save_pretrained(str(tmp_path))
    ours = albert_keras.AlbertForPreTraining.from_pretrained(str(tmp_path))
    inputs, labels = make_batch("AlbertForPreTraining", kwargs)
    import torch

    with torch.no_grad():
        theirs = reference(**{k: torch.as_tensor(v) for k, v in {**inputs, **labels}.items()},
                           return_dict=False)
    got = ours(**inputs, **labels, return_dict=False)
    assert isinstance(got, tuple) and len(got) == len(theirs) == 3
    for a, b in zip(got, theirs):
        np.testing.assert_allclose(to_numpy(a), b.numpy(), atol=1e-5)


@pytest.mark.parametrize("problem_type, num_labels", [
    ("regression", 1), ("regression", 3), ("multi_label_classification", 3),
    ("single_label_classification", 3)])
def test_sequence_classification_losses_match_transformers(problem_type, num_labels, tmp_path):
    kwargs = dict(TINY, problem_type=problem_type, num_labels=num_labels)
    task = "AlbertForSequenceClassification"
    reference = random_hf_model(task, kwargs)
    reference.save_pretrained(str(tmp_path))
    ours = albert_keras.AlbertForSequenceClassification.from_pretrained(str(tmp_path))
    inputs, labels = make_batch(task, kwargs)
    expected = hf_outputs(reference, inputs, labels)["loss"]
    loss = to_numpy(ours(**inputs, **labels).loss)
    assert loss.shape == (3,)  # one per example, as transformers' TF head
    np.testing.assert_allclose(np.mean(loss), expected, atol=1e-5)


def test_ignored_labels_do_not_count():
    config = AlbertConfig(**TINY)
    model = albert_keras.AlbertForTokenClassification(config)
    inputs, labels = make_batch("AlbertForTokenClassification", TINY)
    tags = labels["labels"]
    loss = float(model(**inputs, labels=tags).loss[0])
    changed = tags.copy()
    changed[:, 0] = -100  # already ignored there; now also ignore column 1
    changed[:, 1] = -100
    assert float(model(**inputs, labels=changed).loss[0]) != loss
    logits = to_numpy(model(**inputs).logits)
    keep = tags != -100
    log_probs = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
    manual = -np.take_along_axis(log_probs, np.where(keep, tags, 0)[..., None], -1)[..., 0]
    np.testing.assert_allclose(loss, manual[keep].mean(), rtol=1e-5)


def test_tfalbert_aliases_are_the_same_classes():
    for task in TORCH_TASKS:
        assert getattr(albert_keras, "TF" + task) is getattr(albert_keras, task)


def test_outputs_support_attribute_and_key_access():
    model = albert_keras.AlbertModel(AlbertConfig(**TINY))
    out = model(np.array([[5, 6, 7]]))
    assert out.last_hidden_state is out["last_hidden_state"]
    assert out.hidden_states is None and "hidden_states" not in out


@pytest.mark.parametrize("call, message", [
    ({"input_ids": np.array([[5, 99, 7]])}, "token id 99 >= vocab_size 99"),
    ({"input_ids": np.array([[5, -1, 7]])}, "token id -1 < 0"),
    ({"input_ids": np.array([[5, 6]]), "token_type_ids": np.array([[0, 2]])},
     "token type id 2 >= type_vocab_size 2"),
    ({"input_ids": np.ones((1, 24), "int32")}, "sequence length 24 > max_position_embeddings 23"),
    ({"input_ids": np.array([[1.0, 2.0]])}, "input_ids must be an integer tensor"),
    ({}, "Specify exactly one of input_ids and inputs_embeds"),
    ({"input_ids": np.array([[5]]), "start_positions": np.array([1])},
     "unexpected argument\\(s\\) \\['start_positions'\\]"),
])
def test_bad_inputs_raise_clear_errors(call, message):
    model = albert_keras.AlbertForSequenceClassification(AlbertConfig(**TINY))
    with pytest.raises((ValueError, TypeError), match=message):
        model(**call)


def test_unknown_feature_in_dict_is_named():
    model = albert_keras.AlbertModel(AlbertConfig(**TINY))
    with pytest.raises(ValueError, match=r"Unknown input\(s\) \['segment_ids'\]"):
        model({"input_ids": np.array([[5]]), "segment_ids": np.array([[0]])})


def test_inputs_embeds_equals_looking_up_the_ids():
    model = albert_keras.AlbertModel(AlbertConfig(**TINY))
    ids = np.array([[5, 6, 7, 8]])
    embeds = to_numpy(model.embeddings.word_embeddings(ids))
    np.testing.assert_allclose(to_numpy(model(inputs_embeds=embeds).last_hidden_state),
                               to_numpy(model(ids).last_hidden_state), atol=1e-6)


def test_dropout_is_active_only_in_training():
    config = AlbertConfig(**dict(TINY, hidden_dropout_prob=0.3))
    model = albert_keras.AlbertModel(config)
    ids = np.array([[5, 6, 7, 8]])
    a, b = model(ids).last_hidden_state, model(ids).last_hidden_state
    np.testing.assert_array_equal(to_numpy(a), to_numpy(b))
    t = model(ids, training=True).last_hidden_state
    assert not np.allclose(to_numpy(t), to_numpy(a))


@pytest.mark.slow  # float16 matmuls are emulated on CPU: about a minute
def test_mixed_precision_trains_and_keeps_its_policy(tmp_path):
    config = AlbertConfig(**TINY)
    inputs, labels = make_batch("AlbertForSequenceClassification", TINY, batch=4, seq=8)
    model = albert_keras.AlbertForSequenceClassification(config, dtype="mixed_float16")
    assert model.albert.embeddings.word_embeddings.embeddings.dtype == "float32"
    assert model(**inputs).logits.dtype == tf.float16
    model.compile(optimizer="adam")
    history = model.fit(tf.data.Dataset.from_tensor_slices((inputs, labels)).batch(2),
                        epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    model.save(str(tmp_path / "mixed.keras"))
    assert keras.saving.load_model(str(tmp_path / "mixed.keras")).dtype_policy.name == \
        "mixed_float16"
