"""SavedModel export: versioned folder, signatures, fresh-process serving of raw text, bad input."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from albert_keras import export
from tests.export.conftest import SEQUENCE_LENGTH, sample_texts

# Served from a fresh Python that does not import albert_keras (as TF Serving would).
SERVE = r"""
import json, sys
import tensorflow as tf, tensorflow_text
loaded = tf.saved_model.load(sys.argv[1])
batches = json.loads(sys.argv[2])
out = {}
for key, batch in batches.items():
    strings = {k: tf.constant([s.encode("latin-1") if k.endswith("!bytes") else s.encode()
                               for s in v]) for k, v in batch.items()}
    strings = {k.replace("!bytes", ""): v for k, v in strings.items()}
    result = loaded.signatures["serving_default"](**strings)
    out[key] = {k: v.numpy().tolist() if v.dtype != tf.string else
                [x.decode() if isinstance(x, bytes) else [y.decode() for y in x]
                 for x in v.numpy().tolist()] for k, v in result.items()}
assert "albert_keras" not in sys.modules
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def classifier(make_model_dir, export_texts, tmp_path_factory):
    out = tmp_path_factory.mktemp("serving")
    report = export.export_saved_model(make_model_dir("text-classification"), str(out),
                                       "text-classification", sequence_length=SEQUENCE_LENGTH,
                                       texts=sample_texts("text-classification", export_texts))
    return report, out


def _serve(path, batches):
    done = subprocess.run([sys.executable, "-c", SERVE, path, json.dumps(batches)],
                          capture_output=True, text=True, timeout=300, check=False,
                          env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_versioned_folder_and_report(classifier):
    report, out = classifier
    row = report.results[0]
    assert row.passed, report.table()
    assert row.artifact == str(out / "albert-text-classification" / "1")
    assert row.checks["tokenization_equals_AlbertTokenizer"] is True
    assert row.max_abs_diff <= 1e-4 and row.label_agreement == 1.0
    saved = out / "albert-text-classification" / "1" / "assets.extra" / "export_report.json"
    assert export.Report.load(str(saved)).passed
    assert export.saved_model.next_version(str(out / "albert-text-classification")) == 2


def test_saved_model_cli_shows_signatures(classifier):
    _, out = classifier
    path = str(out / "albert-text-classification" / "1")
    done = subprocess.run(["saved_model_cli", "show", "--dir", path, "--all"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    text = done.stdout
    for signature in ("serving_default", "tokens", "tokenize"):
        assert f"signature_def['{signature}']" in text
    for name in ("inputs['text']", "outputs['probabilities']", "outputs['label']",
                 "outputs['label_id']", "outputs['score']", "inputs['input_ids']",
                 "inputs['attention_mask']", "inputs['token_type_ids']"):
        assert name in text, name


def test_serves_raw_text_and_bad_input_from_fresh_process(classifier, export_texts):
    _, out = classifier
    path = str(out / "albert-text-classification" / "1")
    sentences = export_texts["sentences"][:3]
    batches = {"real": {"text": sentences},
               "empty": {"text": ["", " "]},
               "long": {"text": [" ".join(export_texts["paragraphs"][:5])]},
               "bad_utf8": {"text!bytes": ["caf\xe9 \xff\xfe na\xefve"]}}
    served = _serve(path, batches)
    for key, result in served.items():
        probabilities = np.asarray(result["probabilities"])
        assert probabilities.shape[1] == 3 and np.all(np.isfinite(probabilities)), key
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-5)
        assert all(label.startswith("LABEL_") for label in result["label"])
    assert len(served["real"]["label"]) == 3


def test_tokens_signature_takes_any_length_and_equals_keras(classifier, make_model_dir):
    from albert_keras import AlbertForSequenceClassification
    from albert_keras.pipelines import SavedModelRuntime

    _, out = classifier
    folder = make_model_dir("text-classification")
    keras_model = AlbertForSequenceClassification.from_pretrained(folder)
    runtime = SavedModelRuntime(str(out / "albert-text-classification"))
    assert runtime.any_length and runtime.max_length == keras_model.config.max_position_embeddings
    rng = np.random.default_rng(0)
    longest = keras_model.config.max_position_embeddings  # past the export's SEQUENCE_LENGTH
    for batch, width in ((1, 5), (3, 13), (2, longest)):
        ids = rng.integers(5, keras_model.config.vocab_size, (batch, width)).astype(np.int32)
        mask = np.ones_like(ids)
        mask[0, width // 2:] = 0  # a padded row next to full ones
        types = np.zeros_like(ids)
        expected = keras_model(ids, attention_mask=mask, token_type_ids=types)["logits"]
        served = runtime({"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        np.testing.assert_allclose(served["logits"], expected, atol=1e-5)
    too_long = np.ones((1, runtime.max_length + 1), np.int32)
    with pytest.raises(ValueError, match=f"takes at most {runtime.max_length} tokens"):
        runtime({"input_ids": too_long, "attention_mask": too_long,
                 "token_type_ids": 0 * too_long})
