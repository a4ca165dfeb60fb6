"""The reproduce commands on the shipped models' cards are valid for their scripts."""

import importlib.util
import json
import os
import shlex

import pytest

from albert_keras.shipped import ASSETS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _script(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "scripts", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model, script", [("albert-tiny-en", "train_albert_tiny"),
                                           ("albert-tiny-en-sst2", "finetune_albert_tiny")])
def test_card_command_parses_and_names_the_shipped_settings(model, script):
    with open(os.path.join(ASSETS, model, "training_facts.json"), encoding="utf-8") as handle:
        facts = json.load(handle)
    words = shlex.split(facts["command"])
    assert words[:2] == ["python", f"scripts/{script}.py"]
    args = _script(script).build_parser().parse_args(words[2:])
    assert args.output == f"albert_keras/assets/{model}"
    assert args.learning_rate == facts["learning_rate"]
    assert args.max_seq_length == facts["max_seq_length"]
    assert args.batch_size == facts["batch_size"]


def test_pretraining_command_line_round_trips():
    module = _script("train_albert_tiny")
    parser = module.build_parser()
    for argv in (["--xla", "--steps", "7"], ["--steps", "7", "--corpus", "a.gz", "b.gz"]):
        args = parser.parse_args(argv)
        again = parser.parse_args(shlex.split(module.command_line(args))[2:])
        assert vars(again) == dict(vars(args), work=again.work)
