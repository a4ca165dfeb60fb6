"""The pretrain / finetune argument parsers and their errors."""

import argparse

import pytest

from albert_keras.training import cli


def test_parsers_register_on_a_subparsers_object():
    parser = argparse.ArgumentParser()
    cli.add_parsers(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["finetune", "--task", "sst2", "--tiny", "--output-dir", "x"])
    assert args.run is cli.run and args.command == "finetune" and args.tiny
    args = parser.parse_args(["pretrain", "--output-dir", "y", "--strategy", "multi_worker",
                              "--mixed-precision", "bfloat16"])
    assert args.strategy == "multi_worker" and args.optimizer == "lamb"


def test_missing_data_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ../shared/data here
    args = cli.build_parser().parse_args(["finetune", "--task", "sst2", "--tiny",
                                          "--output-dir", str(tmp_path / "o")])
    with pytest.raises(ValueError, match="pass --data-dir"):
        cli.run(args)
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(["finetune", "--output-dir", "o"])  # --task is required
