"""TFLite export: parity with Keras per mode, builtin ops only, verification catches bad files."""

import numpy as np
import pytest
from albert_keras.export import quantization, verify

from albert_keras import export
from tests.export.conftest import SEQUENCE_LENGTH, sample_texts


@pytest.fixture(scope="module")
def classification(make_model_dir, export_texts, tmp_path_factory):
    """(report, folder) of a float32 text-classification export, shared by several tests."""
    folder = tmp_path_factory.mktemp("tflite_cls")
    return _export(make_model_dir, export_texts, folder, "text-classification", "float32"), folder


def _export(make_model_dir, export_texts, tmp_path, task, modes, **kwargs):
    return export.export_tflite(make_model_dir(task), str(tmp_path), task, quantize=modes,
                                sequence_length=SEQUENCE_LENGTH, latency_runs=2,
                                texts=sample_texts(task, export_texts), **kwargs)


@pytest.mark.parametrize("task", ["text-classification", "question-answering"])
def test_float32_matches_keras(make_model_dir, export_texts, tmp_path, task, classification):
    if task == "text-classification":
        report, tmp_path = classification
    else:
        report = _export(make_model_dir, export_texts, tmp_path, task, "float32")
    row = report.result("float32")
    assert row.passed, report.table()
    assert row.max_abs_diff <= 1e-4 and row.min_cosine >= 0.99999
    assert row.label_agreement == 1.0
    assert set(row.latency_ms) == {"1", "2"}
    assert (tmp_path / f"albert-{task}-float32.tflite").is_file()
    assert export.Report.load(str(tmp_path / f"albert-{task}-report.json")).passed


def test_builtin_ops_only(classification):
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    _, tmp_path = classification
    model = flatbuffer_utils.read_model(str(tmp_path / "albert-text-classification-float32.tflite"))
    custom = [c.customCode for c in model.operatorCodes
              if max(c.builtinCode, c.deprecatedBuiltinCode) == schema.BuiltinOperator.CUSTOM]
    assert custom == []  # no Flex / SELECT_TF_OPS
    shapes = [list(model.subgraphs[0].tensors[i].shape) for i in model.subgraphs[0].inputs]
    assert shapes == [[1, SEQUENCE_LENGTH]] * 3


def test_weightless_file_fails_verification(make_model_dir, export_texts, tmp_path,
                                            classification):
    """A file whose outputs are NaN (TF 2.21's default lowering) or garbage is rejected."""
    report, _ = classification
    good = report.result("float32")
    features = _features(make_model_dir, export_texts)
    reference = {"probability": np.full((len(features["ids"]), 3), np.nan, np.float32)}
    bad = verify.verify_tflite(good.artifact, "text-classification",
                               quantization.MODES["float32"], features, reference)
    assert not bad.passed and any("NaN" in f or "cosine" in f for f in bad.failures)
    broken = tmp_path / "broken.tflite"
    broken.write_bytes(b"TFL3" + b"\0" * 100)
    crashed = verify.verify_tflite(str(broken), "text-classification",
                                   quantization.MODES["float32"], features, reference)
    assert not crashed.passed and "fresh process" in crashed.failures[0]


def _features(make_model_dir, export_texts):
    from albert_keras.export import saved_model, signatures

    from albert_keras.tokenization import AlbertTokenizer

    folder = make_model_dir("text-classification")
    model = signatures.model_class("text-classification").from_pretrained(folder)
    functions = saved_model.ServingFunctions(model, "text-classification",
                                             AlbertTokenizer.from_pretrained(folder),
                                             SEQUENCE_LENGTH)
    batch = export._text_batch(sample_texts("text-classification", export_texts), ("text",))
    return export._features(functions, batch, 2)


def test_nan_output_is_detected_against_real_reference(tmp_path):
    reference = {"probability": np.array([[0.2, 0.8]], np.float32)}
    figures = verify.compare(reference, {"probability": np.array([[np.nan, 0.1]])})
    assert figures["probability"]["finite"] is False
    row = export.ArtifactResult("x", "tflite", "float32", outputs=figures)
    assert not verify.apply_bounds(row, quantization.MODES["float32"]).passed


def test_unknown_mode_and_task_raise():
    with pytest.raises(ValueError, match="int4"):
        quantization.resolve_modes("int4")
    with pytest.raises(ValueError, match="summarization"):
        export.signatures.get_task("summarization")
    assert [m.name for m in quantization.resolve_modes("all")] == list(export.MODES)


def test_default_lowering_file_is_rejected(make_model_dir, export_texts, classification):
    """The pitfall itself: TF 2.21's default concrete-function lowering (weights lost)."""
    import tensorflow as tf
    from albert_keras.export import signatures, tflite

    folder = make_model_dir("text-classification")
    model = signatures.model_class("text-classification").from_pretrained(folder)
    serve, spec = tflite.tflite_function(model, "text-classification", SEQUENCE_LENGTH, None)
    function = tf.function(serve, input_signature=spec).get_concrete_function()
    data = tf.lite.TFLiteConverter.from_concrete_functions([function], model).convert()
    _, tmp_path = classification
    bad = tmp_path / "default_lowering.tflite"
    bad.write_bytes(data)
    features = _features(make_model_dir, export_texts)
    reference = {k: v.numpy() for k, v in serve(features["ids"], features["mask"],
                                                features["segment_ids"]).items()}
    row = verify.verify_tflite(str(bad), "text-classification", quantization.MODES["float32"],
                               features, reference, latency_runs=1)
    assert not row.passed, row


