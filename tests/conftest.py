"""Shared fixtures: tiny odd-sized configs whose every dimension differs, so a swap fails."""

import os

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub

# Before anything imports TensorFlow, as in a user's program: albert_keras then sets TensorFlow's
# oneDNN default (albert_keras/__init__.py), so the parity tests run on the kernels users get.
import albert_keras  # noqa: F401

# vocab 99, E 16, H 32, heads 4 (head 8), intermediate 37, 4 layers in 2 groups x 2 inner.
TINY = {"vocab_size": 99, "embedding_size": 16, "hidden_size": 32, "num_hidden_layers": 4,
        "num_hidden_groups": 2, "inner_group_num": 2, "num_attention_heads": 4,
        "intermediate_size": 37, "max_position_embeddings": 23, "type_vocab_size": 2,
        "hidden_act": "gelu_new", "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "num_labels": 3}

ARCHITECTURES = {
    "groups2x2": TINY,
    "e_equals_h": dict(TINY, embedding_size=32, num_hidden_layers=3, num_hidden_groups=1,
                       inner_group_num=1, hidden_act="gelu"),
    "single_layer": dict(TINY, num_hidden_layers=1, num_hidden_groups=1, inner_group_num=1,
                         hidden_act="relu", num_attention_heads=2),
}


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state, so a learning test cannot flake."""
    import keras

    keras.utils.set_random_seed(0)


@pytest.fixture
def tiny_config_kwargs():
    return dict(TINY)
