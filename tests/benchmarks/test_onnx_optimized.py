"""ONNX Runtime's transformer optimizer peers: fused files pass their checks, unfused ones are refused."""

import json

import pytest

from benchmarks import onnx_int8, onnx_optimized
from tests.benchmarks.conftest import TINY_ONNX

BASE = {"num_hidden_layers": 12}


@pytest.fixture(scope="module")
def optimized(where):
    """The tiny model's optimized fp32 and int8 files, built as `prepare_transformers` does."""
    onnx_optimized.build(where["onnx_fp32"], where["onnx_fp32_optimized"],
                         where["onnx_int8_optimized"], where["model"])
    return where


def test_albert_base_expects_every_fusion_but_the_first_layers_attention():
    assert onnx_optimized.expected_fusions(BASE) == {"attention": 11, "skip_layer_norm": 24,
                                                     "gelu": 12}


def test_optimized_fp32_passes_its_check_with_the_fusions_counted(optimized):
    result = onnx_optimized.check(optimized["onnx_fp32_optimized"], optimized["model"], False)
    assert result["ok"], result["failures"]
    # gelu_new is the tanh approximation: FastGelu; 2 skip layer norms per application.
    assert result["fused"] == {"attention": 1, "skip_layer_norm": 4, "gelu": 2}
    assert result["optimizer_statistics"]["FastGelu"] == 2


def test_optimized_int8_passes_its_check_with_qattention(optimized):
    result = onnx_optimized.check(optimized["onnx_int8_optimized"], optimized["model"], True,
                                  fp32_source=optimized["onnx_fp32_optimized"])
    assert result["ok"], result["failures"]
    # One QAttention (q, k, v) + 12 MatMulInteger = every dense matmul of 2 applications.
    assert onnx_int8.count_ops(optimized["onnx_int8_optimized"])["QAttention"] == 1
    assert result["int8_matmul_nodes"] == result["expected_dense_matmuls"] == 15


def test_a_graph_the_optimizer_did_not_fuse_is_refused(where):
    # The plain export is what the optimizer leaves when none of its patterns match.
    result = onnx_optimized.check(where["onnx_fp32"], where["model"], False)
    assert not result["ok"]
    assert result["fused"] == {"attention": 0, "skip_layer_norm": 0, "gelu": 0}
    assert len(result["failures"]) == 3
    assert all("fusion patterns did not match" in failure for failure in result["failures"])


def test_a_partial_fusion_is_refused_by_group():
    counts = {"attention": 0, "skip_layer_norm": 4, "gelu": 2}
    failures = onnx_optimized.fusion_failures(counts, TINY_ONNX)
    assert failures == [
        "0 fused attention nodes, expected >= 1: ONNX Runtime's BERT fusion patterns did not "
        "match this graph (Attention/MultiHeadAttention/QAttention)"]


def test_worker_refuses_an_optimized_peer_without_fusions(optimized, tmp_path, capsys):
    from benchmarks import worker

    target = optimized["onnx_fp32_optimized"]
    target.rename(tmp_path / "good.onnx")
    target.write_bytes(optimized["onnx_fp32"].read_bytes())
    try:
        worker.main(["dense", "--peer", "ONNX Runtime fp32 optimized", "--workdir",
                     str(optimized["model"].parent), "--params", json.dumps({"shapes": [[1, 8]]})])
    finally:
        target.unlink()
        (tmp_path / "good.onnx").rename(target)
    out = capsys.readouterr().out
    assert "REFUSED ONNX Runtime fp32 optimized" in out
    result = json.loads(out.splitlines()[-1][len("RESULT "):])
    assert result["rows"] == [] and result["refused"]["fused"]["attention"] == 0
