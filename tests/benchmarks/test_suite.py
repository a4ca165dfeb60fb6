"""The benchmark suite's own logic: FLOP counts, ratios, workers, tables and chart (no timing)."""

import importlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from benchmarks import report, suite, worker, workload
from benchmarks.peers import PEERS, is_ours, is_quantized, require_keras_backend

BASE = {"vocab_size": 30000, "embedding_size": 128, "hidden_size": 768, "num_hidden_layers": 12,
        "intermediate_size": 3072}


def test_forward_flops_count_every_matrix_product_of_albert_base():
    # Per token and layer: q, k, v, out (4 x 768 x 768), ffn in/out (2 x 768 x 3072),
    # scores and context (2 x 128 x 768); plus the 128 -> 768 projection; 2 flops each.
    per_token = 12 * (4 * 768 * 768 + 2 * 768 * 3072 + 2 * 128 * 768) + 128 * 768
    assert workload.forward_flops(BASE, 1, 128) == 2 * 128 * per_token
    assert workload.forward_flops(BASE, 8, 128) == 8 * workload.forward_flops(BASE, 1, 128)
    assert round(workload.forward_flops(BASE, 1, 128) / 1e9, 2) == 22.37


def test_every_planned_peer_is_registered_and_importable():
    for name in set(suite.DENSE + suite.TEXT + suite.TRAIN + suite.MEMORY):
        module, cls, _ = PEERS[name]
        assert hasattr(importlib.import_module(f"benchmarks.peers.{module}"), cls), name
    assert is_ours("albert-keras XLA") and not is_ours("keras-hub XLA")
    assert is_quantized("ONNX Runtime int8") and not is_quantized("ONNX Runtime fp32")
    assert is_quantized("ONNX Runtime int8 optimized")
    assert not is_quantized("ONNX Runtime fp32 optimized")


def _results(tmp_path):
    dense = {"albert-keras XLA": {"rows": [{"batch": 8, "seq": 128, "median_ms": 1000.0}]},
             "keras-hub XLA": {"rows": [{"batch": 8, "seq": 128, "median_ms": 1250.0}]},
             "transformers eager": {"rows": [{"batch": 8, "seq": 128, "median_ms": 1500.0}]},
             "ONNX Runtime int8": {"rows": [{"batch": 8, "seq": 128, "median_ms": 600.0}]},
             "albert-keras TFLite dynamic int8": {"rows": [{"batch": 8, "seq": 128,
                                                           "median_ms": 800.0}]}}
    logits = np.array([[0.5, -0.25]], dtype=np.float32)
    for peer, shift in (("transformers eager", 0.0), ("albert-keras XLA", 1e-6)):
        np.save(tmp_path / f"logits-{peer.replace(' ', '_')}.npy", logits + shift)
    text = {"albert-keras pipeline Keras": {"rows": [{"batch": 32, "sentences_per_s": 30.0,
                                                     "warmup_s": 1.0, "labels": [1, 0, 1, 1]}]},
            "transformers eager": {"rows": [{"batch": 32, "sentences_per_s": 12.0,
                                            "warmup_s": 1.0, "labels": [1, 0, 0, 1]}]}}
    memory = {"albert-keras XLA": {"rows": [{"batch": 8, "seq": 128, "peak_rss_mb": 500.0,
                                             "rss_loaded_mb": 400.0}]},
              "keras-hub XLA": {"rows": [{"batch": 8, "seq": 128, "peak_rss_mb": 1500.0,
                                          "rss_loaded_mb": 900.0}]}}
    train = {"albert-keras XLA": {"rows": [{"batch": 8, "seq": 128, "step_s": 5.0}]},
             "keras-hub XLA": {"rows": [{"batch": 8, "seq": 128, "step_s": 4.0}]}}
    return {"machine": {"cpus": 2, "time": "now"}, "preset": "albert-base-v2", "config": BASE,
            "text_lengths": [128, 128, 128, 128],
            "matmul": [{"library": "numpy", "gflops": 200.0}, {"library": "torch", "gflops": 150.0}],
            "sections": {"dense": dense, "text": text, "memory": memory, "train": train,
                         "tflite": {"rows": [{"mode": "dynamic", "size_mb": 10.4, "cosine": 0.9999,
                                              "ms_1_threads": 200.0, "ms_2_threads": 150.0}]}}}


