"""Fuzzed ids, masks and text: every case gives finite outputs or a clear error that names a
value which really is invalid, at the place it really is; never a clamped or NaN answer."""

import re

import numpy as np
import pytest
import tensorflow as tf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from albert_keras import AlbertConfig, AlbertModel, pipeline
from albert_keras.shipped import litert_path
from tests.conftest import TINY

FEW, MANY = 100, 1500
VOCAB, TYPES = TINY["vocab_size"], TINY["type_vocab_size"]
PLACE = re.compile(r"\((input_ids|token_type_ids|attention_mask)\[([\d, ]+)\]\)")


@pytest.fixture(scope="module")
def model():
    model = AlbertModel(AlbertConfig(**TINY))
    spec = [tf.TensorSpec([None, None], tf.int64)] * 2 + [tf.TensorSpec([None, None], tf.float32)]
    graph = tf.function(lambda ids, types, mask: model(
        ids, token_type_ids=types, attention_mask=mask).last_hidden_state, input_signature=spec)
    return model, graph


def _int_array(shape, inside, clean):
    """An int64 array of `shape`: ids in [0, inside), or (not `clean`) some anywhere in int64."""
    value = st.integers(0, inside - 1)
    if not clean:
        value = value | st.integers(-2**63, 2**63 - 1) | st.sampled_from(
            [-1, inside, 2**31, 2**32 + 1])
    size = int(np.prod(shape))
    return st.lists(value, min_size=size, max_size=size).map(
        lambda v: np.array(v, np.int64).reshape(shape))


@st.composite
def features(draw):
    """(ids, token types, mask); each feature is clean half the time, so that every check is
    reached with the others passing."""
    batch, seq = draw(st.integers(1, 3)), draw(st.integers(1, 8))
    ids = draw(_int_array((batch, seq), VOCAB, draw(st.booleans())))
    types = draw(_int_array((batch, seq), TYPES, draw(st.booleans())))
    mask_shape = draw(st.sampled_from([(batch, seq)] * 4 + [(1, 1), (batch, seq + 1),
                                                            (1, seq)]))
    size = int(np.prod(mask_shape))
    values = [0.0, 1.0] if draw(st.booleans()) else [0.0, 1.0, -1.0, 0.5, 2.0, float("nan")]
    mask = draw(st.lists(st.sampled_from(values), min_size=size, max_size=size))
    return ids, types, np.array(mask, np.float32).reshape(mask_shape)


def _bad_features(ids, types, mask):
    """The features a correct check may name, in the order eager mode checks them."""
    if mask.shape != ids.shape:
        return ["shape"]
    bad = [name for name, value, limit in (("input_ids", ids, VOCAB),
                                           ("token_type_ids", types, TYPES))
           if ((value < 0) | (value >= limit)).any()]
    return bad + ([] if np.isin(mask, [0.0, 1.0]).all() else ["attention_mask"])


def _check_message(message, ids, types, mask, allowed):
    """The message names an allowed problem, and the value it quotes is invalid at its place."""
    if allowed == ["shape"]:
        assert f"attention_mask shape {list(mask.shape)} != input_ids shape" in \
            message.replace("(", "[").replace(")", "]"), message
        return
    where = PLACE.search(message)
    assert where and where.group(1) in allowed, (message, allowed)
    name = where.group(1)
    index = tuple(int(i) for i in where.group(2).split(","))
    value = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask}[name][index]
    if name == "attention_mask":
        assert value not in (0.0, 1.0), (message, value)
        assert "attention_mask values must be 0 or 1" in message, message
    else:
        limit = VOCAB if name == "input_ids" else TYPES
        assert value < 0 or value >= limit, (message, value)
        assert f"id {value} " in message, message


def _fuzzed(examples):
    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(case=features())
    def ids_and_masks(model, case):
        keras_model, graph = model
        ids, types, mask = case
        bad = _bad_features(ids, types, mask)
        for name, call, error_type in (
                ("eager", lambda: keras_model(ids, token_type_ids=types,
                                              attention_mask=mask).last_hidden_state, ValueError),
                ("graph", lambda: graph(ids, types, mask), tf.errors.InvalidArgumentError)):
            if not bad:
                assert np.isfinite(np.asarray(call())).all(), name
                continue
            with pytest.raises(error_type) as caught:
                call()
            # Eagerly the first problem in order; a graph's value asserts run in any order.
            _check_message(str(caught.value), ids, types, mask, bad[:1] if name == "eager" else bad)

    @settings(max_examples=examples, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(text=st.text(st.characters(blacklist_categories=()), max_size=60),
           where=st.floats(0, 1))
    def text(pipelines, text, where):
        classify, fill = pipelines
        cut = int(where * len(text))
        masked = text[:cut] + " [MASK] " + text[cut:]
        surrogate = re.search(r"[\ud800-\udfff]", text)
        for run in (lambda: classify(text), lambda: fill(masked)):
            if surrogate:
                with pytest.raises(ValueError, match=r"not valid Unicode: '\\ud[89a-f]\w\w' at "
                                                     r"character \d+ is a lone surrogate"):
                    run()
                continue
            result = run()
            scores = [result["score"]] if isinstance(result, dict) else \
                [r["score"] for r in (result if isinstance(result[0], dict) else result[0])]
            assert all(0.0 <= s <= 1.0 for s in scores), (text, result)

    return ids_and_masks, text


@pytest.fixture(scope="module")
def pipelines():
    return (pipeline("text-classification", litert_path("albert-tiny-en-sst2")),
            pipeline("fill-mask", litert_path("albert-tiny-en")))


def test_fuzzed_ids_and_masks_give_outputs_or_name_the_bad_value(model):
    _fuzzed(FEW)[0](model)


def test_fuzzed_text_gives_scores_or_names_the_bad_character(pipelines):
    _fuzzed(FEW)[1](pipelines)


@pytest.mark.slow
def test_fuzzed_inputs_thousands_of_cases(model, pipelines):
    ids_and_masks, text = _fuzzed(MANY)
    ids_and_masks(model)
    text(pipelines)
