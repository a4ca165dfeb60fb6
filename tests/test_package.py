"""`import albert_keras` is light: public names load their modules on first use."""

import subprocess
import sys

import pytest

import albert_keras


def _fresh(code):
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_import_loads_no_tensorflow_until_a_model_is_used():
    loaded = ("print(sorted({'tensorflow', 'keras', 'tensorflow_text', 'keras_hub'}"
              " & set(sys.modules)) or 'none')")
    code = ("import sys\nimport albert_keras\n" + loaded + "\n"
            "from albert_keras import AlbertConfig, AlbertTokenizer, pipeline\n"
            "AlbertConfig(hidden_act='gelu_new')\n" + loaded + "\n"
            "albert_keras.AlbertModel\n" + loaded + "\n")
    assert _fresh(code) == ["none", "none", "['keras',", "'tensorflow']"]


def test_every_public_name_resolves_to_its_class():
    from albert_keras import models

    for name in albert_keras.__all__:
        assert getattr(albert_keras, name) is not None, name
    assert albert_keras.TFAlbertForMaskedLM is models.AlbertForMaskedLM
    assert albert_keras.AlbertModel is models.AlbertModel
    assert set(albert_keras.__all__) <= set(dir(albert_keras))


def test_subpackages_are_attributes_and_unknown_names_are_attribute_errors():
    assert albert_keras.metrics.squad.__name__ == "albert_keras.metrics.squad"
    with pytest.raises(AttributeError, match="has no attribute 'AlbertForSummarization'"):
        albert_keras.AlbertForSummarization  # noqa: B018


def test_config_rejects_an_unknown_activation_without_keras():
    with pytest.raises(ValueError, match="hidden_act='gelu_fancy' is not supported"):
        albert_keras.AlbertConfig(hidden_act="gelu_fancy")