def test_ratios_compare_with_the_fastest_peer_of_the_same_precision(tmp_path):
    results = _results(tmp_path)
    summary = report.summarize(results, str(tmp_path))
    dense = {r["peer"]: r for r in summary["dense"]}
    assert dense["albert-keras XLA"]["vs_fastest_peer"] == pytest.approx(1.25)  # keras-hub
    assert dense["albert-keras TFLite dynamic int8"]["vs_fastest_peer"] == pytest.approx(0.75)
    flops = workload.forward_flops(BASE, 8, 128)
    assert dense["albert-keras XLA"]["gflops"] == pytest.approx(flops / 1e9)
    assert dense["albert-keras XLA"]["of_peak"] == pytest.approx(flops / 1e9 / 200.0)
    assert dense["albert-keras XLA"]["max_abs_diff_to_transformers"] < 1e-5
    text = {r["peer"]: r for r in summary["text"]}
    assert text["albert-keras pipeline Keras"]["vs_fastest_peer"] == pytest.approx(2.5)
    assert text["albert-keras pipeline Keras"]["label_agreement_to_transformers"] == 0.75
    # Four 128-token sentences at 200 GFLOP/s:
    limit = 4 / (4 * workload.forward_flops(BASE, 1, 128) / 200e9)
    assert summary["text_limit"]["fp32_limit_sentences_per_s"] == pytest.approx(limit)
    assert text["albert-keras pipeline Keras"]["of_fp32_limit"] == pytest.approx(30.0 / limit)
    assert {r["peer"]: r["vs_fastest_peer"] for r in summary["memory"]}["albert-keras XLA"] == 3.0
    assert {r["peer"]: r["vs_fastest_peer"] for r in summary["train"]}["albert-keras XLA"] == 0.8
    results["summary"] = summary
    printed = report.tables(results)
    assert "1. dense inference" in printed and "1.25" in printed and "5. TFLite" in printed
    chart = report.chart(results, str(tmp_path / "suite.png"))
    with open(chart, "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"


class _FakePeer:
    """Stands in for a library: logits from the ids, labels from sentence length."""

    def forward(self, ids, mask):
        return np.stack([ids.sum(1), mask.sum(1)], axis=1).astype("float32")

    def classify(self, sentences, batch_size):
        return np.array([len(s) % 2 for s in sentences])


def test_dense_worker_times_every_shape_and_saves_the_batch_one_logits(tmp_path):
    params = {"shapes": [[1, 128], [2, 16]], "repeats": 2, "vocab_size": 100,
              "logits_file": str(tmp_path / "logits.npy")}
    rows = worker.dense(_FakePeer(), None, params)
    assert [(r["batch"], r["seq"]) for r in rows] == [(1, 128), (2, 16)]
    assert all(r["median_ms"] > 0 for r in rows)
    ids, mask = workload.token_batch(1, 128, 100)
    np.testing.assert_array_equal(np.load(params["logits_file"]), _FakePeer().forward(ids, mask))


def test_text_worker_classifies_real_sst2_sentences_in_order():
    rows = worker.text(_FakePeer(), None, {"batch_sizes": [4], "sentences": 10})
    sentences, _ = workload.sst2_dev()
    assert rows[0]["labels"] == [len(s) % 2 for s in sentences[:10]]
    assert rows[0]["sentences"] == 10 and rows[0]["sentences_per_s"] > 0


def test_sst2_dev_is_the_whole_glue_dev_set():
    sentences, labels = workload.sst2_dev()
    assert len(sentences) == 872 and set(labels) == {0, 1}


def test_suite_refuses_unknown_sections_and_peers(capsys):
    with pytest.raises(SystemExit):
        suite.main(["--sections", "dense,speed"])
    assert "unknown section(s) ['speed']" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        suite.main(["--peers", "tensorflow-hub"])
    assert "unknown peer(s) ['tensorflow-hub']" in capsys.readouterr().err


def test_worker_prints_one_result_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(worker, "make", lambda name: type("P", (_FakePeer,), {
        "load": lambda self, where: None})())
    worker.main(["dense", "--peer", "fake", "--workdir", str(tmp_path), "--params",
                 json.dumps({"shapes": [[1, 8]], "repeats": 1, "vocab_size": 50})])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("RESULT "))
    result = json.loads(line[len("RESULT "):])
    assert result["rows"][0]["batch"] == 1 and result["peak_rss_mb"] > 0


def _checked_peer(check):
    return type("P", (_FakePeer,), {"load": lambda self, where: None,
                                    "build_check": lambda self, where: check})()


