"""The GEMM limits: each precision's kernels run here, and each row's peak is its own precision's."""

import json

import numpy as np
import pytest

from benchmarks import gemm, report, suite, worker
from tests.benchmarks.test_suite import BASE

SMALL = (32, 256, 128)


def test_onnxruntime_int8_gemm_runs_matmulinteger():
    pytest.importorskip("onnxruntime")
    row = gemm.onnxruntime_int8(SMALL, repeats=1)
    assert row["precision"] == "int8" and row["shape"] == "32x256x128" and row["gflops"] > 0


def test_litert_int8_gemm_has_int8_weights():
    pytest.importorskip("ai_edge_litert")
    row = gemm.litert_int8(SMALL, repeats=1)
    assert row["int8_weights"] is True and row["gflops"] > 0


def test_peaks_are_per_precision_and_skip_failed_kernels():
    rows = [{"library": "numpy", "gflops": 200.0},  # rows from before precisions: fp32
            {"library": "torch", "precision": "fp32", "gflops": 180.0},
            {"library": "torch", "precision": "bf16", "gflops": 400.0},
            {"library": "onnxruntime_int8", "precision": "int8", "error": "ImportError"},
            {"library": "LiteRT", "precision": "int8", "gflops": 800.0}]
    assert gemm.peaks(rows) == {"fp32": 200.0, "bf16": 400.0, "int8": 800.0}


def test_rows_are_measured_against_their_own_precisions_peak(tmp_path):
    ms = {"albert-keras": 1000.0, "albert-keras bfloat16": 500.0,
          "albert-keras TFLite dynamic int8": 400.0, "ONNX Runtime int8": 800.0,
          "OpenVINO bf16": 625.0, "transformers eager": 2000.0}
    results = {"config": BASE, "sections": {"dense": {
        peer: {"rows": [{"batch": 8, "seq": 128, "median_ms": value}]}
        for peer, value in ms.items()}},
        "matmul": [{"library": "numpy", "precision": "fp32", "gflops": 200.0},
                   {"library": "torch", "precision": "bf16", "gflops": 400.0},
                   {"library": "LiteRT", "precision": "int8", "gflops": 800.0}]}
    rows = {r["peer"]: r for r in report.summarize(results, str(tmp_path))["dense"]}
    for peer, peak in (("albert-keras", 200.0), ("albert-keras bfloat16", 400.0),
                       ("albert-keras TFLite dynamic int8", 800.0)):
        assert rows[peer]["of_peak"] == pytest.approx(rows[peer]["gflops"] / peak)
    bf16 = rows["albert-keras bfloat16"]
    assert bf16["precision"] == "bf16"
    assert bf16["vs_fastest_peer"] == pytest.approx(625 / 500)  # OpenVINO bf16, not fp32 peers
    assert bf16["vs_fastest_fp32"] == pytest.approx(1000 / 500)  # ours is the fastest fp32
    assert bf16["vs_fastest_int8"] == pytest.approx(400 / 500)
    assert "vs_fastest_fp32" not in rows["albert-keras"]
    assert np.isclose(rows["albert-keras TFLite dynamic int8"]["vs_fastest_peer"], 2.0)


def test_the_matmul_worker_measures_one_kernel_in_its_process(capsys):
    worker.main(["matmul", "--workdir", ".", "--params",
                 json.dumps({"kernel": "numpy fp32", "n": 64, "repeats": 1})])
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("RESULT ")][-1]
    rows = json.loads(line[len("RESULT "):])["rows"]
    assert [(r["library"], r["precision"], r["shape"]) for r in rows] == [("numpy", "fp32", "64x64x64")]
    assert rows[0]["gflops"] > 0


def test_a_kernel_that_cannot_run_is_a_row_with_its_error(monkeypatch):
    def broken(n, repeats):
        raise ImportError("no module named onnxruntime")

    monkeypatch.setitem(gemm.KERNELS, "onnxruntime MatMulInteger int8", broken)
    row = gemm.measure_kernel("onnxruntime MatMulInteger int8", 64, 1)
    assert row == {"library": "onnxruntime MatMulInteger", "precision": "int8",
                   "error": "ImportError: no module named onnxruntime"}
    assert "int8" not in gemm.peaks([row])


def test_the_suite_starts_one_worker_per_kernel(tmp_path, monkeypatch):
    started = []

    def fake_worker(section, workdir, params, peer=None, log=print):
        started.append((section, params.get("kernel")))
        if section == "matmul":
            name = params["kernel"]
            return {"rows": [{"library": name.rsplit(" ", 1)[0], "precision": name.rsplit(" ", 1)[1],
                              "gflops": 1.0}]}
        return {"rows": []}

    monkeypatch.setattr(suite, "run_worker", fake_worker)
    monkeypatch.setattr(suite.report, "chart", lambda results, path: None)
    results = suite.main(["--sections", "dense", "--peers", "albert-keras", "--quick",
                          "--workdir", str(tmp_path / "work"), "--out", str(tmp_path / "out")])
    assert [k for s, k in started if s == "matmul"] == list(gemm.KERNELS)
    assert len(results["matmul"]) == len(gemm.KERNELS)
