"""The `albert-keras` command gathers every subcommand group."""

import pytest

from albert_keras import cli


def test_every_subcommand_is_registered():
    parser = cli.build_parser()
    commands = parser._subparsers._group_actions[0].choices
    assert {"convert", "export", "pretrain", "finetune"} <= set(commands)


@pytest.mark.parametrize("argv, attribute, value", [
    (["export", "tflite", "model", "out", "--task", "fill-mask", "--quantize", "dynamic"],
     "quantize", "dynamic"),
    (["finetune", "--task", "sst2", "--tiny", "--output-dir", "out"], "task", "sst2"),
])
def test_subcommands_parse_their_own_flags(argv, attribute, value):
    args = cli.build_parser().parse_args(argv)
    assert getattr(args, attribute) == value and callable(args.run)


def test_export_errors_become_one_line_and_exit_1(tmp_path, capsys):
    status = cli.main(["export", "tflite", str(tmp_path / "missing"), str(tmp_path / "out"),
                       "--task", "text-classification"])
    assert status != 0
    assert "Traceback" not in capsys.readouterr().err
