"""Each pipeline against transformers' pipeline() on the same weights and vocabulary."""

import numpy as np
import pytest
import transformers

import albert_keras
from albert_keras.pipelines import pipeline

TEXTS = ["The capital of France is [MASK].", "He was born in [MASK] in 1850",
         "the [MASK] river flows through the [MASK] of the city"]


def _close(ours, theirs, path="out"):
    """Same structure, same strings and ints, floats within 1e-5."""
    if isinstance(theirs, dict):
        assert set(ours) == set(theirs), (path, set(ours) ^ set(theirs))
        for key in theirs:
            _close(ours[key], theirs[key], f"{path}.{key}")
    elif isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs), (path, len(ours), len(theirs))
        for i, (a, b) in enumerate(zip(ours, theirs)):
            _close(a, b, f"{path}[{i}]")
    elif isinstance(theirs, (float, np.floating)):
        assert abs(float(ours) - float(theirs)) <= 1e-5, (path, ours, theirs)
    else:
        assert ours == theirs, (path, ours, theirs)


def test_fill_mask_matches_transformers(hf_folder_factory):
    folder, model, slow, _ = hf_folder_factory("AlbertForMaskedLM")
    theirs = transformers.pipeline("fill-mask", model=model, tokenizer=slow)
    ours = pipeline("fill-mask", model=folder)
    for text in TEXTS:
        _close(ours(text, top_k=4), theirs(text, top_k=4))
    _close(ours(TEXTS, top_k=2), [theirs(t, top_k=2) for t in TEXTS])  # batched, sorted


def test_fill_mask_without_mask_is_a_clear_error(hf_folder_factory):
    folder, *_ = hf_folder_factory("AlbertForMaskedLM")
    with pytest.raises(ValueError, match=r"No \[MASK\] in the input"):
        pipeline("fill-mask", model=folder)("no mask here")


@pytest.mark.parametrize("top_k", [{}, {"top_k": 1}, {"top_k": None}])
def test_text_classification_matches_transformers(hf_folder_factory, top_k):
    folder, model, slow, _ = hf_folder_factory("AlbertForSequenceClassification")
    theirs = transformers.pipeline("text-classification", model=model, tokenizer=slow)
    ours = pipeline("text-classification", model=folder)
    texts = ["a gripping, beautifully acted film", "dull", "it was a long and winding road "
             "that led nowhere in particular, and the actors knew it"]
    _close(ours(texts, **top_k), theirs(texts, **top_k))
    pair = {"text": "is it raining?", "text_pair": "the streets are wet"}
    _close(ours(pair, **top_k), theirs(pair, **top_k))
    _close(ours(texts[0], **top_k), theirs(texts[0], **top_k))  # one string: a list, as theirs


def test_feature_extraction_matches_transformers(hf_folder_factory):
    folder, _, slow, _ = hf_folder_factory("AlbertModel")
    model = transformers.AlbertModel.from_pretrained(folder, attn_implementation="eager")
    theirs = transformers.pipeline("feature-extraction", model=model, tokenizer=slow)
    ours = pipeline("feature-extraction", model=folder)
    for text in ["short", "a somewhat longer sentence about rivers and cities"]:
        np.testing.assert_allclose(np.array(ours(text)), np.array(theirs(text)), atol=1e-5)


@pytest.mark.parametrize("aggregation", ["none", "simple"])
def test_token_classification_matches_transformers(hf_folder_factory, aggregation):
    folder, model, _, fast = hf_folder_factory("AlbertForTokenClassification")
    theirs = transformers.pipeline("token-classification", model=model, tokenizer=fast,
                                   aggregation_strategy=aggregation)
    ours = pipeline("token-classification", model=folder)
    for text in ["john smith lives in new york city", "the river flows through paris"]:
        expected = theirs(text)
        got = ours(text, aggregation_strategy=aggregation)
        for item in expected:  # transformers returns numpy scalars and an extra int type
            item.update({k: (float(v) if isinstance(v, np.floating) else
                             int(v) if isinstance(v, np.integer) else v)
                         for k, v in item.items()})
        _close(got, expected)


