"""The pretrain / finetune argument parsers, their errors, and the README's training commands."""

import argparse
import os
import shlex
import warnings

import pytest

from albert_keras.training import cli
from tests.training.conftest import DATA, REPO


def test_parsers_register_on_a_subparsers_object():
    parser = argparse.ArgumentParser()
    cli.add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["finetune", "--task", "sst2", "--tiny", "--output-dir", "x"])
    assert args.run is cli.run and args.command == "finetune" and args.tiny
    args = parser.parse_args(["pretrain", "--output-dir", "y", "--strategy", "multi_worker",
                              "--mixed-precision", "bfloat16"])
    assert args.strategy == "multi_worker" and args.optimizer == "lamb"


def test_missing_data_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALBERT_KERAS_DATA", raising=False)
    args = cli.build_parser().parse_args(["finetune", "--task", "sst2", "--tiny",
                                          "--output-dir", str(tmp_path / "o")])
    with pytest.raises(ValueError, match="no data for sst2: pass --data-dir"):
        cli.run(args)
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["finetune", "--output-dir", "o"])  # --task is required


def test_pretrain_writes_a_folder_finetune_takes_as_it_is(tmp_path):
    """`pretrain --output-dir P` then `finetune --model P` (README's training commands)."""
    pretrained = tmp_path / "pretrained"
    assert cli.main(["pretrain", "--tiny", "--input", str(DATA / "enwiki_sample.txt"),
                     "--steps", "2", "--batch-size", "4", "--max-seq-length", "32",
                     "--output-dir", str(pretrained), "--quiet"]) == 0
    names = set(os.listdir(pretrained))
    assert {"config.json", "model.safetensors", "spiece.model", "tokenizer_config.json",
            "special_tokens_map.json", "metrics.csv", "results.json"} <= names, names
    assert cli.main(["finetune", "--task", "banking77", "--model", str(pretrained),
                     "--data-dir", str(DATA / "banking77"), "--epochs", "1",
                     "--limit-train", "32", "--limit-eval", "16", "--batch-size", "16",
                     "--max-seq-length", "24", "--output-dir", str(tmp_path / "tuned"),
                     "--quiet"]) == 0
    assert (tmp_path / "tuned" / "model" / "spiece.model").exists()


def test_the_readme_first_try_runs_in_a_fresh_clone(tmp_path, monkeypatch, capsys):
    """README: `albert-keras finetune --task sst2 --tiny --data-dir tests/data/sst2 ...`."""
    monkeypatch.chdir(REPO)
    argv = shlex.split("finetune --task sst2 --tiny --data-dir tests/data/sst2 "
                       f"--output-dir {tmp_path / 'sst2'} --quiet")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert cli.main(argv) == 0
    assert "sst2 dev: accuracy" in capsys.readouterr().out
    assert not [w for w in caught if "shuffle" in str(w.message)]  # Keras' shuffle=True warning
