"""Token features out of range or of the wrong shape are refused with a message that names the
problem and its place, in eager mode, in a traced graph and in the serving signature; under XLA
(where asserts are compiled away) the invalid example's outputs are NaN, never a clamped answer."""

import functools
import re

import numpy as np
import pytest
import tensorflow as tf

from albert_keras import AlbertConfig, AlbertForMultipleChoice, AlbertModel
from albert_keras.pipelines.runtimes import KerasRuntime
from tests.conftest import TINY

IDS = np.array([[2, 9, 3, 7, 3, 98, 0], [2, 9, 3, 7, 3, 8, 3]], np.int32)  # (2, 7)
OUT_OF_RANGE = "token id 99 >= vocab_size 99 (input_ids[0, 5])"


@pytest.fixture(scope="module")
def model():
    return AlbertModel(AlbertConfig(**TINY))


def _bad_ids(row=0, column=5, value=99):
    ids = IDS.copy()
    ids[row, column] = value
    return ids


def test_eager_names_the_id_and_its_place(model):
    with pytest.raises(ValueError, match=re.escape(OUT_OF_RANGE)):
        model(_bad_ids())


def test_traced_graph_refuses_instead_of_clamping(model):
    forward = tf.function(lambda ids: model(ids).last_hidden_state)
    assert np.isfinite(forward(tf.constant(IDS)).numpy()).all()
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(OUT_OF_RANGE)):
        forward(tf.constant(_bad_ids()))
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("token id -4 < 0 (input_ids[1, 2])")):
        forward(tf.constant(_bad_ids(1, 2, -4)))


def test_traced_graph_refuses_a_mask_of_another_shape(model):
    forward = tf.function(lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state,
                          input_signature=[tf.TensorSpec([None, None], tf.int32)] * 2)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("attention_mask shape [1, 1] != input_ids shape [2, 7]")):
        forward(tf.constant(IDS), tf.ones([1, 1], tf.int32))


def test_xla_poisons_the_invalid_example(model):
    forward = tf.function(lambda ids: model(ids).last_hidden_state, jit_compile=True)
    hidden = forward(tf.constant(_bad_ids())).numpy()
    assert np.isnan(hidden[0]).all()  # the example with id 99: visibly wrong
    np.testing.assert_allclose(hidden[1], model(IDS[1:]).last_hidden_state[0], atol=1e-5)


def test_keras_runtime_checks_before_the_int32_cast(model):
    ids = IDS.astype(np.int64)
    ids[0, 1] = 2**33 + 5  # int32 would wrap it to a valid 5
    features = {"input_ids": ids, "attention_mask": np.ones_like(ids),
                "token_type_ids": np.zeros_like(ids)}
    with pytest.raises(ValueError, match=re.escape(
            f"token id {2**33 + 5} >= vocab_size 99 (input_ids[0, 1])")):
        KerasRuntime(model)(features)


def test_a_mask_that_would_broadcast_is_refused(model):
    with pytest.raises(ValueError, match=re.escape(
            "attention_mask shape (1, 1) != input_ids shape (2, 7)")):
        model(IDS, attention_mask=np.ones([1, 1], np.int32))


@pytest.mark.parametrize("value, shown", [(-1, "-1"), (0.5, "0.5")])
def test_a_mask_other_than_0_or_1_is_refused(model, value, shown):
    mask = np.ones(IDS.shape, np.float32)
    mask[1, 3] = value
    message = f"attention_mask values must be 0 or 1, got {shown} (attention_mask[1, 3])"
    with pytest.raises(ValueError, match=re.escape(message)):
        model(IDS, attention_mask=mask)
    forward = tf.function(lambda ids, m: model(ids, attention_mask=m).last_hidden_state)
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(message)):
        forward(tf.constant(IDS), tf.constant(mask))


def test_multiple_choice_checks_its_three_axes():
    choice = AlbertForMultipleChoice(AlbertConfig(**TINY))
    ids = np.stack([IDS, IDS])  # (2 examples, 2 choices, 7)
    with pytest.raises(ValueError, match=re.escape(
            "attention_mask shape (2, 2, 6) != input_ids shape (2, 2, 7)")):
        choice(ids, attention_mask=np.ones([2, 2, 6], np.int32))
    forward = tf.function(lambda ids: choice(ids).logits)
    ids[1, 0, 5] = 99  # flattened for the encoder: row 2 of (4, 7)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("token id 99 >= vocab_size 99 (input_ids[2, 5])")):
        forward(tf.constant(ids))


@pytest.fixture(scope="module")
def tokens_signature(tmp_path_factory):
    from albert_keras.export.saved_model import ServingFunctions

    from albert_keras.shipped import shipped_path
    from albert_keras.tokenization import AlbertTokenizer

    tokenizer = AlbertTokenizer.from_pretrained(shipped_path("albert-tiny-en"))
    config = AlbertConfig(**dict(TINY, vocab_size=tokenizer.vocab_size))
    from albert_keras import AlbertForSequenceClassification

    functions = ServingFunctions(AlbertForSequenceClassification(config), "text-classification",
                                 tokenizer, sequence_length=9)
    path = str(tmp_path_factory.mktemp("tokens") / "saved")
    functions.archive().write_out(path, verbose=False)
    return tf.saved_model.load(path).signatures["tokens"], tokenizer.vocab_size


