"""AlbertConfig: transformers' fields and defaults, presets, validation, config.json I/O."""

import dataclasses
import json

import pytest
import transformers

from albert_keras import AlbertConfig
from albert_keras.presets import PRESETS


def test_every_field_and_default_equals_transformers():
    theirs = transformers.AlbertConfig()
    for field in dataclasses.fields(AlbertConfig):
        assert hasattr(theirs, field.name), field.name
        assert getattr(AlbertConfig(), field.name) == getattr(theirs, field.name), field.name


def _parameter_count(c):
    """Independent count of ALBERT's parameters from the paper's architecture."""
    H, E, I, V = c.hidden_size, c.embedding_size, c.intermediate_size, c.vocab_size
    embeddings = (V + c.max_position_embeddings + c.type_vocab_size) * E + 2 * E + E * H + H
    layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H
    return embeddings + c.num_hidden_groups * c.inner_group_num * layer + H * H + H


# Table 1 of arXiv:1909.11942: 12M, 18M, 60M, 235M parameters. The paper counts more
# loosely than the backbone alone (xxlarge's backbone is 222.6M), hence the 6% bound,
# still far tighter than the 1.5x or more between neighbouring sizes.
@pytest.mark.parametrize("name, millions", [
    ("albert-base-v1", 12), ("albert-large-v1", 18), ("albert-xlarge-v1", 60),
    ("albert-xxlarge-v1", 235), ("albert-base-v2", 12), ("albert-large-v2", 18),
    ("albert-xlarge-v2", 60), ("albert-xxlarge-v2", 235)])
def test_presets_have_the_published_sizes(name, millions):
    config = AlbertConfig.from_preset(name)
    assert abs(_parameter_count(config) / 1e6 - millions) / millions < 0.06
    assert config.hidden_act == ("gelu_new" if name.endswith("v2") else "gelu")
    assert config.hidden_size // config.num_attention_heads in (64, 128)


def test_preset_names():
    assert len(PRESETS) == 8
    with pytest.raises(ValueError, match="Unknown ALBERT preset 'albert-huge'"):
        AlbertConfig.from_preset("albert-huge")


def test_config_json_round_trips_through_transformers(tmp_path):
    config = AlbertConfig.from_preset("albert-base-v2", num_labels=3,
                                      id2label={0: "neg", 1: "neu", 2: "pos"})
    config.save_pretrained(str(tmp_path))
    theirs = transformers.AlbertConfig.from_pretrained(str(tmp_path))
    assert theirs.hidden_size == 768 and theirs.id2label == {0: "neg", 1: "neu", 2: "pos"}
    theirs.save_pretrained(str(tmp_path / "back"))
    assert AlbertConfig.from_json_file(str(tmp_path / "back" / "config.json")) == config


def test_reads_google_albert_config_json(tmp_path):
    google = {"attention_probs_dropout_prob": 0, "hidden_act": "gelu", "hidden_dropout_prob": 0,
              "embedding_size": 128, "hidden_size": 768, "initializer_range": 0.02,
              "intermediate_size": 3072, "max_position_embeddings": 512,
              "num_attention_heads": 12, "num_hidden_layers": 12, "num_hidden_groups": 1,
              "net_structure_type": 0, "gap_size": 0, "num_memory_blocks": 0,
              "inner_group_num": 1, "down_scale_factor": 1, "type_vocab_size": 2,
              "vocab_size": 30000}
    path = tmp_path / "albert_config.json"
    path.write_text(json.dumps(google))
    config = AlbertConfig.from_json_file(str(path))
    assert (config.hidden_size, config.hidden_act, config.vocab_size) == (768, "gelu", 30000)


@pytest.mark.parametrize("kwargs, message", [
    ({"hidden_size": 30, "num_attention_heads": 4},
     "hidden_size=30 must be divisible by num_attention_heads=4"),
    ({"num_hidden_layers": 12, "num_hidden_groups": 5},
     "num_hidden_layers=12 must be divisible by num_hidden_groups=5"),
    ({"hidden_act": "gelu_newest"}, "hidden_act='gelu_newest' is not supported"),
    ({"vocab_size": 0}, "vocab_size must be a positive int"),
    ({"hidden_dropout_prob": 1.5}, "hidden_dropout_prob=1.5"),
    ({"problem_type": "ranking"}, "problem_type='ranking'"),
    ({"position_embedding_type": "relative_key"}, "position_embedding_type='relative_key'"),
])
def test_invalid_configs_name_the_field(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("[", r"\[")):
        AlbertConfig(**kwargs)


def test_labels_follow_transformers():
    config = AlbertConfig(id2label={"0": "a", "1": "b", "2": "c"})
    assert config.num_labels == 3 and config.label2id == {"a": 0, "b": 1, "c": 2}
    assert AlbertConfig(num_labels=4).id2label[3] == "LABEL_3"


def test_missing_config_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="config.json"):
        AlbertConfig.from_json_file(str(tmp_path / "config.json"))
