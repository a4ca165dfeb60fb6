"""OpenVINO peers: the ONNX fp32 export read by OpenVINO, and NNCF post-training int8 of it.

int8 is `nncf.quantize` (model_type TRANSFORMER, the preset NNCF documents for BERT-likes)
calibrated on SST-2 dev sentences tokenized as the peers tokenize them. `check` must pass
before either is timed.
"""

import pathlib

import numpy as np

CALIBRATION_SENTENCES = 64
# OpenVINO's CPU plugin computes in bfloat16 by default where the CPU has AVX512_BF16 or AMX;
# the fp32 peer must compute in fp32 (a bf16 OpenVINO row would be its own, labelled, peer).
FP32 = {"INFERENCE_PRECISION_HINT": "f32"}
BF16 = {"INFERENCE_PRECISION_HINT": "bf16"}


def _calibration(model_folder):
    """Batches of 8 SST-2 sentences with the suite's vocabulary (ids clipped to a tiny test vocab)."""
    import json

    import transformers

    from benchmarks import workload

    vocab = json.loads((pathlib.Path(model_folder) / "config.json").read_text())["vocab_size"]
    tokenizer = transformers.AlbertTokenizer(str(workload.SPIECE))
    sentences = workload.sst2_dev()[0][:CALIBRATION_SENTENCES]
    for start in range(0, len(sentences), 8):
        encoded = tokenizer(sentences[start:start + 8], padding=True, truncation=True,
                            max_length=128, return_tensors="np")
        ids = np.minimum(encoded["input_ids"], vocab - 1).astype(np.int64)
        yield {"input_ids": ids, "attention_mask": encoded["attention_mask"].astype(np.int64),
               "token_type_ids": np.zeros_like(ids)}


def build(onnx_fp32, fp32_xml, int8_xml, model_folder):
    """Writes OpenVINO IR fp32 (`fp32_xml`) and NNCF int8 (`int8_xml`) from the ONNX export."""
    import nncf
    import openvino

    model = openvino.convert_model(str(onnx_fp32))
    openvino.save_model(model, str(fp32_xml), compress_to_fp16=False)
    quantized = nncf.quantize(model, nncf.Dataset(list(_calibration(model_folder))),
                              model_type=nncf.ModelType.TRANSFORMER,
                              subset_size=CALIBRATION_SENTENCES)
    openvino.save_model(quantized, str(int8_xml), compress_to_fp16=False)


def count_ops(xml):
    """{type_name: count} of an OpenVINO IR file's operations."""
    import openvino

    counts = {}
    for op in openvino.Core().read_model(str(xml)).get_ops():
        counts[op.get_type_name()] = counts.get(op.get_type_name(), 0) + 1
    return counts


def check(xml, model_folder, int8, max_logit_error=None, bf16=False):
    """{"ok", "failures", figures}: int8 has FakeQuantize on every dense matmul; logits match.

    `bf16`: compiled in bfloat16 and held to the int8 logit bound (bfloat16 keeps 8 bits).
    """
    import json

    import openvino
    import torch
    import transformers

    from benchmarks import onnx_int8

    config = json.loads((pathlib.Path(model_folder) / "config.json").read_text())
    ops = count_ops(xml)
    expected = onnx_int8.expected_dense_matmuls(config)
    rng = np.random.default_rng(0)
    ids = rng.integers(5, config["vocab_size"], size=(4, 32)).astype(np.int64)
    mask = np.ones_like(ids)
    mask[1, 20:] = 0
    compiled = openvino.Core().compile_model(str(xml), "CPU", BF16 if bf16 else FP32)
    got = compiled({"input_ids": ids, "attention_mask": mask,
                    "token_type_ids": np.zeros_like(ids)})[0]
    model = transformers.AlbertForSequenceClassification.from_pretrained(model_folder).eval()
    with torch.no_grad():
        want = model(input_ids=torch.from_numpy(ids),
                     attention_mask=torch.from_numpy(mask)).logits.numpy()
    error = float(np.abs(got - want).max())
    limit = max_logit_error or (onnx_int8.MAX_LOGIT_ERROR if int8 or bf16
                                 else onnx_int8.FP32_MAX_LOGIT_ERROR)
    agree = onnx_int8.argmax_agreement(got, want, 2 * limit)
    failures = []
    if int8 and ops.get("FakeQuantize", 0) < expected:
        failures.append(f"{ops.get('FakeQuantize', 0)} FakeQuantize ops, expected >= {expected}")
    if agree < 1.0:
        failures.append(f"argmax agrees with transformers on {agree:.0%} of rows")
    if error > limit:
        failures.append(f"max |logit - transformers| {error:.3g} > {limit}")
    return {"ok": not failures, "failures": failures, "fake_quantize": ops.get("FakeQuantize", 0),
            "matmul": ops.get("MatMul", 0), "expected_dense_matmuls": expected,
            "max_logit_error": error, "argmax_agreement": agree}
