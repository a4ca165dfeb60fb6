"""`albert-keras export ...` parsing and `python -m albert_keras.export` (conversion itself is
covered by test_tflite / test_saved_model through the same Python API)."""

import argparse
import subprocess
import sys

import pytest
from albert_keras.export import cli


def _parse(argv):
    parser = argparse.ArgumentParser()
    cli.add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_add_parser_options():
    args = _parse(["export", "tflite", "model", "out", "--task", "question-answering",
                   "--quantize", "all", "--sequence-length", "384"])
    assert (args.format, args.task, args.quantize, args.sequence_length) == (
        "tflite", "question-answering", "all", 384)
    assert args.run is cli.run
    args = _parse(["export", "saved-model", "model", "out", "--task", "fill-mask",
                   "--version", "3"])
    assert (args.format, args.version, args.sequence_length) == ("saved-model", 3, 128)


def test_listed_names_are_the_tasks_and_modes_the_export_has():
    from albert_keras.export import choices as names, quantization, signatures

    assert names.TASKS == tuple(signatures.TASKS)
    assert names.MODES == tuple(quantization.MODES)


def test_missing_tokenizer_is_a_clear_error(tmp_path, capsys):
    code = cli.main(["tflite", str(tmp_path), str(tmp_path / "out"), "--task",
                     "text-classification"])
    assert code == 2
    assert "spiece.model" in capsys.readouterr().err


def test_python_dash_m_help():
    done = subprocess.run([sys.executable, "-m", "albert_keras.export", "tflite", "--help"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-1000:]
    assert "--quantize" in done.stdout and "int16x8" in done.stdout


def test_any_length_asks_the_export_for_no_fixed_length(tmp_path, monkeypatch):
    import albert_keras.export as api

    calls = []

    def export_tflite(model_dir, out, task, **kwargs):
        calls.append(kwargs["sequence_length"])
        return type("Report", (), {"passed": True})()

    monkeypatch.setattr(api, "export_tflite", export_tflite)
    base = ["tflite", str(tmp_path), str(tmp_path / "out"), "--task", "text-classification"]
    assert cli.main(base + ["--any-length"]) == 0
    assert cli.main(base + ["--sequence-length", "64"]) == 0
    assert calls == [None, 64]


def test_a_shipped_models_name_exports_its_bundled_folder(tmp_path, monkeypatch):
    """`albert-keras export tflite albert-tiny-en-sst2 ...` reads the folder inside the package;
    a folder is taken as given, and an unknown name still fails on the missing tokenizer."""
    import albert_keras.export as api

    from albert_keras.shipped import shipped_path

    class Loaded(Exception):
        """Stops the export where it loads the model, carrying the folder it was given."""

    def load(model_dir, task, sequence_length):
        raise Loaded(model_dir)

    monkeypatch.setattr(api, "_load", load)
    for source, folder in (("albert-tiny-en-sst2", shipped_path("albert-tiny-en-sst2")),
                           (str(tmp_path), str(tmp_path))):
        for export in (api.export_tflite, api.export_saved_model):
            with pytest.raises(Loaded) as loaded:
                export(source, str(tmp_path / "out"), "text-classification")
            assert loaded.value.args[0] == folder
    monkeypatch.undo()
    code = cli.main(["tflite", "no-such-model", str(tmp_path / "out"), "--task",
                     "text-classification"])
    assert code == 2


def test_a_length_past_the_trained_positions_is_warned(caplog):
    """albert-tiny-en-sst2 learned positions up to 384 (tokenizer_config.json says so): an
    export at 500 tokens is allowed by its 512-row table, but warned; 384 is not."""
    import logging

    import albert_keras.export as api

    from albert_keras.shipped import shipped_path

    folder = shipped_path("albert-tiny-en-sst2")
    with caplog.at_level(logging.WARNING, logger="albert_keras.export"):
        api._load(folder, "text-classification", 384)
        assert not caplog.records
        api._load(folder, "text-classification", 500)
    assert "longer than the 384 tokens" in caplog.text
