"""`albert-keras convert`: every destination format, one-line errors, untouched destinations."""

import os
import pathlib
import subprocess
import sys

import pytest

from albert_keras.cli import main
from tests.checkpoints import fixtures
from tests.conftest import TINY
from tests.helpers.reference import assert_outputs_close, hf_outputs, make_batch, random_hf_model

PRETRAINING = dict(TINY, num_labels=2)
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def release(tmp_path_factory, spiece_model):
    """A Google-style release: checkpoint with LAMB slots, albert_config.json, 30k-clean.model."""
    reference = random_hf_model("AlbertForPreTraining", PRETRAINING)
    folder = tmp_path_factory.mktemp("release")
    tensors = fixtures.tf1_tensors(reference, "AlbertForPreTraining", PRETRAINING)
    fixtures.write_google_release(str(folder), fixtures.with_optimizer_state(tensors),
                                  PRETRAINING)
    (folder / "30k-clean.model").write_bytes(pathlib.Path(spiece_model).read_bytes())
    return reference, folder


def test_google_release_to_hf_loads_in_transformers(release, tmp_path, capsys):
    import transformers

    reference, folder = release
    dst = tmp_path / "hf"

    assert main(["convert", str(folder), str(dst), "--task", "AlbertForPreTraining"]) == 0

    out = capsys.readouterr().out
    assert f"Reading {folder} (tf1)" in out and f"Done: {dst}" in out
    assert "Loaded 80 weights; new 0; ignored 161" in out  # 2 x 80 optimizer slots + global_step
    assert sorted(os.listdir(dst)) == ["config.json", "model.safetensors",
                                       "special_tokens_map.json", "spiece.model",
                                       "tokenizer_config.json"]
    theirs = transformers.AlbertForPreTraining.from_pretrained(dst).eval()
    inputs, labels = make_batch("AlbertForPreTraining", PRETRAINING)
    assert_outputs_close(hf_outputs(theirs, inputs, labels),
                         hf_outputs(reference, inputs, labels), atol=1e-5)


def test_keras_hub_and_keras_destinations_round_trip(release, tmp_path):
    import keras_hub
    import numpy as np

    import albert_keras

    _, folder = release
    preset, keras_file, back = tmp_path / "preset", tmp_path / "m.keras", tmp_path / "hf"

    assert main(["convert", str(folder), str(preset), "--to", "keras-hub", "--task",
                 "fill-mask"]) == 0
    assert main(["convert", str(preset), str(keras_file)]) == 0
    assert main(["convert", str(keras_file), str(back)]) == 0

    masked_lm = keras_hub.models.AlbertMaskedLM.from_preset(str(preset))
    assert masked_lm.preprocessor is not None  # the release's 30k-clean.model came along
    first = albert_keras.checkpoints.load(str(folder), task="fill-mask")
    last = albert_keras.AlbertForMaskedLM.from_pretrained(str(back))
    for a, b in zip(first.weights, last.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_truncated_checkpoint_is_one_line_and_leaves_no_destination(release, tmp_path, capsys):
    _, folder = release
    broken = tmp_path / "broken"
    broken.mkdir()
    for name in os.listdir(folder):
        data = (folder / name).read_bytes()
        (broken / name).write_bytes(data[: len(data) // 2] if ".data-" in name else data)
    dst = tmp_path / "out"

    assert main(["convert", str(broken), str(dst)]) == 1

    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("albert-keras convert: error: ")
    assert "data-00000-of-00001" in err[0] and "truncated or corrupt" in err[0]
    assert not dst.exists()
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".out")]  # no temp leftovers


def test_shapes_that_disagree_with_the_config_leave_the_destination_unchanged(release, tmp_path,
                                                                                capsys):
    import json

    _, folder = release
    wrong = tmp_path / "wrong.json"
    config = json.loads((folder / "albert_config.json").read_text())
    wrong.write_text(json.dumps(dict(config, intermediate_size=41)))
    dst = tmp_path / "out"
    dst.mkdir()
    (dst / "config.json").write_text("keep me")

    code = main(["convert", str(folder), str(dst), "--config", str(wrong), "--overwrite"])

    assert code == 1
    err = capsys.readouterr().err
    assert "shape mismatches" in err and "Traceback" not in err
    assert os.listdir(dst) == ["config.json"] and (dst / "config.json").read_text() == "keep me"


def test_existing_destination_needs_overwrite_and_verbose_shows_the_traceback(tmp_path, capsys):
    (tmp_path / "dst").mkdir()
    (tmp_path / "dst" / "x").write_text("x")
    assert main(["convert", str(tmp_path / "missing"), str(tmp_path / "dst")]) == 1
    assert "exists; pass --overwrite" in capsys.readouterr().err
    assert main(["convert", str(tmp_path / "missing"), str(tmp_path / "d2"), "--verbose"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" in err and err.strip().splitlines()[-1].endswith("is not a Hugging Face "
                                                                       "hub name)")


def test_usage_errors_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["convert", "only-src"])
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit):
        main(["convert", "a", "b", "--to", "onnx"])
    assert "invalid choice: 'onnx'" in capsys.readouterr().err


def test_python_dash_m_in_a_fresh_process(release, tmp_path):
    _, folder = release
    dst = tmp_path / "hf"
    env = dict(os.environ, PYTHONPATH=REPO, TF_CPP_MIN_LOG_LEVEL="3")

    done = subprocess.run([sys.executable, "-m", "albert_keras.cli", "convert", str(folder),
                           str(dst), "--task", "fill-mask"], capture_output=True, text=True,
                          env=env, cwd=str(tmp_path), timeout=300, check=False)

    assert done.returncode == 0, done.stderr
    assert "Done:" in done.stdout and (dst / "model.safetensors").is_file()
    failed = subprocess.run([sys.executable, "-m", "albert_keras.cli", "convert",
                             str(tmp_path / "nothing"), str(tmp_path / "x")],
                            capture_output=True, text=True, env=env, timeout=300, check=False)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr


def test_overwrite_replaces_the_destination_as_a_whole(tmp_path):
    """Another model's spiece.model and .bin must not stay beside the new weights."""
    source = tmp_path / "source"
    random_hf_model("AlbertForMaskedLM", TINY).save_pretrained(str(source))
    dst = tmp_path / "dst"
    dst.mkdir()
    for name in ("spiece.model", "pytorch_model.bin", "config.json"):
        (dst / name).write_bytes(b"another model")
    assert main(["convert", str(source), str(dst)]) == 1  # refused without --overwrite
    assert (dst / "spiece.model").read_bytes() == b"another model"
    assert main(["convert", str(source), str(dst), "--overwrite"]) == 0
    assert sorted(os.listdir(dst)) == ["config.json", "model.safetensors"]
    assert sorted(os.listdir(tmp_path)) == ["dst", "source"]
