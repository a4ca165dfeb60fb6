"""Two worker processes on 127.0.0.1 (MultiWorkerMirroredStrategy via TF_CONFIG) step like one process."""

import json
import os
import socket
import subprocess
import sys

import numpy as np
import pytest

from tests.training.conftest import DATA, REPO


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def _command(spiece, output_dir):
    return [sys.executable, "-m", "albert_keras.training", "finetune", "--task", "banking77",
            "--tiny", "--spiece", spiece, "--data-dir", str(DATA / "banking77"),
            "--epochs", "2", "--limit-train", "64", "--limit-eval", "8", "--batch-size", "16",
            "--max-seq-length", "24", "--output-dir", str(output_dir), "--quiet",
            # Keras clips each replica's gradients before the all-reduce: off, so that
            # two workers compute exactly what one process computes.
            "--clipnorm", "0",
            # Adam's and LAMB's first steps are about sign(gradient): for weights whose
            # gradient is ~0, float32 summation order alone flips them by a whole step.
            "--optimizer", "sgd", "--learning-rate", "0.3"]


def _environment(tf_config=None):
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=str(REPO))
    env.pop("TF_CONFIG", None)
    if tf_config:
        env["TF_CONFIG"] = json.dumps(tf_config)
    return env


def _weights(folder):
    from safetensors.numpy import load_file

    return load_file(str(folder / "model" / "model.safetensors"))


@pytest.mark.slow
def test_two_workers_match_one_process(spiece_path, tmp_path):
    workers = [f"127.0.0.1:{p}" for p in _free_ports(2)]
    processes = [subprocess.Popen(
        _command(spiece_path, tmp_path / "multi"), cwd=REPO, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
        env=_environment({"cluster": {"worker": workers}, "task": {"type": "worker",
                                                                   "index": i}}))
        for i in range(2)]
    single = subprocess.run(_command(spiece_path, tmp_path / "single"), cwd=REPO, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=_environment(),
                            timeout=600, check=False)
    logs = [p.communicate(timeout=600)[0] for p in processes]
    assert [p.returncode for p in processes] == [0, 0], logs[0][-3000:] + logs[1][-3000:]
    assert single.returncode == 0, single.stdout[-3000:]
    assert "strategy: CollectiveAllReduceStrategy (2 replicas)" in logs[0], logs[0][-2000:]
    assert "strategy: _DefaultDistributionStrategy (1 replicas)" in single.stdout
    chief, other = _weights(tmp_path / "multi"), _weights(tmp_path / "multi" / ".workers" /
                                                           "worker-1")
    alone = _weights(tmp_path / "single")
    assert set(chief) == set(alone)
    moved = 0
    for name in alone:
        np.testing.assert_allclose(chief[name], alone[name], rtol=1e-4, atol=1e-6, err_msg=name)
        np.testing.assert_array_equal(chief[name], other[name])
        moved += not np.allclose(alone[name], 0)
    assert moved
    # The logged loss is the global-batch mean in both runs (the loss is divided by the
    # replicas in sync, and Keras averages the workers' logs).
    from albert_keras.training.reporting import read_log

    np.testing.assert_allclose([v for _, v in read_log(str(tmp_path / "multi" / "metrics.csv"))["loss"]],
                               [v for _, v in read_log(str(tmp_path / "single" / "metrics.csv"))["loss"]],
                               rtol=1e-4)
    assert not (tmp_path / "multi" / ".workers" / "worker-1" / "curves.png").exists()