def test_question_answering_matches_transformers(hf_folder_factory):
    folder, model, _, fast = hf_folder_factory("AlbertForQuestionAnswering")
    theirs = transformers.pipeline("question-answering", model=model, tokenizer=fast)
    ours = pipeline("question-answering", model=folder)
    context = ("the river seine flows through paris, the capital of france. it was a major "
               "route of trade for centuries and the city grew along both of its banks.")
    for question in ["what flows through paris?", "what grew along the banks?"]:
        expected = theirs(question=question, context=context, max_answer_len=8)
        got = ours(question=question, context=context, max_answer_len=8)
        expected = {k: (float(v) if isinstance(v, np.floating) else v)
                    for k, v in expected.items()}
        _close(got, expected)
        assert got["answer"] == context[got["start"]:got["end"]]


def test_question_answering_long_context_uses_windows(hf_folder_factory):
    folder, model, _, fast = hf_folder_factory("AlbertForQuestionAnswering")
    theirs = transformers.pipeline("question-answering", model=model, tokenizer=fast)
    ours = pipeline("question-answering", model=folder, max_length=48, doc_stride=16)
    context = " ".join(["the city of paris lies on the river seine in the north of france."] * 8)
    expected = theirs(question="where is paris?", context=context, max_seq_len=48, doc_stride=16)
    got = ours(question="where is paris?", context=context)
    assert got["answer"] == expected["answer"] and got["start"] == expected["start"]
    assert abs(got["score"] - float(expected["score"])) < 1e-5


@pytest.mark.parametrize("seed", range(6))
def test_question_answering_words_cut_by_a_window_edge_match_transformers(
        hf_folder_factory, tmp_path, seed):
    """A word split by a window's edge is answered with its part inside that window, as
    transformers' word alignment on the window's encoding gives (' france' in one window
    and ' france.' in the next); equal answers then add up to the same scores. Several
    weight seeds, since which candidates fall on an edge depends on the weights."""
    from tests.conftest import TINY
    from tests.helpers.reference import random_hf_model

    _, _, slow, fast = hf_folder_factory("AlbertForQuestionAnswering")
    model = random_hf_model("AlbertForQuestionAnswering",
                            dict(TINY, vocab_size=len(slow), max_position_embeddings=64,
                                 num_labels=2), seed=seed)
    model.save_pretrained(str(tmp_path))
    slow.save_pretrained(str(tmp_path))
    theirs = transformers.pipeline("question-answering", model=model, tokenizer=fast)
    ours = pipeline("question-answering", model=str(tmp_path), max_length=48, doc_stride=24)
    context = " ".join(["the city of paris lies on the river seine in the north of france."] * 8)
    expected = theirs(question="where is paris?", context=context, top_k=3, max_seq_len=48,
                      doc_stride=24)
    _close(ours(question="where is paris?", context=context, top_k=3), expected)


def test_question_answering_windows_follow_the_tokenizers_model_max_length(hf_folder_factory,
                                                                           tmp_path):
    """A folder whose tokenizer_config.json says model_max_length 48 (a model pre-trained on
    shorter text than its 64 positions) gets 48-token windows by default, as in transformers."""
    import shutil

    folder, model, slow, _ = hf_folder_factory("AlbertForQuestionAnswering")
    short = tmp_path / "short"
    shutil.copytree(folder, short)
    transformers.AlbertTokenizer(slow.vocab_file, model_max_length=48).save_pretrained(str(short))
    fast = transformers.AlbertTokenizerFast.from_pretrained(str(short))
    assert fast.model_max_length == 48
    theirs = transformers.pipeline("question-answering", model=model, tokenizer=fast)
    ours = pipeline("question-answering", model=str(short))
    assert (ours.max_length, ours.doc_stride) == (48, 24)
    context = " ".join(["the city of paris lies on the river seine in the north of france."] * 8)
    expected = theirs(question="where is paris?", context=context)
    got = ours(question="where is paris?", context=context)
    assert got["answer"] == expected["answer"] and got["start"] == expected["start"]
    assert abs(got["score"] - float(expected["score"])) < 1e-5
    assert pipeline("question-answering", model=folder).max_length == 64  # no model_max_length
    assert pipeline("question-answering", model=str(short), max_length=64).max_length == 64


def test_unknown_task_is_named():
    with pytest.raises(ValueError, match="Unknown task 'summarization'"):
        pipeline("summarization", model="anything")


def test_pipeline_exported_at_top_level():
    assert albert_keras.pipeline is pipeline