def test_tokens_signature_refuses_mismatched_features(tokens_signature):
    tokens, vocab = tokens_signature
    ids = tf.constant([[2, 9, 3, 7, 3, 8, 3]], tf.int32)
    ones, zeros = tf.ones([1, 7], tf.int32), tf.zeros([1, 7], tf.int32)
    assert np.isfinite(tokens(input_ids=ids, attention_mask=ones,
                              token_type_ids=zeros)["logits"].numpy()).all()
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("attention_mask shape [1, 5] != input_ids shape [1, 7]")):
        tokens(input_ids=ids, attention_mask=ones[:, :5], token_type_ids=zeros)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match=re.escape("token_type_ids shape [1, 6] != input_ids shape [1, 7]")):
        tokens(input_ids=ids, attention_mask=ones, token_type_ids=zeros[:, :6])
    bad = tf.tensor_scatter_nd_update(ids, [[0, 4]], [vocab])
    with pytest.raises(tf.errors.InvalidArgumentError, match=re.escape(
            f"token id {vocab} >= vocab_size {vocab} (input_ids[0, 4])")):
        tokens(input_ids=bad, attention_mask=ones, token_type_ids=zeros)


def test_a_litert_file_run_directly_refuses_ids_out_of_range():
    """Without the pipeline's checks, LiteRT's GATHER still refuses (README)."""
    from ai_edge_litert.interpreter import Interpreter

    from albert_keras.shipped import litert_path

    runner = Interpreter(model_path=str(litert_path("albert-tiny-en-sst2"))).get_signature_runner()
    ones = np.ones([1, 7], np.int32)
    feed = {"ids": IDS[1:].copy(), "mask": ones, "segment_ids": 0 * ones}
    assert np.isfinite(runner(**feed)["probability"]).all()
    for value in (10**6, -3):
        feed["ids"][0, 3] = value
        with pytest.raises(RuntimeError, match="gather index out of bounds"):
            runner(**feed)


@functools.lru_cache(maxsize=None)
def _litert_file(mode, sequence_length=7):
    """(signature runner, Keras classifier) of a TINY classifier converted in `mode`."""
    from ai_edge_litert.interpreter import Interpreter

    from albert_keras import AlbertForSequenceClassification
    from albert_keras.export import quantization, tflite

    classifier = AlbertForSequenceClassification(AlbertConfig(**TINY))
    calibration = {"ids": IDS, "mask": np.ones_like(IDS), "segment_ids": np.zeros_like(IDS)}
    data = tflite.convert(classifier, "text-classification", quantization.MODES[mode],
                          sequence_length, calibration=calibration)
    return Interpreter(model_content=data).get_signature_runner(), classifier


@pytest.mark.parametrize("mode, atol", [("float32", 1e-5), ("float16", 1e-3), ("dynamic", 2e-2)])
def test_a_litert_file_run_directly_gives_nan_for_a_mask_other_than_0_or_1(mode, atol):
    """TFLite drops asserts: the example's outputs are NaN instead (as under XLA)."""
    runner, classifier = _litert_file(mode)
    ones = np.ones([1, 7], np.int32)
    feed = {"ids": IDS[1:], "mask": ones, "segment_ids": 0 * ones}
    expected = tf.nn.softmax(classifier(IDS[1:]).logits).numpy()
    np.testing.assert_allclose(runner(**feed)["probability"], expected, atol=atol)
    for value in (-1, 2):
        mask = ones.copy()
        mask[0, 4] = value
        assert np.isnan(runner(**dict(feed, mask=mask))["probability"]).all()


def test_an_any_length_litert_file_poisons_only_the_invalid_example():
    runner, classifier = _litert_file("float32", sequence_length=None)
    mask = np.ones_like(IDS)
    mask[1, 2] = -1
    probability = runner(ids=IDS, mask=mask, segment_ids=0 * IDS)["probability"]
    assert np.isnan(probability[1]).all()
    np.testing.assert_allclose(probability[0], tf.nn.softmax(classifier(IDS[:1]).logits)[0],
                               atol=1e-5)


def test_an_int8_litert_file_refuses_a_mask_other_than_0_or_1():
    """int8 outputs cannot be NaN: the mask's bad places become ids GATHER refuses."""
    runner, _ = _litert_file("int8")
    ones = np.ones([1, 7], np.int32)
    feed = {"ids": IDS[1:], "mask": ones, "segment_ids": 0 * ones}
    assert np.isfinite(runner(**feed)["probability"]).all()
    mask = ones.copy()
    mask[0, 4] = 2
    with pytest.raises(RuntimeError, match="gather index out of bounds"):
        runner(**dict(feed, mask=mask))


@pytest.mark.parametrize("mode", ["float32", "dynamic"])
def test_a_litert_file_run_directly_refuses_segment_ids_out_of_range(mode):
    """type_vocab_size is 2: LiteRT's GATHER of the token type embeddings refuses 2 and -1."""
    runner, _ = _litert_file(mode)
    ones = np.ones([1, 7], np.int32)
    feed = {"ids": IDS[1:], "mask": ones, "segment_ids": 0 * ones}
    assert np.isfinite(runner(**dict(feed, segment_ids=ones))["probability"]).all()
    for value in (2, -1):
        segment_ids = 0 * ones
        segment_ids[0, 3] = value
        with pytest.raises(RuntimeError, match="gather index out of bounds"):
            runner(**dict(feed, segment_ids=segment_ids))