def test_a_build_check_runs_in_a_child_process_not_in_the_timed_worker(tmp_path, capsys,
                                                                       monkeypatch):
    """The check's PyTorch reference must not sit in the process that is timed and measured."""
    in_process = []
    monkeypatch.setattr(worker, "make", lambda name: type("P", (_FakePeer,), {
        "load": lambda self, where: None,
        "build_check": lambda self, where: in_process.append(name)})())
    children = []

    def child(command, **kwargs):
        children.append(command)
        refusal = {"ok": False, "failures": ["9 MatMulInteger, 75 expected"]}
        return subprocess.CompletedProcess(command, 0, "RESULT " + json.dumps(
            {"build_check": refusal}) + "\n", "")

    monkeypatch.setattr(worker.subprocess, "run", child)
    worker.main(["memory", "--peer", "ONNX Runtime int8", "--workdir", str(tmp_path)])
    out = capsys.readouterr().out
    assert in_process == []
    assert children and children[0][1:4] == ["-m", "benchmarks.worker", "check"]
    assert "ONNX Runtime int8" in children[0]
    assert "REFUSED ONNX Runtime int8: 9 MatMulInteger, 75 expected" in out


def test_the_check_worker_prints_the_peers_check(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(worker, "make", lambda name: _checked_peer({"ok": True, "int8": 75}))
    worker.main(["check", "--peer", "fake", "--workdir", str(tmp_path)])
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("RESULT "))
    assert json.loads(line[len("RESULT "):]) == {"build_check": {"ok": True, "int8": 75}}


def test_a_crashed_check_refuses_the_peer_with_the_reason(monkeypatch):
    monkeypatch.setattr(worker.subprocess, "run", lambda command, **kwargs:
                        subprocess.CompletedProcess(command, 1, "", "MemoryError: onnx"))
    build = worker.build_check_in_child("ONNX Runtime int8", "/nowhere")
    assert build == {"ok": False,
                     "failures": ["the build check crashed (1): MemoryError: onnx"]}


def test_merge_keeps_the_sections_not_run_again(tmp_path):
    earlier = {"machine": {"time": "2026-11-20 10:00:00"}, "preset": "albert-base-v2",
               "quick": False, "sections": {"dense": {"a": {"rows": [1]}},
                                            "text": {"a": {"rows": [2]}}}}
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(earlier))
    fresh = {"machine": {"time": "2026-11-23 01:00:00"}, "preset": "albert-base-v2",
             "quick": False, "sections": {}, "section_times": {}}
    merged = suite.merge_base(str(path), fresh, ["text"])
    assert merged["sections"] == {"dense": {"a": {"rows": [1]}}}
    assert merged["section_times"] == {"dense": "2026-11-20 10:00:00"}
    assert merged["machine"]["time"] == "2026-11-23 01:00:00"
    with pytest.raises(SystemExit, match="quick=False"):
        suite.merge_base(str(path), dict(fresh, quick=True), ["text"])


def test_prepared_files_are_discarded_when_the_shipped_vocabulary_changed(tmp_path):
    where = workload.paths(tmp_path)
    for name in ("model", "keras_hub", "saved_model", "tflite"):
        where[name].mkdir()
    where["onnx_fp32"].parent.mkdir()
    (where["model"] / "spiece.model").write_bytes(workload.SPIECE.read_bytes())
    workload.discard_if_stale(where)  # same vocabulary: everything kept
    assert all(where[n].is_dir() for n in ("model", "keras_hub", "saved_model", "tflite"))
    (where["model"] / "spiece.model").write_bytes(b"an older vocabulary")
    workload.discard_if_stale(where)
    assert not any(where[n].exists() for n in ("model", "keras_hub", "saved_model", "tflite"))
    assert not where["onnx_fp32"].parent.exists()


def test_peers_run_with_tensorflows_own_onednn_setting(monkeypatch):
    """albert_keras turns oneDNN on when it is imported first; that must not reach the peers."""
    import types

    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "1")
    monkeypatch.setitem(__import__("sys").modules, "albert_keras",
                        types.SimpleNamespace(_ONEDNN_DEFAULTED=True))
    assert "TF_ENABLE_ONEDNN_OPTS" not in suite.worker_environment("keras-hub XLA")
    assert suite.worker_environment("albert-keras XLA")["TF_ENABLE_ONEDNN_OPTS"] == "1"
    # A value the user set (albert_keras did not default it) reaches every worker.
    monkeypatch.setitem(__import__("sys").modules, "albert_keras",
                        types.SimpleNamespace(_ONEDNN_DEFAULTED=False))
    assert suite.worker_environment("keras-hub XLA")["TF_ENABLE_ONEDNN_OPTS"] == "1"


