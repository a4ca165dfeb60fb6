"""The ONNX Runtime int8 peer: the documented recipe passes its check, the old plain one is refused."""

import json

from benchmarks import onnx_int8, workload
from tests.benchmarks.conftest import TINY_ONNX as TINY


def test_documented_recipe_passes_the_check(where):
    # 2 layer applications x (q, k, v, out, ffn, ffn_output) + embedding projection,
    # pooler, classifier.
    assert onnx_int8.expected_dense_matmuls(TINY) == 15
    result = onnx_int8.check(where["onnx_fp32"], where["onnx_int8"], where["model"])
    assert result["ok"], result["failures"]
    assert result["int8_matmul_nodes"] >= 15 and result["weight_ratio"] <= 0.35


def test_old_plain_quantize_dynamic_is_refused(where, tmp_path):
    plain = tmp_path / "plain.int8.onnx"
    onnx_int8.build_plain(where["onnx_fp32"], plain)
    result = onnx_int8.check(where["onnx_fp32"], plain, where["model"])
    assert not result["ok"]
    assert any("int8 matmul nodes" in failure for failure in result["failures"])


def test_worker_refuses_a_peer_that_fails_its_check(where, tmp_path, capsys):
    from benchmarks import worker

    onnx_int8.build_plain(where["onnx_fp32"], tmp_path / "plain.onnx")
    workdir = where["model"].parent
    where["onnx_int8"].rename(tmp_path / "good.onnx")
    (tmp_path / "plain.onnx").rename(where["onnx_int8"])
    try:
        worker.main(["dense", "--peer", "ONNX Runtime int8", "--workdir", str(workdir),
                     "--params", json.dumps({"shapes": [[1, 8]]})])
    finally:
        where["onnx_int8"].unlink()
        (tmp_path / "good.onnx").rename(where["onnx_int8"])
    out = capsys.readouterr().out
    assert "REFUSED ONNX Runtime int8" in out
    result = json.loads(out.splitlines()[-1][len("RESULT "):])
    assert result["rows"] == [] and not result["refused"]["ok"]


def test_openvino_fp32_and_nncf_int8_pass_their_checks(where):
    from benchmarks import openvino_build

    workload.prepare_transformers(where["model"].parent, "albert-base-v2")  # model there: builds OpenVINO only
    for xml, int8 in ((where["openvino_fp32"], False), (where["openvino_int8"], True)):
        result = openvino_build.check(xml, where["model"], int8)
        assert result["ok"], (xml, result["failures"])
    assert openvino_build.count_ops(where["openvino_int8"]).get("FakeQuantize", 0) >= 15
    assert openvino_build.count_ops(where["openvino_fp32"]).get("FakeQuantize", 0) == 0
