"""A tiny random ALBERT classifier exported to ONNX through the suite's own code path."""

import pytest

from benchmarks import workload

# 2 layer applications, 4 heads, hidden 64: every ONNX check's counts stay small.
TINY_ONNX = {"vocab_size": 99, "embedding_size": 16, "hidden_size": 64, "num_hidden_layers": 2,
             "num_attention_heads": 4, "intermediate_size": 128, "max_position_embeddings": 64}


@pytest.fixture(scope="module")
def where(tmp_path_factory):
    """`workload.paths` of a work folder holding the tiny model and its plain ONNX files."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    where = workload.paths(tmp_path_factory.mktemp("onnx"))
    torch.manual_seed(0)
    config = transformers.AlbertConfig(**TINY_ONNX, num_labels=2)
    transformers.AlbertForSequenceClassification(config).eval().save_pretrained(where["model"])
    workload._export_onnx(where)
    return where
