"""Every task to SavedModel and to TFLite in every mode (slow: CI's second step)."""

import numpy as np
import pytest
import tensorflow as tf

from albert_keras import export
from tests.export.conftest import SEQUENCE_LENGTH, sample_texts

pytestmark = pytest.mark.slow
TASKS = list(export.TASKS)


@pytest.mark.parametrize("task", TASKS)
def test_tflite_every_mode(make_model_dir, export_texts, tmp_path, task):
    report = export.export_tflite(make_model_dir(task), str(tmp_path), task, quantize="all",
                                  sequence_length=SEQUENCE_LENGTH, latency_runs=2, strict=False,
                                  texts=sample_texts(task, export_texts))
    print(report.table())
    float32 = report.result("float32")
    assert float32.passed and float32.max_abs_diff <= 1e-4, report.table()
    for mode in ("float16", "dynamic", "int8", "int16x8"):
        row = report.result(mode)
        if task == "multiple-choice" and mode in ("int8", "int16x8") and not row.passed:
            # Random tiny weights give choice logits ~1e-3 apart: int8 output quantization
            # can flatten them (measured: cosine 0.999 in one run, 0.0 in another) or swap
            # near-ties (cosine 0.99989 with label agreement 0.5). The export's verification
            # rejects such a file, which is what this checks.
            assert all("cosine" in f or "label agreement" in f for f in row.failures), \
                report.table()
            continue
        if task == "text-classification" and mode in ("int8", "int16x8") and not row.passed:
            # Same with two random labels: probabilities within 1e-3 of 0.5 (measured: cosine
            # 1.00000, label agreement 0.0). Only the label check may fail; the trained
            # classifier below is where agreement is measured for real.
            assert all("label agreement" in f for f in row.failures), report.table()
            assert row.min_cosine >= 0.99, report.table()
            continue
        assert row.passed, report.table()
        assert row.size_bytes < float32.size_bytes


@pytest.mark.parametrize("task", [t for t in TASKS if t != "text-classification"])
def test_saved_model_every_task(make_model_dir, export_texts, tmp_path, task):
    report = export.export_saved_model(make_model_dir(task), str(tmp_path), task,
                                       sequence_length=SEQUENCE_LENGTH,
                                       texts=sample_texts(task, export_texts, count=6))
    row = report.results[0]
    assert row.passed and row.max_abs_diff <= 1e-4, report.table()
    if task != "multiple-choice":
        assert row.checks["tokenization_equals_AlbertTokenizer"] is True


def test_question_answering_offsets_match_tokenizer(make_model_dir, export_texts, tmp_path):
    from albert_keras.export import saved_model, signatures

    from albert_keras.tokenization import AlbertTokenizer

    folder = make_model_dir("question-answering")
    tokenizer = AlbertTokenizer.from_pretrained(folder)
    model = signatures.model_class("question-answering").from_pretrained(folder)
    functions = saved_model.ServingFunctions(model, "question-answering", tokenizer,
                                             SEQUENCE_LENGTH)
    pairs = [(q, c) for q, c in export_texts["squad_pairs"][:40:4]]
    out = functions.serving_default(question=tf.constant([q for q, _ in pairs]),
                                    context=tf.constant([c for _, c in pairs]))
    encoded = tokenizer([q for q, _ in pairs], [c for _, c in pairs], truncation=True,
                        max_length=SEQUENCE_LENGTH, padding="max_length",
                        return_offsets_mapping=True)
    compared = 0
    for i, (_, context) in enumerate(pairs):
        start, end = int(out["start_index"][i]), int(out["end_index"][i])
        pieces = tokenizer.convert_ids_to_tokens(encoded["input_ids"][i])
        if "\u2581" in (pieces[start], pieces[end]):
            continue  # a bare "▁" covers no character: transformers' offsets give it one
        compared += 1
        assert encoded["token_type_ids"][i][start] == 1 and start <= end
        expected = (encoded["offset_mapping"][i][start][0], encoded["offset_mapping"][i][end][1])
        # AlbertTokenizer's (transformers') offsets of a "▁word" piece include the space
        # before it; the exported answer starts at the word.
        expected = (expected[0] + (context[expected[0]] == " "), expected[1])
        got = (int(out["answer_start"][i]), int(out["answer_end"][i]))
        assert got == expected, (context[:80], got, expected)
        assert out["answer"][i].numpy().decode() == context[got[0]:got[1]]
    assert compared >= len(pairs) // 2


def _trained_classifier(make_model_dir, export_texts, steps=300):
    """A tiny classifier trained on real text: Wikipedia statement (0) vs SQuAD question (1)."""
    import keras
    from albert_keras.export import signatures

    from albert_keras.tokenization import AlbertTokenizer, AlbertTokenizerLayer

    keras.utils.set_random_seed(0)
    folder = make_model_dir("text-classification", num_labels=2)
    tokenizer = AlbertTokenizer.from_pretrained(folder)
    statements = export_texts["sentences"][:300]
    questions = [q for q, _ in export_texts["squad_pairs"][:300]]
    texts = statements + questions
    labels = np.array([0] * len(statements) + [1] * len(questions))
    order = np.random.default_rng(0).permutation(len(texts))
    texts, labels = [texts[i] for i in order], labels[order]
    layer = AlbertTokenizerLayer.from_tokenizer(tokenizer, sequence_length=SEQUENCE_LENGTH)
    features = {k: v.numpy() for k, v in layer(texts).items()}
    model = signatures.model_class("text-classification").from_pretrained(folder)
    model.compile(optimizer="adam")
    split = 480
    train = {k: v[:split] for k, v in features.items()}
    model.fit(train, labels[:split], batch_size=32, epochs=steps * 32 // split, verbose=0)
    out = str(folder) + "-trained"
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out, texts[split:], labels[split:]


def test_quantized_trained_classifier(make_model_dir, export_texts, tmp_path):
    """Bounds measured on a trained model: cosine and labels against Keras, accuracy kept.

    Measured in three runs (2 cores, TF 2.21; eval accuracy 0.867-0.917): cosine float16
    1.00000, dynamic 0.99998-1.00000, int8 0.977-0.993; label agreement 1.0 / 1.0 /
    0.942-0.992; accuracy drop 0 / 0 / 0-0.009. int8 bounds keep a margin below that.
    int16x8 (one run): cosine 0.997, label agreement 0.983, accuracy 0.933 vs 0.917.
    """
    folder, eval_texts, eval_labels = _trained_classifier(make_model_dir, export_texts)
    report = export.export_tflite(folder, str(tmp_path), "text-classification",
                                  quantize=["float32", "float16", "dynamic", "int8", "int16x8"],
                                  sequence_length=SEQUENCE_LENGTH, latency_runs=2,
                                  eval_set=(eval_texts, list(eval_labels)),
                                  calibration_texts=export_texts["sentences"][300:400])
    print(report.table())
    assert report.result("float32").accuracy_keras >= 0.8  # the model did learn (chance 0.5)
    for mode, cosine, agreement, drop in (("float16", 0.9999, 1.0, 0.0),
                                          ("dynamic", 0.99, 0.97, 0.03),
                                          ("int8", 0.95, 0.9, 0.05),
                                          ("int16x8", 0.99, 0.95, 0.03)):
        row = report.result(mode)
        assert row.min_cosine >= cosine and row.label_agreement >= agreement, report.table()
        assert row.accuracy_keras - row.accuracy_artifact <= drop, report.table()
