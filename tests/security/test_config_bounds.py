"""AlbertConfig refuses sizes, numbers, labels and files no ALBERT has, before anything is built."""

import glob
import json
import os

import pytest

from albert_keras import AlbertConfig
from albert_keras.config import MAX_PARAMETERS, ConfigFileError, parameter_count
from albert_keras.presets import PRESETS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SMALL = {"vocab_size": 99, "embedding_size": 16, "hidden_size": 32, "num_hidden_layers": 2,
         "num_attention_heads": 4, "intermediate_size": 37, "max_position_embeddings": 23}


@pytest.mark.parametrize("overrides, message", [
    ({"hidden_size": 2**30, "num_attention_heads": 1},
     (r"this config has 5\.8e\+18 parameters \(.* PB in float32\); the limit is 1\.5e\+09 "
     r"\(6\.0 GB\); pass max_parameters=\d+ \(or None\)")),
    ({"vocab_size": 10**9}, r"1\.3e\+11 parameters \(516\.9 GB in float32\)"),
    ({"max_position_embeddings": 10**9}, r"1\.3e\+11 parameters"),
    ({"intermediate_size": 10**9}, r"parameters .* the limit is 1\.5e\+09"),
    ({"num_hidden_layers": 10**6}, r"num_hidden_layers=1000000 > 1024.*max_parameters=None"),
    ({"num_labels": 10**9}, r"num_labels=1000000000 > 1000000.*max_parameters=None"),
])
def test_oversized_configs_are_refused_with_their_size(overrides, message):
    with pytest.raises(ValueError, match=message):
        AlbertConfig(**overrides)


def test_the_size_check_needs_no_allocation():
    # 1e9 labels would be a billion-entry id2label dict; it is refused before that.
    with pytest.raises(ValueError, match="num_labels=1000000000"):
        AlbertConfig(num_labels=10**9, hidden_size=32, num_attention_heads=4)


def test_an_explicit_opt_out_builds_a_large_config():
    config = AlbertConfig(**dict(SMALL, vocab_size=10**9), max_parameters=None)
    assert config.vocab_size == 10**9 and config.max_parameters is None
    count = parameter_count(config)
    assert AlbertConfig(**dict(SMALL, vocab_size=10**9), max_parameters=count).vocab_size
    with pytest.raises(ValueError, match="the limit is 1e\\+06"):
        AlbertConfig(**dict(SMALL, vocab_size=10**9), max_parameters=10**6)
    assert "max_parameters" not in config.to_dict()
    with pytest.raises(ValueError, match="max_parameters must be a positive int or None"):
        AlbertConfig(max_parameters=-1)


def test_every_published_and_shipped_config_is_within_the_bounds():
    for name in PRESETS:
        assert parameter_count(AlbertConfig.from_preset(name)) < MAX_PARAMETERS / 6
    files = (glob.glob(os.path.join(ROOT, "tests/data/hf-tf-h5/*/*/config.json"))
             + glob.glob(os.path.join(ROOT, "albert_keras/assets/*/config.json")))
    assert len(files) >= 17
    for path in files:
        AlbertConfig.from_json_file(path)


@pytest.mark.parametrize("overrides, message", [
    ({"layer_norm_eps": float("nan")}, "layer_norm_eps=nan must be a finite number > 0"),
    ({"layer_norm_eps": float("inf")}, "layer_norm_eps=inf must be a finite number > 0"),
    ({"layer_norm_eps": 0.0}, "layer_norm_eps=0.0 must be a finite number > 0"),
    ({"layer_norm_eps": "1e-12"}, "layer_norm_eps='1e-12' must be a finite number"),
    ({"initializer_range": float("nan")}, "initializer_range=nan must be a finite number >= 0"),
    ({"initializer_range": -0.02}, "initializer_range=-0.02 must be a finite number >= 0"),
    ({"hidden_dropout_prob": float("nan")}, r"hidden_dropout_prob=nan must be a number in \[0, 1\)"),
    ({"attention_probs_dropout_prob": 1.0}, r"attention_probs_dropout_prob=1.0 must be"),
    ({"classifier_dropout_prob": "0.1"}, r"classifier_dropout_prob='0.1' must be a number"),
    ({"hidden_dropout_prob": True}, r"hidden_dropout_prob=True must be a number"),
    ({"hidden_act": ["gelu"]}, r"hidden_act=\['gelu'\] is not supported"),
    ({"vocab_size": 3.0e4}, "vocab_size must be a positive int, got 30000.0"),
    ({"hidden_size": True}, "hidden_size must be a positive int, got True"),
    ({"num_labels": 0}, "num_labels must be a positive int, got 0"),
    ({"num_labels": "2"}, "num_labels must be a positive int, got '2'"),
    ({"pad_token_id": -1}, "pad_token_id must be an int >= 0 or None, got -1"),
    ({"eos_token_id": 3.5}, "eos_token_id must be an int >= 0 or None, got 3.5"),
])
def test_invalid_numbers_name_the_field(overrides, message):
    with pytest.raises(ValueError, match=message):
        AlbertConfig(**overrides)


