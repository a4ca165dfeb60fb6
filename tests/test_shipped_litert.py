"""The shipped LiteRT files answer as the shipped Keras models do, and the commands run on them
quietly, without TensorFlow, in a fresh process."""

import json
import os
import subprocess
import sys

import pytest

from albert_keras import pipeline
from albert_keras.shipped import DEFAULT_MODELS, SHIPPED_MODELS, litert_path, shipped_path

DATA = os.path.join(os.path.dirname(__file__), "data")


def _sentences(count):
    with open(os.path.join(DATA, "sst2", "dev.tsv"), encoding="utf-8") as handle:
        return [line.split("\t")[0].strip() for line in list(handle)[1:count + 1]]


def _masked(count):
    """Held-out Wikipedia sentences with their fourth word masked."""
    with open(os.path.join(DATA, "enwiki_heldout_sample.txt"), encoding="utf-8") as handle:
        lines = [line.split() for line in handle if len(line.split()) > 6][:count]
    return [" ".join(words[:3] + ["[MASK]"] + words[4:]) for words in lines]


def _questions(count):
    found = []
    with open(os.path.join(DATA, "squad_dev_sample.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            article = json.loads(line)
            found.append({"question": article["qas"][0]["question"],
                          "context": article["context"]})
            if len(found) == count:
                return found
    return found


CASES = {"fill-mask": lambda: _masked(12), "text-classification": lambda: _sentences(48),
         "question-answering": lambda: _questions(8)}


def test_every_shipped_model_has_its_litert_file():
    assert set(DEFAULT_MODELS.values()) <= set(SHIPPED_MODELS)
    for name in SHIPPED_MODELS:
        assert litert_path(name) is not None, f"run scripts/export_shipped_litert.py {name}"
        with open(litert_path(name), "rb") as handle:
            assert handle.read(8)[4:8] == b"TFL3"


@pytest.mark.parametrize("task", sorted(CASES))
def test_litert_file_gives_the_keras_models_labels_and_scores(task):
    name = DEFAULT_MODELS[task]
    fast, keras = pipeline(task, litert_path(name)), pipeline(task, shipped_path(name))
    for item in CASES[task]():
        got, expected = fast(item), keras(item)
        rows = lambda r: r if isinstance(r, list) else [r]
        for g, e in zip(rows(got), rows(expected), strict=True):
            assert {k: v for k, v in g.items() if k != "score"} == \
                   {k: v for k, v in e.items() if k != "score"}, item
            assert g["score"] == pytest.approx(e["score"], abs=1e-5), item


COMMANDS = [["fill-mask", "The capital of France is [MASK]."],
            ["classify", "a gripping, beautifully acted film"],
            ["answer", "Who wrote it?", "The novel was written by Ada Lovelace in 1843."]]
_FRESH = ("import sys\nfrom albert_keras.cli import main\ncode = main(sys.argv[1:])\n"
          "print('tensorflow imported:', 'tensorflow' in sys.modules)\nsys.exit(code)\n")


def _fresh_cli(argv):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TF_CPP", "ALBERT_KERAS_VERBOSE"))}
    return subprocess.run([sys.executable, "-c", _FRESH, *argv], check=False, capture_output=True,
                          text=True, timeout=300, env=dict(env, HF_HUB_OFFLINE="1"))


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda argv: argv[0])
def test_commands_on_shipped_models_run_on_litert_quietly(argv):
    result = _fresh_cli(argv)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "tensorflow imported: False" in result.stdout


def test_keras_path_prints_no_native_log_lines():
    result = _fresh_cli(["classify", "--model", shipped_path("albert-tiny-en-sst2"), "a dull mess"])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "negative" in result.stdout and "tensorflow imported: True" in result.stdout


def test_verbose_shows_the_native_lines():
    result = _fresh_cli(["classify", "--verbose", "a dull mess"])
    assert result.returncode == 0, result.stderr
    assert "LiteRT" in result.stderr or "accelerator" in result.stderr.lower()
