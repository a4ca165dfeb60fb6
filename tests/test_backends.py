"""The reference-parity and training tests on Keras' JAX and PyTorch backends.

Keras picks its backend once per process, so each backend runs the files below in a pytest
process of its own (the default suite itself is the TensorFlow run). Full-size shapes run on
TensorFlow only; the small and odd configurations run on every backend.
"""

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import REPO

ON_EVERY_BACKEND = [
    "tests/models/test_parity.py",
    "tests/layers/test_layers.py",
    "tests/models/test_backend_training.py",
    "tests/models/test_task_models.py::test_sequence_classification_losses_match_transformers",
    "tests/models/test_task_models.py::test_user_loss_and_metrics_apply_to_the_logits",
    "tests/test_tensorflow_only.py",
    "tests/pipelines/test_backend_pipeline.py",
]


def run_pytest(backend, *args, timeout=900):
    """pytest in a fresh process on `backend`; returns (return code, output)."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
         *args], cwd=str(REPO), env=env, capture_output=True, text=True, timeout=timeout)
    return result.returncode, result.stdout + result.stderr


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_parity_and_training_pass_on_backend(backend):
    code, output = run_pytest(backend, "-k", "not full_size", *ON_EVERY_BACKEND)
    summary = output.strip().splitlines()[-1] if output.strip() else "(no output)"
    assert code == 0, f"KERAS_BACKEND={backend}: {summary}\n{output[-4000:]}"
    passed = re.search(r"(\d+) passed", summary)
    assert passed and int(passed.group(1)) > 30, f"KERAS_BACKEND={backend}: {summary}"
    assert not re.search(r"\d+ (failed|error|skipped)", summary), summary


def run_step(backend, step, folder, timeout=600):
    """One step of tests/helpers/cross_backend.py in a fresh process on `backend`."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    result = subprocess.run([sys.executable, "-m", "tests.helpers.cross_backend", step,
                             str(folder)], cwd=str(REPO), env=env, capture_output=True,
                            text=True, timeout=timeout)
    assert result.returncode == 0, f"{step} on {backend}:\n{result.stderr[-4000:]}"


@pytest.mark.slow  # four processes, one of them a TFLite export: over a minute of CPU
def test_trained_on_jax_loads_on_tensorflow_and_torch_and_exports_to_tflite(tmp_path):
    import numpy as np

    run_step("jax", "train", tmp_path)
    trained = np.load(tmp_path / "logits.npy")
    for backend in ("tensorflow", "torch"):
        run_step(backend, "load", tmp_path)
        np.testing.assert_allclose(np.load(tmp_path / f"loaded-{backend}.npy"), trained,
                                   atol=1e-5, err_msg=f".keras saved on jax, loaded on {backend}")
    run_step("tensorflow", "tflite", tmp_path)
    probability = np.exp(trained - trained.max(-1, keepdims=True))
    probability /= probability.sum(-1, keepdims=True)
    np.testing.assert_allclose(np.load(tmp_path / "tflite-probability.npy"), probability,
                               atol=1e-5, err_msg="TFLite export of weights trained on jax")
    assert np.abs(trained[:, 0] - trained[:, 1]).max() > 0.05  # it learned something


NO_TENSORFLOW = """
import sys
import numpy as np
import albert_keras

tokenizer = albert_keras.AlbertTokenizer.from_pretrained("albert-tiny-en")
config = albert_keras.AlbertConfig(vocab_size=len(tokenizer), embedding_size=8, hidden_size=16,
                                   num_hidden_layers=2, num_attention_heads=2,
                                   intermediate_size=32, max_position_embeddings=32)
model = albert_keras.AlbertForSequenceClassification(config)
model.save_pretrained(sys.argv[1])
model = albert_keras.AlbertForSequenceClassification.from_pretrained(sys.argv[1])
ids = np.random.default_rng(0).integers(5, 64, (4, 9)).astype("int32")
model.compile(optimizer="adam")
model.fit({"input_ids": ids, "labels": np.array([0, 1, 0, 1])}, epochs=1, verbose=0)
loaded = albert_keras.pipeline("text-classification", model=model, tokenizer=tokenizer)
assert loaded("a fine film")[0]["label"]
found = sorted(m for m in sys.modules if m == "tensorflow" or m.startswith("tensorflow."))
print("TENSORFLOW MODULES", len(found), found[:5])
# Keras' own .keras writer imports TensorFlow when it is installed (serialization_lib's
# `tf.available` check), so the .keras file comes after the count.
model.save(sys.argv[1] + "/model.keras")
"""


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_the_models_never_import_tensorflow_on_another_backend(backend, tmp_path):
    """Build, save_pretrained, from_pretrained, fit and a pipeline on JAX / torch: none of them
    imports TensorFlow (Keras' own .keras writer does, when it is installed)."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    result = subprocess.run([sys.executable, "-c", NO_TENSORFLOW, str(tmp_path)], cwd=str(REPO),
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    assert "TENSORFLOW MODULES 0 []" in result.stdout, result.stdout[-2000:]
