"""Each ALBERT block: config round trip and shapes (numerics are covered by tests/models/test_parity.py)."""

import numpy as np
import pytest

from albert_keras.layers import (
    AlbertAttention,
    AlbertEmbeddings,
    AlbertLayer,
    AlbertLayerGroup,
    AlbertMLMHead,
    AlbertPooler,
    AlbertSOPHead,
    AlbertTransformer,
)
from tests.helpers.contracts import check_layer, to_numpy

X = np.random.default_rng(0).normal(size=(3, 7, 32)).astype("float32")
LAYER = {"hidden_size": 32, "num_attention_heads": 4, "intermediate_size": 37,
         "hidden_act": "gelu_new"}


def test_embeddings():
    ids = np.array([[5, 6, 7, 98, 0, 1, 2]] * 3)
    check_layer(AlbertEmbeddings, {"vocab_size": 99, "embedding_size": 16, "hidden_size": 32,
                                   "max_position_embeddings": 23, "type_vocab_size": 2},
                (ids,), (3, 7, 32))


def test_attention_probabilities_are_a_distribution():
    layer = check_layer(AlbertAttention, {"hidden_size": 32, "num_attention_heads": 4}, (X,),
                        (3, 7, 32))
    mask = np.zeros((3, 1, 1, 7), "float32")
    mask[..., -2:] = np.finfo("float32").min
    _, probs = layer(X, attention_mask=mask)
    probs = to_numpy(probs)
    assert probs.shape == (3, 4, 7, 7)
    np.testing.assert_allclose(probs.sum(-1), 1.0, atol=1e-5)
    assert np.all(probs[..., -2:] == 0.0)  # masked keys get no weight


def test_attention_rejects_indivisible_heads():
    with pytest.raises(ValueError, match="hidden_size=30 must be divisible"):
        AlbertAttention(hidden_size=30, num_attention_heads=4)


def test_albert_layer():
    check_layer(AlbertLayer, LAYER, (X,), (3, 7, 32))


def test_layer_group_runs_every_inner_layer():
    group = check_layer(AlbertLayerGroup, dict(inner_group_num=3, **LAYER), (X,), (3, 7, 32))
    assert len(group.albert_layers) == 3


def test_shared_encoder_maps_layers_to_groups_like_transformers():
    encoder = check_layer(AlbertTransformer, dict(num_hidden_layers=6, num_hidden_groups=3,
                                                  inner_group_num=2, **LAYER), (X,), (3, 7, 32))
    # transformers: group_idx = int(i / (num_hidden_layers / num_hidden_groups))
    assert [encoder.group_index(i) for i in range(6)] == [int(i / (6 / 3)) for i in range(6)]
    _, states, attentions = encoder(X)
    assert len(states) == 7 and len(attentions) == 12
    assert len(encoder.trainable_weights) == 3 * 2 * 16  # 3 groups x 2 layers, shared


def test_pooler_reads_the_first_position():
    pooler = check_layer(AlbertPooler, {"hidden_size": 32}, (X,), (3, 32))
    changed = X.copy()
    changed[:, 1:] += 5.0
    np.testing.assert_allclose(to_numpy(pooler(changed)), to_numpy(pooler(X)))


def test_mlm_head_uses_the_given_table():
    table = np.random.default_rng(1).normal(size=(99, 16)).astype("float32")
    head = check_layer(AlbertMLMHead, {"vocab_size": 99, "embedding_size": 16, "hidden_size": 32,
                                       "hidden_act": "gelu_new"}, (X, table), (3, 7, 99))
    assert [w.name for w in head.weights].count("bias") == 2  # dense bias + output bias
    assert all(w.shape != (99, 16) for w in head.weights)  # the table is not owned


def test_sop_head():
    check_layer(AlbertSOPHead, {"hidden_size": 32}, (X[:, 0],), (3, 2))


def test_every_weight_draws_its_own_random_values():
    # A shared unseeded Keras initializer repeats one draw: query = key = value before.
    from albert_keras import AlbertConfig, AlbertModel

    model = AlbertModel(AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
                                     num_attention_heads=4, intermediate_size=37,
                                     num_hidden_layers=2, max_position_embeddings=23))
    kernels = [to_numpy(w).ravel()[:16] for w in model.weights if to_numpy(w).std() > 0]
    firsts = {tuple(np.round(k, 7)) for k in kernels}
    assert len(firsts) == len(kernels)


def test_layer_norm_is_keras_and_its_neg_free_form_is_within_1e_6():
    import keras

    from albert_keras.layers.layer_norm import LayerNorm

    rng = np.random.default_rng(1)
    x = (rng.normal(size=(3, 7, 32)) * 4 + 2).astype("float32")
    ours, theirs = LayerNorm(epsilon=1e-12), keras.layers.LayerNormalization(epsilon=1e-12)
    ours.build(x.shape)
    theirs.build(x.shape)
    weights = [rng.normal(1, 0.3, 32).astype("float32"), rng.normal(0, 0.5, 32).astype("float32")]
    ours.set_weights(weights)
    theirs.set_weights(weights)
    assert [w.name for w in ours.weights] == ["gamma", "beta"]
    np.testing.assert_array_equal(to_numpy(ours(x)), to_numpy(theirs(x)))
    ours.subtract_mean_first = True
    np.testing.assert_allclose(to_numpy(ours(x)), to_numpy(theirs(x)), rtol=0, atol=1e-6)
    check_layer(LayerNorm, {"epsilon": 1e-12}, (x,), (3, 7, 32))