def test_numpy_integers_are_ints():
    import numpy as np

    config = AlbertConfig(**dict(SMALL, vocab_size=np.int64(99), num_labels=np.int32(3)))
    assert type(config.vocab_size) is int and config.num_labels == 3


@pytest.mark.parametrize("labels, message", [
    ({"id2label": {"abc": "x", "1": "y"}}, "id2label has 'abc', which is not a label id"),
    ({"id2label": {"-1": "x"}}, "id2label has '-1', which is not a label id"),
    ({"id2label": {"0": "x", 0: "y"}}, "id2label has label id 0 twice"),
    ({"id2label": {"0": "x", "5": "y"}}, (r"id2label has label id 5; with num_labels=2 the ids "
                                         r"are 0\.\.1")),
    ({"id2label": {"0": 1}}, r"id2label\['0'\] = 1 must be a string"),
    ({"id2label": ["a", "b"]}, "id2label must be a dict, got list"),
    ({"label2id": "a"}, "label2id must be a dict, got str"),
    ({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": "zero", "b": 1}},
     r"label2id\['a'\] has 'zero', which is not a label id"),
    ({"id2label": {"0": "a", "1": "b"}, "label2id": {"a": 0, "b": 7}},
     r"label2id\['b'\] = 7 >= num_labels 2"),
])
def test_labels_are_well_typed(labels, message):
    with pytest.raises(ValueError, match=message):
        AlbertConfig(**labels)


def test_label_ids_as_json_writes_them():
    config = AlbertConfig(id2label={"0": "neg", "1": "pos"}, label2id={"neg": "0", "pos": "1"})
    assert config.id2label == {0: "neg", 1: "pos"} and config.label2id == {"neg": 0, "pos": 1}
    # A num_labels override for a new head renames the labels, as transformers does.
    assert AlbertConfig(num_labels=3, id2label={"0": "neg", "1": "pos"}).id2label[2] == "LABEL_2"


@pytest.mark.parametrize("content, message", [
    (b"[1, 2, 3]", "holds a JSON list, not the JSON object of an ALBERT config"),
    (b'"albert"', "holds a JSON str"),
    (b"null", "holds a JSON NoneType"),
    (b"\xff\xfe\x00garbage\x80", "is not UTF-8 text"),
    (b'{"hidden_size": 768, "vocab', "is not valid JSON"),
    (b"[" * 100000 + b"]" * 100000, "is not valid JSON: nested too deeply"),
    (b'{"hidden_size": NaN}', "hidden_size must be a positive int, got nan"),
    (b'{"layer_norm_eps": NaN}', "layer_norm_eps=nan must be a finite number"),
    (b'{"id2label": {"abc": "x"}}', "id2label has 'abc'"),
    (b'{"hidden_size": 1e9}', "hidden_size must be a positive int, got 1000000000.0"),
])
def test_bad_config_files_name_their_path(tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_bytes(content)
    with pytest.raises(ConfigFileError, match=message) as caught:
        AlbertConfig.from_json_file(str(path))
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_from_dict_refuses_what_is_not_a_dict():
    with pytest.raises(ValueError, match="an ALBERT config is a dict .*, got list"):
        AlbertConfig.from_dict([("hidden_size", 768)])


def test_from_pretrained_checks_the_folder_and_keeps_the_opt_out(tmp_path):
    data = dict(AlbertConfig(**SMALL).to_dict(), vocab_size=10**9)
    (tmp_path / "config.json").write_text(json.dumps(data))
    with pytest.raises(ConfigFileError, match="config.json: this config has 1.7e\\+10"):
        AlbertConfig.from_pretrained(str(tmp_path))
    config = AlbertConfig.from_pretrained(str(tmp_path), max_parameters=None, num_labels=4)
    assert (config.vocab_size, config.num_labels) == (10**9, 4)
    (tmp_path / "config.json").write_bytes(b"\x00\x01binary")
    with pytest.raises(ConfigFileError, match="config.json"):
        AlbertConfig.from_pretrained(str(tmp_path))


def test_a_model_of_a_bad_dict_config_is_refused_before_building():
    from albert_keras import AlbertModel

    with pytest.raises(ValueError, match="layer_norm_eps=nan"):
        AlbertModel(dict(SMALL, layer_norm_eps=float("nan")))
    with pytest.raises(ValueError, match="this config has"):
        AlbertModel(dict(SMALL, hidden_size=2**30, num_attention_heads=1))


def test_the_bounds_keep_their_old_address():
    from albert_keras import config, config_bounds

    for name in ("MAX_PARAMETERS", "MAX_LAYERS", "MAX_LABELS", "MAX_CONFIG_BYTES",
                 "parameter_count"):
        assert getattr(config, name) is getattr(config_bounds, name), name
    assert config_bounds.format_bytes(4.5e12) == "4.5 TB"
    assert config_bounds.format_bytes(999) == "999 B"
