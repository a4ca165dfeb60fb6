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


@pytest.fixture(scope="module")
def converted_keras_file(tmp_path_factory):
    """`albert-keras convert albert-tiny-en-sst2 model.keras`, as a user runs it."""
    from albert_keras import cli

    path = tmp_path_factory.mktemp("convert") / "model.keras"
    assert cli.main(["convert", "albert-tiny-en-sst2", str(path)]) == 0
    return path


@pytest.mark.parametrize("order", ["import albert_keras, keras", "import keras, albert_keras"])
def test_a_converted_keras_file_loads_in_a_fresh_process(converted_keras_file, order):
    code = (f"{order}\nmodel = keras.models.load_model({str(converted_keras_file)!r})\n"
            "print(type(model).__name__)")
    assert _fresh(code)[-1] == "AlbertForSequenceClassification"


def test_a_converted_keras_file_has_the_default_permissions(converted_keras_file):
    import os

    umask = os.umask(0)
    os.umask(umask)
    assert converted_keras_file.stat().st_mode & 0o777 == 0o666 & ~umask


def test_the_demo_names_each_untrained_head_once(capsys, caplog):
    from albert_keras import demo

    assert demo.main(["--model", "albert-tiny-en"]) == 0
    said = capsys.readouterr()
    text = said.out + said.err + caplog.text
    assert text.count("qa_outputs.weight") == 1  # one QA model
    assert text.count("classifier.weight") == 3  # sequence, token and multiple-choice heads


def test_building_the_package_keeps_the_shipped_models_without_a_setuptools_warning(tmp_path):
    """setuptools printed a 40-line "Package would be ignored" warning for albert_keras.assets."""
    import os
    import shutil

    root = os.path.join(os.path.dirname(__file__), "..")
    source = tmp_path / "source"
    shutil.copytree(os.path.join(root, "albert_keras"), source / "albert_keras",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("setup.py", "README.md", "pyproject.toml"):
        shutil.copy(os.path.join(root, name), source / name)
    done = subprocess.run([sys.executable, "setup.py", "build_py", "--build-lib",
                           str(tmp_path / "lib")], cwd=source, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "would be ignored" not in done.stdout + done.stderr
    from albert_keras.shipped import SHIPPED_MODELS

    for name in SHIPPED_MODELS:
        built = tmp_path / "lib" / "albert_keras" / "assets" / name
        assert {"config.json", "model.safetensors", "spiece.model"} <= set(os.listdir(built))
        assert list((built / "litert").glob("*.tflite")), name
