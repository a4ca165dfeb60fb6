"""Careless and hostile input to the pipelines and their commands stops with a message that
names the problem (and quotes the input shortened), never a raw KeyError or a silent default."""

import pytest

from albert_keras import pipeline
from albert_keras.cli import main
from albert_keras.pipelines.base import shorten
from albert_keras.shipped import litert_path


@pytest.fixture(scope="module")
def classify():
    return pipeline("text-classification", litert_path("albert-tiny-en-sst2"))


@pytest.fixture(scope="module")
def fill():
    return pipeline("fill-mask", litert_path("albert-tiny-en"))


@pytest.fixture(scope="module")
def answer():
    return pipeline("question-answering", litert_path("albert-tiny-en-squad"))


@pytest.mark.parametrize("kwargs, message", [
    ({"top_k": 0}, r"top_k must be a positive integer or None, got 0"),
    ({"top_k": -1}, r"top_k must be a positive integer or None, got -1"),
    ({"top_k": "x"}, r"top_k must be a positive integer or None, got 'x'"),
    ({"function_to_apply": "relu"}, r"function_to_apply must be one of"),
])
def test_classification_arguments_out_of_range(classify, kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify("a film", **kwargs)


def test_unsupported_arguments_are_named_not_ignored(fill, answer):
    with pytest.raises(TypeError, match=r"fill-mask pipeline got unexpected argument\(s\) "
                                        r"\['targets'\]; it takes \['top_k'\]"):
        fill("a [MASK] film", targets=["good"])
    with pytest.raises(TypeError, match=r"unexpected argument\(s\) \['doc_stride'\]"):
        answer(question="who?", context="Ada wrote it.", doc_stride=10)


def test_a_dict_without_text_names_its_keys(classify):
    with pytest.raises(ValueError, match=r"got a dict with keys 'foo'"):
        classify({"foo": 1})
    assert classify({"text": "a dull mess"})["label"] == classify("a dull mess")[0]["label"]


def test_text_that_is_not_unicode_is_named(classify):
    with pytest.raises(ValueError, match=r"item 0 is not valid Unicode: '\\udcff' at character "
                                         r"0 is a lone surrogate"):
        classify("\udcff abc")


@pytest.mark.parametrize("kwargs, message", [
    ({"batch_size": 0}, r"batch_size must be a positive integer, got 0"),
    ({"max_length": 0}, r"max_length must be a positive integer or None, got 0"),
])
def test_construction_arguments_out_of_range(kwargs, message):
    with pytest.raises(ValueError, match=message):
        pipeline("text-classification", litert_path("albert-tiny-en-sst2"), **kwargs)


def test_qa_refuses_empty_question_and_bad_counts(answer):
    with pytest.raises(ValueError, match=r"the question is empty"):
        answer(question=" ", context="Ada wrote it.")
    with pytest.raises(ValueError, match=r"the context is empty"):
        answer(question="who?", context="")
    with pytest.raises(ValueError, match=r"max_answer_len must be a positive integer, got 0"):
        answer(question="who?", context="Ada wrote it.", max_answer_len=0)
    with pytest.raises(ValueError, match=r"doc_stride=400 must be less than max_length=384"):
        pipeline("question-answering", litert_path("albert-tiny-en-squad"), doc_stride=400)


def test_a_question_too_long_for_the_window_says_how_long_it_may_be(answer):
    question = "why " * 600
    with pytest.raises(ValueError, match=r"the question is 600 tokens: .* shorten the question "
                                         r"to at most 252 tokens: 'why why"):
        answer(question=question, context="Ada wrote it.")


def test_a_truncated_mask_is_not_called_missing_and_the_text_is_shortened(fill):
    text = "word " * 700 + "[MASK]"
    with pytest.raises(ValueError) as error:
        fill(text)
    message = str(error.value)
    assert message.startswith("The [MASK] is past the first ")
    assert "(3506 characters)" in message and len(message) < 300
    with pytest.raises(ValueError, match=r"^No \[MASK\] in the input: 'no mask'$"):
        fill("no mask")


def test_shorten_keeps_short_text_whole():
    assert shorten("abc") == "'abc'"
    assert shorten("x" * 1000).endswith("(1000 characters)") and len(shorten("x" * 1000)) < 90


def test_commands_give_one_line_errors(capsys):
    assert main(["answer", "why " * 600, "The novel was written by Ada."]) == 1
    err = capsys.readouterr().err
    assert err.startswith("albert-keras answer: error: the question is 600 tokens")
    assert "Graph execution error" not in err and len(err.splitlines()) == 1
    with pytest.raises(SystemExit):
        main(["fill-mask", "--top-k", "0", "a [MASK]"])
    assert "invalid positive integer value: '0'" in capsys.readouterr().err


def test_command_line_bytes_that_are_not_utf8_are_replaced_with_a_warning(capsys):
    import os

    argument = os.fsdecode(b"\xff\xfe a dull, lifeless film")
    assert main(["classify", argument]) == 0
    captured = capsys.readouterr()
    assert "is not valid UTF-8; the bytes that are not were read as U+FFFD" in captured.err
    assert "\ufffd\ufffd a dull, lifeless film" in captured.out
