"""The way in of a pipeline: a batch of texts is tokenized in one tokenizer call, padded by one
function, and its ids are range-checked once, at the runtime boundary."""

import numpy as np
import pytest

from albert_keras.models import feature_checks
from albert_keras.pipelines import KerasRuntime, pipeline
from albert_keras.tokenization import AlbertTokenizer
from albert_keras.tokenization.encoding import pad_to_shape
from tests.pipelines.test_pipelines import _close

TEXTS = ["ada lives in paris", "the river seine flows through paris, the capital of france",
         "it was a route of trade", "short", "the city grew along both of its banks"]
MODELS = {"feature-extraction": "AlbertModel", "fill-mask": "AlbertForMaskedLM",
          "text-classification": "AlbertForSequenceClassification",
          "token-classification": "AlbertForTokenClassification",
          "question-answering": "AlbertForQuestionAnswering"}


def _inputs(task, count):
    if task == "fill-mask":
        return [f"{text} [MASK]." for text in TEXTS[:count]]
    if task == "question-answering":
        return [{"question": "where?", "context": text} for text in TEXTS[:count]]
    return TEXTS[:count]


@pytest.fixture
def count_calls(monkeypatch):
    calls = []
    original = AlbertTokenizer.__call__

    def counting(self, *args, **kwargs):
        calls.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AlbertTokenizer, "__call__", counting)
    return calls


@pytest.mark.parametrize("task", sorted(MODELS))
def test_a_batch_of_texts_is_tokenized_in_one_call(hf_folder_factory, count_calls, task):
    pipe = pipeline(task, model=hf_folder_factory(MODELS[task])[0], batch_size=2)
    single = [pipe(item) for item in _inputs(task, 5)]
    if task == "text-classification":  # one string gives a one-item list, as transformers'
        single = [result[0] for result in single]
    count_calls.clear()
    batched = pipe(_inputs(task, 5))
    # QA also measures every question once (is there room for the context?): one more call.
    assert len(count_calls) == (2 if task == "question-answering" else 1), count_calls
    assert len(count_calls[-1]) == 5
    _close(batched, single)


def test_texts_and_text_pairs_take_one_call_each(hf_folder_factory, count_calls):
    pipe = pipeline("text-classification",
                    model=hf_folder_factory("AlbertForSequenceClassification")[0])
    items = ["a film", {"text": "a film", "text_pair": "a dull mess"}, {"text": "a mess"},
             {"text": "b", "text_pair": "c"}]
    single = [pipe(item, top_k=None) for item in items]
    count_calls.clear()
    _close(pipe(items, top_k=None), single)
    assert count_calls == [["a film", "a mess"], ["a film", "b"]]


def test_pad_to_shape_fills_each_row_to_the_shape():
    assert pad_to_shape([[5, 6, 7], [8]], (2, 4), pad_value=9).tolist() == [
        [5, 6, 7, 9], [8, 9, 9, 9]]
    padded = pad_to_shape(np.array([[[1, 2], [3, 4]]]), (2, 2, 3))  # (batch, choices, seq)
    assert padded.tolist() == [[[1, 2, 0], [3, 4, 0]], [[0, 0, 0], [0, 0, 0]]]
    assert padded.dtype == np.int32


def test_every_padding_in_the_pipelines_is_pad_to_shape(hf_folder_factory, monkeypatch):
    import albert_keras.pipelines.base as base
    import albert_keras.pipelines.runtimes as runtimes

    shapes = []

    def spy(rows, shape, *args, **kwargs):
        shapes.append(tuple(shape))
        return pad_to_shape(rows, shape, *args, **kwargs)

    monkeypatch.setattr(base, "pad_to_shape", spy)
    monkeypatch.setattr(runtimes, "pad_to_shape", spy)
    from albert_keras import AlbertForMaskedLM

    folder = hf_folder_factory("AlbertForMaskedLM")[0]
    pipe = pipeline("fill-mask", model=KerasRuntime(AlbertForMaskedLM.from_pretrained(folder),
                                                    jit_compile=True),
                    tokenizer=AlbertTokenizer.from_pretrained(folder))
    texts = ["a [MASK] b c d", "a [MASK]"]
    width = len(pipe.tokenizer(texts[0])["input_ids"])
    pipe(texts)
    # The batch's longest row, then the XLA bucket (a multiple of 8).
    assert shapes == [(2, width)] * 3 + [(2, 8)] * 3, shapes
    shapes.clear()
    artifact = runtimes._ArtifactRuntime()  # a fixed-length SavedModel or TFLite file's padding
    artifact.max_length = 6
    ids = np.array([[2, 7, 3], [2, 3, 0]], np.int32)
    assert artifact._pad({"input_ids": ids})["input_ids"].tolist() == [[2, 7, 3, 0, 0, 0],
                                                                       [2, 3, 0, 0, 0, 0]]
    assert shapes[-1] == (2, 6)


def test_the_keras_runtime_checks_ids_once_and_the_model_alone_still_checks(
        hf_folder_factory, monkeypatch):
    from albert_keras import AlbertForMaskedLM

    model = AlbertForMaskedLM.from_pretrained(hf_folder_factory("AlbertForMaskedLM")[0])
    checked = []
    original = feature_checks._value_checks
    monkeypatch.setattr(feature_checks, "_value_checks",
                        lambda *args: checked.append(1) or original(*args))
    runtime = KerasRuntime(model)
    vocab = model.config.vocab_size
    features = {"input_ids": np.array([[2, 7, 3]]), "attention_mask": np.ones((1, 3)),
                "token_type_ids": np.zeros((1, 3))}
    assert runtime(features)["logits"].shape == (1, 3, vocab)
    assert checked == []  # the traced forward pass holds no second range check
    with pytest.raises(ValueError, match=rf"token id {vocab} >= vocab_size {vocab} "
                                         r"\(input_ids\[0, 1\]\)"):
        runtime(dict(features, input_ids=np.array([[2, vocab, 3]])))
    with pytest.raises(ValueError, match=rf"token id {vocab} >= vocab_size {vocab}"):
        model(np.array([[2, vocab, 3]]))
    assert checked == [1]
