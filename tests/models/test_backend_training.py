"""Training on the current Keras backend (tests/test_backends.py runs this on JAX and torch too)."""

import csv
import os

import keras
import numpy as np
import pytest

import albert_keras
from albert_keras import AlbertConfig
from tests.conftest import REPO, TINY
from tests.helpers.contracts import to_numpy
from tests.helpers.reference import make_batch


def test_runs_on_the_backend_keras_was_asked_for():
    assert keras.backend.backend() == os.environ.get("KERAS_BACKEND", "tensorflow")


@pytest.mark.parametrize("task", ["AlbertForSequenceClassification", "AlbertForPreTraining"])
def test_one_optimizer_step_moves_every_trainable_variable(task):
    kwargs = dict(TINY, num_labels=2)
    inputs, labels = make_batch(task, kwargs, batch=4, seq=8)
    model = getattr(albert_keras, task)(AlbertConfig(**kwargs))
    model.compile(optimizer=keras.optimizers.SGD(0.1))  # no loss: the task's own
    before = [to_numpy(v).copy() for v in model.trainable_variables]
    model.train_on_batch(inputs, labels)
    still = [v.path for v, b in zip(model.trainable_variables, before)
             if np.array_equal(to_numpy(v), b)]
    assert not still, f"one step left these untrained: {still}"
    names = " ".join(v.path for v in model.trainable_variables)
    for embedding in ("word_embeddings", "position_embeddings", "token_type_embeddings"):
        assert embedding in names  # so the check above covered them


def _sst2_sample(count=64, length=24):
    """The first SST-2 training sentences, tokenized by the shipped albert-tiny-en tokenizer."""
    path = REPO / "tests" / "data" / "sst2" / "train.tsv"
    with open(path, encoding="utf-8") as file:
        rows = list(csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE))[:count]
    tokenizer = albert_keras.AlbertTokenizer.from_pretrained("albert-tiny-en")
    encoded = tokenizer([row["text"] for row in rows], padding="max_length", truncation=True,
                        max_length=length, return_tensors="np")
    features = {k: encoded[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
    return features, np.array([int(row["label"]) for row in rows]), tokenizer.vocab_size


def test_fit_without_a_loss_learns_sst2_sentences_under_default_compilation():
    """compile() with no loss and the backend's default jit_compile ("auto": XLA on JAX)."""
    features, labels, vocab = _sst2_sample()
    assert 0.3 < labels.mean() < 0.7  # both classes present
    model = albert_keras.AlbertForSequenceClassification(AlbertConfig(
        vocab_size=vocab, embedding_size=16, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=37, max_position_embeddings=24,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, num_labels=2))
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    initial = model.evaluate(features, labels, batch_size=64, verbose=0)
    history = model.fit(features, labels, batch_size=8, epochs=8, verbose=0)
    final = model.evaluate(features, labels, batch_size=64, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    # From ln 2 it memorises the 64 sentences: measured final/initial 0.1-0.2 on the 3 backends.
    assert final < initial / 2, (initial, history.history["loss"], final)