def _backend_results():
    """Ours and keras-hub on three Keras backends; the plain TensorFlow pair only half there."""
    def dense(*times):
        return {"rows": [{"batch": b, "seq": 128, "median_ms": t} for b, t in zip((1, 8), times)]}

    def train(seconds):
        return {"rows": [{"batch": 8, "seq": 128, "step_s": seconds}]}

    return {"machine": {"cpus": 2, "time": "now"}, "preset": "albert-base-v2", "config": BASE,
            "sections": {
                "dense": {"albert-keras XLA": dense(150.0, 1000.0),
                          "keras-hub XLA": dense(165.0, 1100.0),
                          "albert-keras": dense(200.0, 1400.0),  # keras-hub eager not run
                          "albert-keras JAX": dense(100.0, 900.0),
                          "keras-hub JAX": dense(120.0, 720.0),
                          "albert-keras torch": dense(400.0, 2000.0),
                          "keras-hub torch": dense(500.0, 3000.0),
                          "transformers eager": dense(180.0, 1500.0)},
                "train": {"albert-keras XLA": train(3.0), "keras-hub XLA": train(4.5),
                          "albert-keras JAX": train(2.0), "keras-hub JAX": train(2.5),
                          "albert-keras torch": train(6.0), "keras-hub torch": train(4.8)}}}


def test_per_backend_table_sets_each_of_ours_against_keras_hub_on_the_same_backend(tmp_path):
    results = _backend_results()
    summary = report.summarize(results, str(tmp_path))
    ratios = {(r["section"], r["backend"], r["input"]): r["vs_keras_hub"]
              for r in summary["per_backend"]}
    assert ratios == pytest.approx({
        ("dense", "TensorFlow XLA", "1x128"): 1.1, ("dense", "TensorFlow XLA", "8x128"): 1.1,
        ("dense", "JAX", "1x128"): 1.2, ("dense", "JAX", "8x128"): 0.8,
        ("dense", "PyTorch", "1x128"): 1.25, ("dense", "PyTorch", "8x128"): 1.5,
        ("train", "TensorFlow XLA", 8): 1.5, ("train", "JAX", 8): 1.25,
        ("train", "PyTorch", 8): 0.8})  # no plain TensorFlow row: keras-hub eager did not run
    jax = next(r for r in summary["per_backend"] if r["backend"] == "JAX" and r["input"] == 8)
    assert (jax["ours"], jax["keras_hub"], jax["ours_time"], jax["keras_hub_time"]) == (
        "albert-keras JAX", "keras-hub JAX", 2.0, 2.5)
    # keras-hub on JAX / PyTorch is a peer like any other in the fastest-peer ratio.
    dense = {(r["peer"], r["shape"]): r for r in summary["dense"]}
    assert dense["albert-keras JAX", "8x128"]["vs_fastest_peer"] == pytest.approx(0.8)
    assert dense["albert-keras torch", "1x128"]["vs_fastest_peer"] == pytest.approx(0.3)
    train = {r["peer"]: r for r in summary["train"]}
    assert train["albert-keras XLA"]["vs_fastest_peer"] == pytest.approx(2.5 / 3.0)
    results["summary"] = summary
    printed = report.tables(results)
    assert "6. per backend" in printed
    line = next(x for x in printed.splitlines() if "albert-keras torch" in x and "batch 8" in x)
    assert line.split()[-1] == "0.80" and "keras-hub torch" in line


def test_only_a_keras_backend_peer_gets_keras_backend(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")  # as if the suite itself were started on JAX
    assert suite.worker_environment("albert-keras torch")["KERAS_BACKEND"] == "torch"
    assert suite.worker_environment("keras-hub JAX")["KERAS_BACKEND"] == "jax"
    for peer in ("albert-keras XLA", "keras-hub XLA", "transformers eager", None):
        assert "KERAS_BACKEND" not in suite.worker_environment(peer), peer


def test_a_backend_peer_refuses_to_run_on_another_backend():
    import keras

    other = "torch" if keras.backend.backend() != "torch" else "jax"
    with pytest.raises(RuntimeError, match=f"not '{other}': KERAS_BACKEND={other}"):
        require_keras_backend(other)
    require_keras_backend(keras.backend.backend())


def test_worker_imports_no_keras_before_its_backend_is_chosen():
    """KERAS_BACKEND only counts if keras is first imported after it is set: by the peer."""
    check = ("import sys, benchmarks.worker, benchmarks.peers.albert_keras_peer, "
             "benchmarks.peers.keras_hub_peer; "
             "print(sorted({'keras', 'tensorflow', 'jax', 'torch'} & set(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          check=True, cwd=workload.ROOT,
                          env=dict(os.environ, PYTHONPATH=str(workload.ROOT)))
    assert done.stdout.strip() == "[]"
