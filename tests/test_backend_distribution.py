"""Keras' distribution API on JAX and mixed precision on JAX and torch, each in a fresh process.

The runs are tests/helpers/backend_distribution.py; Keras picks its backend (and XLA its host
device count) once per process.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO


def run_helper(backend, *args, env=(), timeout=600):
    """tests/helpers/backend_distribution.py in a fresh process on `backend`."""
    environ = dict(os.environ, KERAS_BACKEND=backend, **dict(env))
    result = subprocess.run([sys.executable, "-m", "tests.helpers.backend_distribution", *args],
                            cwd=str(REPO), env=environ, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args} on {backend}:\n{result.stderr[-4000:]}"


def distributed_runs(folder, *names):
    """The same fit on one device and under each named distribution, on two host devices."""
    run_helper("jax", "distribute", str(folder), "one_device", *names,
               env={"XLA_FLAGS": "--xla_force_host_platform_device_count=2"})
    return {name: np.load(folder / f"{name}.npz") for name in ("one_device", *names)}


def assert_same_training(run, alone, name):
    assert run["devices"] == 2
    np.testing.assert_allclose(run["losses"], alone["losses"], atol=1e-5, err_msg=name)
    def within_model(paths):  # each run's model takes the next free name
        return [path.split("/", 1)[1] for path in paths]

    assert within_model(run["paths"]) == within_model(alone["paths"])
    for i, path in enumerate(run["paths"]):
        np.testing.assert_allclose(run[f"w{i}"], alone[f"w{i}"], atol=1e-5,
                                   err_msg=f"{name}: {path}")
    moved = np.abs(alone["losses"][-1] - alone["losses"][0])
    assert moved > 1e-3, alone["losses"]  # the steps did something to compare


def test_data_parallel_on_two_jax_devices_trains_as_one_device(tmp_path):
    runs = distributed_runs(tmp_path, "data_parallel")
    parallel = runs["data_parallel"]
    assert set(parallel["spans"]) == {2}, "every variable replicated on both devices"
    assert set(runs["one_device"]["spans"]) == {1}
    assert_same_training(parallel, runs["one_device"], "DataParallel")


@pytest.mark.slow  # a third jitted fit: past the default suite's share for this file
def test_model_parallel_layout_map_shards_the_shared_layers_and_trains_as_one_device(tmp_path):
    runs = distributed_runs(tmp_path, "model_parallel")
    parallel = runs["model_parallel"]
    specs = dict(zip(parallel["paths"], parallel["specs"]))
    group = "albert/encoder/albert_layer_groups_1/albert_layers_0/"
    assert specs["albert/embeddings/word_embeddings/embeddings"] == "P(None, 'model')"
    assert specs[group + "attention/query/kernel"] == "P(None, 'model')"
    assert specs[group + "attention/dense/kernel"] == "P('model', None)"
    assert specs[group + "ffn/kernel"] == "P('model', None)"
    assert specs[group + "ffn_output/kernel"] == "P(None, 'model')"
    assert specs["albert/pooler/kernel"] == "P(None, None)"  # not in the map: replicated
    assert_same_training(parallel, runs["one_device"], "ModelParallel")


def check_mixed(folder, backend, policy, compute, optimizer):
    run_helper(backend, "mixed", str(folder), policy)
    reference = np.load(folder / "float32.npy")
    run = np.load(folder / f"{policy}.npz")
    assert list(run["variable_dtypes"]) == ["float32"]
    assert list(run["compute_dtypes"]) == [compute]
    assert run["logits_dtype"] == compute
    assert run["optimizer"] == optimizer
    logits = run["logits"]
    cosine = (logits * reference).sum() / np.linalg.norm(logits) / np.linalg.norm(reference)
    assert cosine >= 0.999, (cosine, logits, reference)
    losses = run["losses"]
    assert np.all(np.isfinite(losses)), losses
    # From ln 2 on 8 fixed examples: measured last/first 0.6 on both backends.
    assert losses[-1] < 0.8 * losses[0], losses


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_mixed_bfloat16_keeps_float32_variables_and_learns(tmp_path, backend):
    check_mixed(tmp_path, backend, "mixed_bfloat16", "bfloat16", "Adam")


@pytest.mark.slow  # two more processes; float16 with Keras' loss scaling
@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_mixed_float16_keeps_float32_variables_and_learns(tmp_path, backend):
    check_mixed(tmp_path, backend, "mixed_float16", "float16", "LossScaleOptimizer")
