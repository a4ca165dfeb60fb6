"""`albert-keras fill-mask | classify | answer` print what the pipelines (and transformers) give."""

import json

import pytest
import transformers

from albert_keras.cli import main


def _json_output(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_fill_mask_command_equals_transformers(hf_folder_factory, capsys):
    folder, model, slow, _ = hf_folder_factory("AlbertForMaskedLM")
    text = "the quick brown [MASK] jumps"
    got = _json_output(capsys, ["fill-mask", "--model", folder, "--top-k", "3", "--json", text])
    expected = transformers.pipeline("fill-mask", model=model, tokenizer=slow)(text, top_k=3)
    assert [r["token"] for r in got[0]] == [r["token"] for r in expected]
    assert [r["score"] for r in got[0]] == pytest.approx([r["score"] for r in expected], abs=1e-5)


def test_answer_command_equals_transformers(hf_folder_factory, capsys):
    folder, model, _, fast = hf_folder_factory("AlbertForQuestionAnswering")
    question, context = "who wrote the book?", "the book was written by ada in london."
    got = _json_output(capsys, ["answer", "--model", folder, "--json", question, context])[0]
    expected = transformers.pipeline("question-answering", model=model, tokenizer=fast)(
        question=question, context=context)
    assert (got["start"], got["end"], got["answer"]) == (expected["start"], expected["end"],
                                                         expected["answer"])
    assert got["score"] == pytest.approx(expected["score"], abs=1e-5)


def test_classify_prints_label_and_score(hf_folder_factory, capsys):
    folder, *_ = hf_folder_factory("AlbertForSequenceClassification")
    assert main(["classify", "--model", folder, "a fine film", "a dull one"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"model: {folder}"
    rows = [line.split() for line in out if line.startswith("  ")]
    assert len(rows) == 2 and all(r[0] in ("LABEL_0", "LABEL_1", "LABEL_2") for r in rows)
    assert all(1 / 3 <= float(r[1]) <= 1.0 for r in rows)  # the best of three labels


def test_missing_mask_is_one_clear_error(hf_folder_factory, capsys):
    folder, *_ = hf_folder_factory("AlbertForMaskedLM")
    assert main(["fill-mask", "--model", folder, "no mask here"]) == 1
    assert "error: No [MASK] in the input" in capsys.readouterr().err
