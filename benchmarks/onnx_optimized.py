"""ONNX Runtime with its transformer optimizer: fused fp32 and int8 files, and their checks.

`onnxruntime.transformers.optimizer.optimize_model(model_type="bert")` rewrites the export's
subgraphs into ONNX Runtime's fused CPU kernels (Attention, SkipLayerNormalization, FastGelu).
It is called as ONNX Runtime documents it for BERT: `num_heads` and `hidden_size` from the
config, `opt_level=1` (the bert default: ONNX Runtime's basic, hardware-independent rewrites
first), `use_gpu=False`, and the Python fusions on (`only_onnxruntime=True` would skip them,
leaving what a plain session does at load time anyway).

int8: ONNX Runtime's quantization guide says to run the transformer optimizer before
quantizing (its fused Attention becomes QAttention). As ONNX Runtime's own benchmark does
(`onnxruntime/transformers/onnx_exporter.py`, `optimize_onnx_model` then
`QuantizeHelper.quantize_onnx_model`), the int8 source is optimized with the
EmbedLayerNormalization fusion off and quantized with `DefaultTensorType` FLOAT (ONNX shape
inference knows no fused op's output type); quantization is then `benchmarks.onnx_int8.build`.

ALBERT against the BERT patterns: the first layer application's attention is not fused. Its
residual input is the E -> H projection (MatMul + Add) where BERT has a LayerNorm, and the
attention pattern (`fusion_attention.py`, the path Add <- MatMul <- Reshape from the
LayerNorm after attention) follows that projection's Add instead of the attention output's.
`expected_fusions` counts on every other application; `check` refuses the file when fewer
fusions happened, and reports what the optimizer said (`get_fused_operator_statistics()`).
"""

import json
import pathlib

import numpy as np

from benchmarks import onnx_int8

# Fused op types, grouped by what they replace; QAttention is a quantized Attention.
FUSED = {
    "attention": ("Attention", "MultiHeadAttention", "QAttention"),
    "skip_layer_norm": ("SkipLayerNormalization", "SkipSimplifiedLayerNormalization"),
    "gelu": ("Gelu", "FastGelu", "BiasGelu", "GemmFastGelu"),
}


def statistics_path(onnx_path):
    """Where `build` keeps the optimizer's own fusion statistics for an optimized file."""
    return pathlib.Path(onnx_path).with_suffix(".fusions.json")


def optimize(fp32_path, out_path, config, for_int8=False):
    """Runs the transformer optimizer on `fp32_path`, writes `out_path`; returns its statistics."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    if for_int8:
        options.enable_embed_layer_norm = False
    model = optimize_model(str(fp32_path), model_type="bert",
                           num_heads=config["num_attention_heads"],
                           hidden_size=config["hidden_size"], optimization_options=options,
                           opt_level=1, use_gpu=False, only_onnxruntime=False)
    model.save_model_to_file(str(out_path))
    return model.get_fused_operator_statistics()


def build(fp32_path, optimized_path, int8_path, model_folder):
    """Writes the optimized fp32 file and the int8 file quantized from an optimized one.

    Each file gets its optimizer statistics beside it (`statistics_path`); the int8 file is
    written last, so its presence means both are complete.
    """
    import onnx

    config = json.loads((pathlib.Path(model_folder) / "config.json").read_text())
    optimized_path, int8_path = pathlib.Path(optimized_path), pathlib.Path(int8_path)
    tmp = optimized_path.with_suffix(".tmp.onnx")
    statistics = optimize(fp32_path, tmp, config)
    statistics_path(optimized_path).write_text(json.dumps(statistics, indent=1))
    tmp.rename(optimized_path)
    source = int8_path.with_suffix(".fused.onnx")
    statistics = optimize(fp32_path, source, config, for_int8=True)
    statistics_path(int8_path).write_text(json.dumps(statistics, indent=1))
    onnx_int8.build(source, int8_path,
                    extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    source.unlink()


def expected_fusions(config):
    """Fused nodes the optimizer must leave in an ALBERT graph, by `FUSED` group.

    Per layer application: one attention (every application but the first, see the module
    docstring), two SkipLayerNormalization (after attention, after the feed-forward) and one
    gelu. albert-base: 11 attention, 24 skip layer norms, 12 gelu.
    """
    layers = config["num_hidden_layers"]
    return {"attention": layers - 1, "skip_layer_norm": 2 * layers, "gelu": layers}


def fused_counts(ops):
    """{group: fused nodes} of an ONNX graph's {op_type: count}."""
    return {group: sum(ops.get(op, 0) for op in types) for group, types in FUSED.items()}


def fusion_failures(counts, config):
    """One failure per `FUSED` group with fewer fused nodes than `expected_fusions`."""
    failures = []
    for group, expected in expected_fusions(config).items():
        if counts[group] < expected:
            failures.append(
                f"{counts[group]} fused {group} nodes, expected >= {expected}: ONNX Runtime's "
                f"BERT fusion patterns did not match this graph ({'/'.join(FUSED[group])})")
    return failures


def check(path, model_folder, int8, fp32_source=None):
    """Whether an optimized file is a real peer: {"ok", "failures", and the measured figures}.

    Both: the fusions happened (`expected_fusions`). fp32: logits within
    `onnx_int8.FP32_MAX_LOGIT_ERROR` of transformers, same label on every decisive row.
    int8: `onnx_int8.check` against `fp32_source` (the optimized fp32 file), a QAttention
    counting as its three int8 projections.
    """
    config = json.loads((pathlib.Path(model_folder) / "config.json").read_text())
    counts = fused_counts(onnx_int8.count_ops(path))
    failures = fusion_failures(counts, config)
    result = {"fused": counts, "expected_fusions": expected_fusions(config)}
    stats = statistics_path(path)
    if stats.is_file():
        result["optimizer_statistics"] = {op: n for op, n in json.loads(stats.read_text()).items()
                                          if n}
    if int8:
        quantized = onnx_int8.check(fp32_source, path, model_folder)
        failures += quantized.pop("failures")
        quantized.pop("ok")
        result.update(quantized)
    else:
        batch = onnx_int8.reference_batch(config)
        got = onnx_int8.onnxruntime_logits(path, batch)
        want = onnx_int8.transformers_logits(model_folder, batch)
        error = float(np.abs(got - want).max())
        agree = onnx_int8.argmax_agreement(got, want, 2 * onnx_int8.FP32_MAX_LOGIT_ERROR)
        if agree < 1.0:
            failures.append(f"argmax agrees with transformers on {agree:.0%} of rows")
        if error > onnx_int8.FP32_MAX_LOGIT_ERROR:
            failures.append(f"max |logit - transformers| {error:.3g} > "
                            f"{onnx_int8.FP32_MAX_LOGIT_ERROR}")
        result.update({"max_logit_error": error, "argmax_agreement": agree,
                       "file_mb": round(pathlib.Path(path).stat().st_size / 1e6, 2)})
    return {"ok": not failures, "failures": failures, **result}
