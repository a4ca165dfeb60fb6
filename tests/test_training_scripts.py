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
    for argv in (["--xla", "--steps", "7"], ["--steps", "7", "--corpus", "a.gz", "b.gz"],
                 ["--mixed-precision", "bfloat16", "--dupe-factor", "2",
                  "--masked-lm-prob", "0.2"]):
        args = parser.parse_args(argv)
        again = parser.parse_args(shlex.split(module.command_line(args))[2:])
        assert vars(again) == dict(vars(args), work=again.work)


@pytest.mark.slow
def test_pretraining_script_runs_both_stages_and_writes_the_card(tmp_path):
    """The whole script on the test corpus, with a second stage: the card, facts and weights
    come from the second stage, and the reproduce command names it."""
    module = _script("train_albert_tiny")
    output = tmp_path / "model"
    with open(os.path.join(ROOT, "tests", "data", "enwiki_sample.txt"), encoding="utf-8") as f:
        paragraphs = [line.strip() for line in f if line.strip()]
    corpus = tmp_path / "corpus.txt"  # documents of 4 paragraphs, separated by blank lines
    corpus.write_text("\n\n".join("\n".join(paragraphs[i:i + 4])
                                    for i in range(0, len(paragraphs), 4)), encoding="utf-8")
    argv = ["--corpus", str(corpus),
            "--work", str(tmp_path / "work"), "--output", str(output),
            "--max-documents", "120", "--vocab-size", "400", "--spm-sentences", "5000",
            "--batch-size", "4", "--steps", "3", "--continue-steps", "2",
            "--continue-learning-rate", "0.001", "--eval-steps", "1"]
    assert module.main(argv) == 0
    facts = json.loads((output / "training_facts.json").read_text(encoding="utf-8"))
    assert [(s["steps"], s["learning_rate"]) for s in facts["stages"]] == [(3, 0.005), (2, 0.001)]
    assert facts["eval_after"] == facts["stages"][1]["eval_after"]
    card = (output / "README.md").read_text(encoding="utf-8")
    assert "then 2 more steps from those weights, peak 0.001" in card
    hits = facts["fill_mask_hits"]  # the study keeps every row; the card shows 8
    assert hits["sentences"] == len(facts["fill_mask_examples"]) > 0
    assert 0 <= hits["top1"] <= hits["top5"] <= 1
    assert [p["text"] for p in facts["probes"]] == list(module.PROBES)
    assert all(p["text"] in card for p in facts["probes"])
    assert "(each document masked 2 times, differently)" in card  # the default dupe factor
    args = module.build_parser().parse_args(shlex.split(facts["command"])[2:])
    assert (args.continue_steps, args.continue_learning_rate) == (2, 0.001)
    from safetensors.numpy import load_file

    shipped = load_file(str(output / "model.safetensors"))
    second = load_file(str(tmp_path / "work" / "run2" / "model" / "model.safetensors"))
    first = load_file(str(tmp_path / "work" / "run" / "model" / "model.safetensors"))
    assert all((shipped[k] == second[k]).all() for k in second)
    assert any((first[k] != second[k]).any() for k in first)
