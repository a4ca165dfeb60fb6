"""The export's default verification text (albert_keras/assets/verification/) and what a user
reads when a file fails: the flag that keeps it anyway."""

import dataclasses

import pytest

import albert_keras.export as api
from albert_keras.export import cli, names
from tests.export.conftest import SEQUENCE_LENGTH

LEAST_DIFFERING = 5  # labels a bound must allow to differ, so one unlucky label fails nothing


@pytest.mark.parametrize("task", names.TASKS)
def test_default_texts_are_real_text_in_the_tasks_shape(task):
    texts = api.default_texts(task)
    assert len(set(map(str, texts))) == len(texts)
    if task == "question-answering":
        assert all(len(t) == 2 and t[0].strip() and len(t[1]) > len(t[0]) for t in texts)
    else:
        assert all(isinstance(t, str) and t.strip() for t in texts)
    if task == "fill-mask":
        assert all(t.count("[MASK]") == 1 for t in texts)


@pytest.mark.parametrize("task", names.TASKS)
def test_default_sample_resolves_every_agreement_bound(task):
    """The bound that failed on 8 sentences (7 of 8 = 0.875 < 0.9) needs hundreds of labels."""
    from albert_keras.export import quantization

    texts = api.default_texts(task)
    token_level = task in ("token-classification", "fill-mask")
    labels = sum(len(t.split()) for t in texts) if token_level else len(texts)
    for mode in quantization.MODES.values():
        if mode.min_label_agreement < 1:
            assert labels * (1 - mode.min_label_agreement) >= LEAST_DIFFERING, (mode.name, labels)


def _failing_report(tmp_path):
    report = api.Report("text-classification", "m", 128)
    report.results.append(api.ArtifactResult(str(tmp_path / "a.tflite"), "tflite", "int8",
                                             failures=["label agreement 0.875 < 0.9"]))
    return report


def test_a_failed_mode_names_the_flag_that_keeps_it(tmp_path, monkeypatch, capsys):
    def export_tflite(*args, **kwargs):
        raise api.ExportError(_failing_report(tmp_path))

    monkeypatch.setattr(api, "export_tflite", export_tflite)
    code = cli.main(["tflite", str(tmp_path), str(tmp_path / "out"), "--task",
                     "text-classification", "--quantize", "all"])
    err = capsys.readouterr().err
    assert code == 1
    assert "int8 (label agreement 0.875 < 0.9)" in err and "--no-strict" in err
    assert len(err.strip().splitlines()) == 1


def test_no_strict_keeps_a_file_that_fails(make_model_dir, tmp_path, monkeypatch, capsys):
    """An impossible bound: the strict export writes nothing and says so; --no-strict writes
    the file (exit status 1 all the same)."""
    from albert_keras.export import quantization

    strict_mode = quantization.MODES["float32"]
    monkeypatch.setitem(quantization.MODES, "float32",
                        dataclasses.replace(strict_mode, min_cosine=1.5))
    folder = make_model_dir("text-classification")
    argv = ["tflite", folder, str(tmp_path), "--task", "text-classification",
            "--sequence-length", str(SEQUENCE_LENGTH), "--latency-runs", "0"]
    written = tmp_path / "albert-text-classification-float32.tflite"
    assert cli.main(argv) == 1
    assert not written.exists()
    assert "--no-strict" in capsys.readouterr().err
    assert cli.main(argv + ["--no-strict"]) == 1
    assert written.exists()
