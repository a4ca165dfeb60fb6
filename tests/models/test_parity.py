"""Reference parity: every task model against transformers' PyTorch twin, every output to 1e-5."""

import pytest

from tests.conftest import ARCHITECTURES
from tests.helpers.reference import TORCH_TASKS, assert_matches_transformers


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("task", TORCH_TASKS)
def test_tiny_architectures_match_transformers(task, architecture, tmp_path):
    config = dict(ARCHITECTURES[architecture])
    if task == "AlbertForQuestionAnswering":
        config["num_labels"] = 2
    if task == "AlbertForPreTraining":
        config["num_labels"] = 2  # transformers' SOP loss views the logits as (-1, 2)
    assert_matches_transformers(task, config, tmp_path)


def _full_size(preset, **overrides):
    """A published architecture at full size, random weights (nothing is downloaded)."""
    from albert_keras import AlbertConfig

    data = AlbertConfig.from_preset(preset).to_dict()
    keep = ["vocab_size", "embedding_size", "hidden_size", "num_hidden_layers", "num_hidden_groups", "num_attention_heads", "intermediate_size", "inner_group_num", "hidden_act", "max_position_embeddings", "type_vocab_size", "layer_norm_eps"]
    return dict({k: data[k] for k in keep}, hidden_dropout_prob=0.0,
                attention_probs_dropout_prob=0.0, num_labels=2, **overrides)


@pytest.mark.parametrize("task", TORCH_TASKS)
def test_albert_base_v2_full_size_matches_transformers(task, tmp_path):
    assert_matches_transformers(task, _full_size("albert-base-v2"), tmp_path, atol=1e-5)


@pytest.mark.slow
@pytest.mark.parametrize("task", TORCH_TASKS)
def test_albert_large_v2_full_size_matches_transformers(task, tmp_path):
    assert_matches_transformers(task, _full_size("albert-large-v2"), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["albert-xlarge-v2", "albert-xxlarge-v2"])
@pytest.mark.parametrize("task", ["AlbertModel", "AlbertForMaskedLM"])
def test_xlarge_and_xxlarge_widths_match_transformers(task, preset, tmp_path):
    # Full width, reduced depth (2 layer applications) to keep the run within minutes.
    assert_matches_transformers(task, _full_size(preset, num_hidden_layers=2), tmp_path)


@pytest.mark.parametrize("head_mask_shape", ["per_layer", "shared"])
def test_head_mask_and_position_ids_match_transformers(head_mask_shape, tmp_path):
    import numpy as np

    import albert_keras
    from tests.conftest import TINY
    from tests.helpers.reference import (
        assert_outputs_close,
        hf_outputs,
        make_batch,
        our_outputs,
        random_hf_model,
    )

    reference = random_hf_model("AlbertModel", TINY)
    reference.save_pretrained(str(tmp_path))
    ours = albert_keras.AlbertModel.from_pretrained(str(tmp_path))
    inputs, _ = make_batch("AlbertModel", TINY)
    rng = np.random.default_rng(3)
    shape = ((TINY["num_hidden_layers"], TINY["num_attention_heads"])
             if head_mask_shape == "per_layer" else (TINY["num_attention_heads"],))
    extra = {"head_mask": (rng.random(shape) < 0.6).astype("float32"),
             "position_ids": np.tile(np.arange(2, 2 + inputs["input_ids"].shape[1]), (3, 1))}
    expected = hf_outputs(reference, {**inputs, **extra}, {})
    assert_outputs_close(our_outputs(ours, {**inputs, **extra}, {}), expected, 1e-5)
