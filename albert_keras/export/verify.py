"""Reload an exported artifact (fresh process / LiteRT), run real text, compare with Keras -> Report rows."""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import tensorflow as tf

from albert_keras.tasks import get_task

from . import signatures
from .report import ArtifactResult, folder_size

# Runs in a fresh interpreter that imports neither TensorFlow nor albert_keras: a crash
# (LiteRT aborts on some quantized graphs) becomes a failed check, not a dead exporter.
_TFLITE_SCRIPT = r"""
import json, sys, time
import numpy as np
from ai_edge_litert.interpreter import Interpreter
model, inputs, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
data = dict(np.load(inputs))
count = len(next(iter(data.values())))
runner = Interpreter(model_path=model, num_threads=1).get_signature_runner()
results = {}
for i in range(count):
    for name, value in runner(**{k: v[i:i + 1] for k, v in data.items()}).items():
        results.setdefault(name, []).append(value[0])
latency = {}
sample = {k: v[:1] for k, v in data.items()}
for threads in (1, 2):
    timed = Interpreter(model_path=model, num_threads=threads).get_signature_runner()
    for _ in range(2):
        timed(**sample)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        timed(**sample)
        times.append((time.perf_counter() - start) * 1000)
    latency[str(threads)] = float(np.median(times)) if times else None
np.savez(out, **{k: np.stack(v) for k, v in results.items()})
json.dump(latency, open(out + ".json", "w"))
"""

_SAVED_MODEL_SCRIPT = r"""
import json, sys
import numpy as np
import tensorflow as tf
import tensorflow_text  # registers the SentencePiece ops of the in-graph tokenizer
path, inputs, out = sys.argv[1], sys.argv[2], sys.argv[3]
texts = json.load(open(inputs))
loaded = tf.saved_model.load(path)
strings = {k: tf.constant(v, tf.string) for k, v in texts.items()}
results = {}
for key, value in loaded.signatures["serving_default"](**strings).items():
    results["serving_default/" + key] = value.numpy()
features = loaded.signatures["tokenize"](**strings)
for key, value in features.items():
    results["tokenize/" + key] = value.numpy()
for key, value in loaded.signatures["tokens"](**features).items():
    results["tokens/" + key] = value.numpy()
assert "albert_keras" not in sys.modules, "the SavedModel must load without albert_keras"
def text(v):
    return np.array([x.decode("utf-8", "replace") for x in v.ravel()], dtype=str).reshape(v.shape)
results = {k: text(v) if v.dtype == object else v for k, v in results.items()}
np.savez(out, **results)
"""


