"""The GEMM limits: each precision's kernels run here, and each row's peak is its own precision's."""

import numpy as np
import pytest

from benchmarks import gemm, report
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
