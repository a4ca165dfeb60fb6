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


def test_version_is_the_installed_packages():
    import subprocess
    import sys
    from importlib import metadata

    done = subprocess.run([sys.executable, "-m", "albert_keras.cli", "--version"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-1000:]
    assert done.stdout.strip() == f"albert-keras {metadata.version('albert-keras')}"


@pytest.mark.parametrize("argv", [["export", "--help"], ["export", "tflite", "--help"]])
def test_export_help_speaks_to_users(argv, capsys):
    with pytest.raises(SystemExit):
        cli.build_parser().parse_args(argv)
    out = capsys.readouterr().out
    assert "dispatch" not in out and "parsing" not in out
    assert "checked against the Keras model" in out or "--no-strict" in out


def test_keras_hub_summary_names_only_what_is_missing():
    from albert_keras.checkpoints.assign import LoadReport

    assert cli._keras_hub_summary(LoadReport("m", ["a"], [], [])) == ""
    summary = cli._keras_hub_summary(LoadReport("m", ["a"], ["pooler/kernel"], []))
    assert summary == "keras-hub: freshly initialized (not in the source): pooler/kernel"
    assert "none" not in summary