def _run(script, args, timeout):
    """Runs a verification script in a fresh Python; (ok, message)."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", CUDA_VISIBLE_DEVICES="")
    try:
        done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True,
                              text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return False, f"verification process timed out after {timeout} s"
    if done.returncode:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        return False, f"artifact crashed or failed in a fresh process (exit {done.returncode}): " \
                      + " | ".join(tail)
    return True, ""


def _text(values):
    """A str array from an array of UTF-8 bytes (as the fresh process writes it)."""
    flat = [x.decode("utf-8", "replace") for x in np.asarray(values).ravel()]
    return np.array(flat, dtype=str).reshape(np.shape(values))


def compare(reference, actual):
    """{name: {max_abs_diff, cosine}} over the float outputs both sides have."""
    figures = {}
    for name, expected in reference.items():
        expected = np.asarray(expected)
        if name not in actual or expected.dtype.kind != "f":
            continue
        got = np.asarray(actual[name], np.float64).reshape(expected.shape)
        expected = expected.astype(np.float64)
        finite = bool(np.all(np.isfinite(got)))
        diff = float(np.max(np.abs(got - expected))) if finite else float("inf")
        norm = np.linalg.norm(got) * np.linalg.norm(expected)
        cosine = float(np.sum(got * expected) / norm) if finite and norm > 0 else 0.0
        if not finite or norm == 0:
            cosine = 1.0 if finite and np.array_equal(got, expected) else 0.0
        figures[name] = {"max_abs_diff": diff, "cosine": cosine, "finite": finite}
    return figures


def predicted_labels(task, name, values, mask):
    """Arg-max labels of an output; token-level outputs keep the real tokens only."""
    values = np.asarray(values)
    if task == "feature-extraction":
        return None
    labels = np.argmax(values, axis=-1)
    if get_task(task).token_level:
        return labels[np.asarray(mask).astype(bool)]
    return labels


def apply_bounds(result, mode):
    """Adds a failure for every bound of `mode` (a `quantization.Mode`) the result misses."""
    if not result.outputs:
        result.failures.append("no output could be compared")
    for name, figures in result.outputs.items():
        if not figures["finite"]:
            result.failures.append(f"{name} has NaN/inf values")
        elif mode.max_abs_diff is not None and figures["max_abs_diff"] > mode.max_abs_diff:
            result.failures.append(f"{name} max|diff| {figures['max_abs_diff']:.3g} > "
                                   f"{mode.max_abs_diff:g}")
        elif figures["cosine"] < mode.min_cosine:
            result.failures.append(f"{name} cosine {figures['cosine']:.4f} < {mode.min_cosine}")
    if result.label_agreement is not None and result.label_agreement < mode.min_label_agreement:
        result.failures.append(f"label agreement {result.label_agreement:.3f} < "
                               f"{mode.min_label_agreement}")
    return result


def verify_tflite(path, task, mode, features, reference, eval_labels=None, latency_runs=10,
                  timeout=600):
    """Runs a .tflite file in LiteRT (fresh process) and compares it with Keras.

    Args:
        path: str. The .tflite file.
        task: str. Pipeline task name.
        mode: `quantization.Mode` (its bounds decide pass/fail).
        features: dict of int32 arrays (N, ...) keyed `ids`/`mask`/`segment_ids`: real text.
        reference: dict of Keras outputs (N, ...) keyed by TFLite output name.
        eval_labels: optional (N,) int labels: accuracy before/after export.
        latency_runs: int. Timed runs per thread count (1 and 2 threads).

    Returns:
        `ArtifactResult`.
    """
    result = ArtifactResult(path, "tflite", mode.name, folder_size(path))
    with tempfile.TemporaryDirectory(prefix="albert-verify-") as tmp:
        inputs, out = os.path.join(tmp, "inputs.npz"), os.path.join(tmp, "outputs.npz")
        np.savez(inputs, **{k: np.asarray(v, np.int32) for k, v in features.items()})
        ok, message = _run(_TFLITE_SCRIPT, [path, inputs, out, str(latency_runs)], timeout)
        if not ok:
            result.failures.append(message)
            return result
        actual = dict(np.load(out))
        with open(out + ".json", encoding="utf-8") as handle:
            result.latency_ms = json.load(handle)
    result.outputs = compare(reference, actual)
    name = signatures.get_task(task).label_output
    expected = predicted_labels(task, name, reference[name], features["mask"])
    if expected is not None and name in actual:
        got = predicted_labels(task, name, actual[name], features["mask"])
        result.label_agreement = float(np.mean(expected == got))
        if eval_labels is not None:
            result.accuracy_keras = float(np.mean(expected == np.asarray(eval_labels)))
            result.accuracy_artifact = float(np.mean(got == np.asarray(eval_labels)))
    return apply_bounds(result, mode)


def expected_token_ids(tokenizer, texts, task, sequence_length):
    """`AlbertTokenizer`'s input_ids for the SavedModel's text inputs (None: not comparable)."""
    names = list(texts)
    if task == "multiple-choice":
        return None
    args = [texts[n] for n in names]
    encoded = tokenizer(*args, padding="max_length", truncation=True,
                        max_length=sequence_length)
    return np.asarray(encoded["input_ids"], np.int32)


def verify_saved_model(path, functions, texts, tokenizer, mode, timeout=600):
    """Loads a SavedModel in a fresh process (no albert_keras) and compares it with Keras.

    Runs `serving_default` on raw strings, `tokenize`, and `tokens` on the tokenized
    features; checks the tokenization equals `AlbertTokenizer`'s.

    Args:
        path: str. The SavedModel folder.
        functions: `saved_model.ServingFunctions` (the in-process Keras reference).
        texts: dict {input name: list of str (or of lists of str for `choices`)}.
        tokenizer: `AlbertTokenizer`.
        mode: `quantization.Mode` whose bounds apply (float32).

    Returns:
        `ArtifactResult`.
    """
    result = ArtifactResult(path, "saved_model", mode.name, folder_size(path))
    with tempfile.TemporaryDirectory(prefix="albert-verify-") as tmp:
        inputs, out = os.path.join(tmp, "texts.json"), os.path.join(tmp, "outputs.npz")
        with open(inputs, "w", encoding="utf-8") as handle:
            json.dump(texts, handle)
        ok, message = _run(_SAVED_MODEL_SCRIPT, [path, inputs, out], timeout)
        if not ok:
            result.failures.append(message)
            return result
        actual = dict(np.load(out))
    strings = {k: tf.constant(v, tf.string) for k, v in texts.items()}
    reference = {"serving_default/" + k: v.numpy()
                 for k, v in functions.serving_default(**strings).items()}
    features = functions.tokenize(**strings)
    reference.update({"tokens/" + k: v.numpy() for k, v in functions.tokens(**features).items()})
    result.outputs = compare(reference, actual)
    exact = [k for k, v in reference.items() if v.dtype.kind != "f"]
    equal = [np.array_equal(_text(reference[k]) if reference[k].dtype == object
                            else reference[k], actual.get(k)) for k in exact]
    result.label_agreement = float(np.mean(equal)) if equal else None
    expected = expected_token_ids(tokenizer, texts, functions.task, functions.sequence_length)
    if expected is not None:
        same = np.array_equal(expected, actual["tokenize/input_ids"])
        result.checks["tokenization_equals_AlbertTokenizer"] = bool(same)
        if not same:
            result.failures.append("in-graph tokenization differs from AlbertTokenizer")
    return apply_bounds(result, mode)
