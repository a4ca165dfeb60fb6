"""ONNX Runtime int8, built the way its documentation builds it, and the check it must pass first.

The plain recipe (`quantize_dynamic` straight on the TorchScript export) is a trap for
ALBERT: the one shared layer's weights reach its MatMuls through `Identity` nodes, so the
quantizer sees no constant initializer and leaves almost every MatMul in fp32 (40 MB against
47 MB fp32 for albert-base, at fp32 speed; ../shared/FIELD_NOTES.md). ONNX Runtime's own
pre-processing (`quant_pre_process`: shape inference and onnx graph optimization, which folds
those `Identity` nodes into per-application initializers) comes first, then `quantize_dynamic`.
"""

import pathlib

import numpy as np

INT8_OPS = ("MatMulInteger", "DynamicQuantizeMatMul", "QLinearMatMul", "MatMulIntegerToFloat")
MAX_SIZE_RATIO = 0.35  # int8 weights are 1/4 of fp32; embeddings and biases stay fp32
MAX_LOGIT_ERROR = 0.1  # |int8 - transformers| on logits, absolute
FP32_MAX_LOGIT_ERROR = 5e-3  # |fp32 - transformers|: another runtime's kernels, same arithmetic


def build(fp32_path, int8_path, per_channel=False, reduce_range=False, extra_options=None):
    """`quant_pre_process` then `quantize_dynamic` (QInt8 weights): the documented recipe.

    `extra_options` go to `quantize_dynamic` (`benchmarks.onnx_optimized` needs one).
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.shape_inference import quant_pre_process

    int8_path = pathlib.Path(int8_path)
    pre = int8_path.with_suffix(".pre.onnx")
    quant_pre_process(str(fp32_path), str(pre), skip_symbolic_shape=True)
    tmp = int8_path.with_suffix(".tmp.onnx")
    quantize_dynamic(pre, tmp, weight_type=QuantType.QInt8, per_channel=per_channel,
                     reduce_range=reduce_range, extra_options=extra_options)
    pre.unlink()
    tmp.rename(int8_path)


def build_plain(fp32_path, int8_path):
    """The old recipe, kept only so the tests can show that `check` refuses it."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(fp32_path, int8_path, weight_type=QuantType.QInt8)


def count_ops(path):
    """{op_type: count} of the nodes in the main graph of an ONNX file."""
    import onnx

    counts = {}
    for node in onnx.load(str(path), load_external_data=False).graph.node:
        counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def weight_bytes(path):
    """Bytes of the initializers (the weights) of an ONNX file, graph structure left out."""
    import onnx

    return sum(t.ByteSize() for t in onnx.load(str(path)).graph.initializer)


def expected_dense_matmuls(config):
    """The dense matmuls of the exported graph, counted as TorchScript unrolls ALBERT.

    The shared layer is applied `num_hidden_layers` times and each application is its own set
    of nodes: q, k, v, attention output, ffn, ffn_output (6 each); plus the E -> H embedding
    projection, the pooler and the classifier (3). The two attention products (scores and
    context) multiply activations, not weights, and stay fp32 under dynamic quantization.
    albert-base: 12 x 6 + 3 = 75.
    """
    return 6 * config["num_hidden_layers"] + 3


def argmax_agreement(got, want, margin):
    """Share of rows with transformers' label, over rows whose top-2 logit gap exceeds `margin`.

    A random classifier's near-tied rows flip under any int8 rounding; those say nothing.
    """
    top2 = np.sort(want, axis=-1)[:, -2:]
    decisive = (top2[:, 1] - top2[:, 0]) > margin
    if not decisive.any():
        return 1.0
    return float(np.mean(got.argmax(-1)[decisive] == want.argmax(-1)[decisive]))


def reference_batch(config):
    """(input_ids, attention_mask) int64, 4 x 32, one row padded after 20 tokens: what checks run."""
    rng = np.random.default_rng(0)
    ids = rng.integers(5, config["vocab_size"], size=(4, 32))
    mask = np.ones_like(ids)
    mask[1, 20:] = 0
    return ids, mask


def onnxruntime_logits(path, batch):
    """Logits of an ONNX file on the CPU provider for `batch` = (input_ids, attention_mask)."""
    import onnxruntime

    ids, mask = (np.asarray(a, dtype=np.int64) for a in batch)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(["logits"], {"input_ids": ids, "attention_mask": mask,
                                    "token_type_ids": np.zeros_like(ids)})[0]


def transformers_logits(model_folder, batch):
    """The reference: transformers' PyTorch classifier in `model_folder` on `batch`."""
    import torch
    import transformers

    ids, mask = (torch.from_numpy(np.asarray(a, dtype=np.int64)) for a in batch)
    model = transformers.AlbertForSequenceClassification.from_pretrained(model_folder).eval()
    with torch.no_grad():
        return model(input_ids=ids, attention_mask=mask).logits.numpy()


def int8_matmul_nodes(ops):
    """Dense matmuls an ONNX graph computes in int8, from its {op_type: count}.

    A `QAttention` (a fused Attention quantized by `quantize_dynamic`) holds the q, k and v
    projections: 3 dense matmuls.
    """
    return sum(ops.get(op, 0) for op in INT8_OPS) + 3 * ops.get("QAttention", 0)


def check(fp32_path, int8_path, model_folder, batch=None):
    """Whether the int8 file is a real int8 peer: {"ok", "failures", and the measured figures}.

    Verifies (1) at least `expected_dense_matmuls` int8 matmul nodes, (2) its weights are at
    most 0.35x the fp32 ones (initializer bytes: on albert-base the file sizes give the same
    ratio, on a tiny test model the graph's own bytes would dominate the file), (3) logits
    from ONNX Runtime agree with transformers on `batch` (the same argmax on every row and
    within MAX_LOGIT_ERROR). `fp32_path` is the file the int8 one was quantized from.
    """
    import json

    config = json.loads((pathlib.Path(model_folder) / "config.json").read_text())
    ops = count_ops(int8_path)
    int8_ops = int8_matmul_nodes(ops)
    expected = expected_dense_matmuls(config)
    ratio = weight_bytes(int8_path) / weight_bytes(fp32_path)
    file_ratio = pathlib.Path(int8_path).stat().st_size / pathlib.Path(fp32_path).stat().st_size
    batch = reference_batch(config) if batch is None else batch
    got = onnxruntime_logits(int8_path, batch)
    want = transformers_logits(model_folder, batch)
    error = float(np.abs(got - want).max())
    agree = argmax_agreement(got, want, 2 * MAX_LOGIT_ERROR)
    failures = []
    if int8_ops < expected:
        failures.append(f"{int8_ops} int8 matmul nodes, expected >= {expected}")
    if ratio > MAX_SIZE_RATIO:
        failures.append(f"weights are {ratio:.2f}x fp32, expected <= {MAX_SIZE_RATIO}")
    if agree < 1.0:
        failures.append(f"argmax agrees with transformers on {agree:.0%} of rows")
    if error > MAX_LOGIT_ERROR:
        failures.append(f"max |logit - transformers| {error:.3g} > {MAX_LOGIT_ERROR}")
    return {"ok": not failures, "failures": failures, "int8_matmul_nodes": int8_ops,
            "expected_dense_matmuls": expected, "fp32_matmul_nodes": ops.get("MatMul", 0),
            "weight_ratio": round(ratio, 3), "file_ratio": round(file_ratio, 3),
            "file_mb": round(pathlib.Path(int8_path).stat().st_size / 1e6, 2),
            "max_logit_error": error, "argmax_agreement": agree}