def test_int16x8_converts_with_int16_activations(make_model_dir, export_texts, tmp_path):
    """16x8: int16 activation tensors, int8 weights, no SQUARED_DIFFERENCE; close to Keras.

    TF 2.21's 16x8 quantizer failed on the int32 ids ("Max and min for dynamic tensors")
    while the embedding lookup mapped negative ids, and LiteRT had no int16 kernel for
    the SQUARED_DIFFERENCE of LayerNorm; both are gone from the traced graph.
    """
    from ai_edge_litert.interpreter import Interpreter

    report = _export(make_model_dir, export_texts, tmp_path, "text-classification", "int16x8")
    row = report.result("int16x8")
    assert row.passed, report.table()
    assert row.min_cosine >= 0.999 and row.label_agreement == 1.0, report.table()
    interpreter = Interpreter(model_path=row.artifact)
    types = {t["dtype"].__name__ for t in interpreter.get_tensor_details()}
    ops = {o["op_name"] for o in interpreter._get_ops_details()}
    assert {"int16", "int8"} <= types
    assert "SQUARED_DIFFERENCE" not in ops


def test_quantizable_graph_substitutions_are_float_equivalent():
    """The -30 mask and the NEG-free LayerNorm traced for int8/int16x8 give the float outputs."""
    import tensorflow as tf
    from albert_keras.export import tflite

    from albert_keras import AlbertConfig, AlbertModel

    model = AlbertModel(AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
                                     num_hidden_layers=2, num_attention_heads=4,
                                     intermediate_size=37))
    rng = np.random.default_rng(0)
    ids = rng.integers(3, 99, (2, 9)).astype("int32")
    mask = np.ones_like(ids)
    mask[1, 5:] = 0
    plain = tf.function(lambda i, m: model(input_ids=i, attention_mask=m)["last_hidden_state"])
    expected = plain(ids, mask).numpy()
    with tflite.quantizable_graph(model, quantization.MODES["int16x8"]):
        traced = tf.function(lambda i, m: model(input_ids=i, attention_mask=m)["last_hidden_state"])
        got = traced(ids, mask).numpy()
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert model.attention_mask_value is None  # restored after tracing

    def op_types(function):
        return {op.type for op in function.get_concrete_function(ids, mask).graph.get_operations()}

    # Every LayerNorm traced in the block took the NEG-free form; after it, Keras' form again.
    assert "SquaredDifference" in op_types(plain)
    assert "SquaredDifference" not in op_types(traced)
    after = tf.function(lambda i, m: model(input_ids=i, attention_mask=m)["last_hidden_state"])
    assert "SquaredDifference" in op_types(after)
    np.testing.assert_array_equal(after(ids, mask).numpy(), expected)


@pytest.mark.parametrize("mode", ["float32", "dynamic", "int8"])
def test_graph_is_fully_connected_layers_without_float_fallback(make_model_dir, export_texts,
                                                                 mode):
    """Issue #11: every dense layer is a FULLY_CONNECTED (the op XNNPACK runs with its
    dynamically quantized int8 kernels), the only BATCH_MATMULs are the two attention
    products, and LayerNorm has no NEG / SQUARED_DIFFERENCE (int8 had a float round trip,
    DEQUANTIZE -> NEG -> QUANTIZE, in each one)."""
    import collections

    from ai_edge_litert.interpreter import Interpreter
    from albert_keras.export import signatures, tflite

    folder = make_model_dir("text-classification", hidden_size=48, intermediate_size=67)
    model = signatures.model_class("text-classification").from_pretrained(folder)
    data = tflite.convert(model, "text-classification", quantization.MODES[mode],
                          SEQUENCE_LENGTH, calibration=_features(make_model_dir, export_texts))
    interpreter = Interpreter(model_content=data)
    tensors = {t["index"]: t for t in interpreter.get_tensor_details()}
    ops = interpreter._get_ops_details()
    counts = collections.Counter(o["op_name"] for o in ops)
    layers = model.config.num_hidden_layers * model.config.inner_group_num
    # q, k, v, dense, ffn, ffn_output per layer + embedding projection, pooler, classifier
    assert counts["FULLY_CONNECTED"] == 6 * layers + 3, counts
    assert counts["BATCH_MATMUL"] == 2 * layers, counts  # q.k^T and probabilities.v
    if mode == "dynamic":  # the weights the converter quantizes (>= 1024 values) are int8
        kernels = [tensors[o["inputs"][1]] for o in ops if o["op_name"] == "FULLY_CONNECTED"]
        large = [k for k in kernels if np.prod(k["shape"]) >= 1024]
        assert large and all(k["dtype"] == np.int8 for k in large)
    if mode == "int8":  # float only at the boundary: the mask in, the probabilities out
        assert counts["NEG"] == counts["SQUARED_DIFFERENCE"] == 0, counts
        assert counts["QUANTIZE"] <= 1 and counts["DEQUANTIZE"] <= 1, counts
