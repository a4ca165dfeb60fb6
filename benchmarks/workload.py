"""What every peer runs: one albert-base-v2-shaped classifier, its token ids, SST-2 dev text, FLOPs.

All peers load the same weights (random, seeded: speed does not depend on their values,
and the suite checks that every peer computes the same logits). `prepare` writes, once
per work folder:

- `model/`: the transformers checkpoint (config.json, model.safetensors, spiece.model);
- `keras_hub/`: the same weights as a keras-hub preset (our converter);
- `onnx/`: the transformers model exported to ONNX, fp32 and ONNX Runtime dynamic int8,
  and both again through ONNX Runtime's transformer optimizer (`benchmarks.onnx_optimized`);
- `tflite/`, `saved_model/`: our exports of it (every quantization mode at lengths 128
  and 384, and any-length float32 / dynamic files for the pipelines).

Each step runs in its own process (`python -m benchmarks.worker prepare-...`), so no
library's import is paid by another's measurement.
"""

import csv
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
SST2_DEV = ROOT / "tests" / "data" / "sst2" / "dev.tsv"
# The shipped model's 8,000-piece English vocabulary: real tokenization of real text.
SPIECE = ROOT / "albert_keras" / "assets" / "albert-tiny-en" / "spiece.model"
ARCHITECTURE = ("vocab_size", "embedding_size", "hidden_size", "num_hidden_layers",
                "num_hidden_groups", "num_attention_heads", "intermediate_size",
                "inner_group_num", "hidden_act", "max_position_embeddings", "type_vocab_size")


def config_dict(preset="albert-base-v2"):
    """The preset's architecture as transformers `AlbertConfig` keyword arguments."""
    from albert_keras import AlbertConfig

    config = AlbertConfig.from_preset(preset)
    return {key: getattr(config, key) for key in ARCHITECTURE}


def token_batch(batch, seq, vocab_size, seed=0):
    """(input_ids, attention_mask) int32 arrays of random in-vocabulary ids, nothing padded."""
    ids = np.random.default_rng(seed).integers(5, vocab_size, size=(batch, seq)).astype("int32")
    return ids, np.ones_like(ids)


def sst2_dev():
    """(sentences, labels) of the 872 SST-2 dev sentences (GLUE; see tests/data/SOURCE.md)."""
    with open(SST2_DEV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"].strip() for row in rows], np.array([int(row["label"]) for row in rows])


def sentence_lengths(sentences, spiece=SPIECE):
    """Token count of each sentence as the classifier sees it: [CLS] pieces [SEP], at most 128."""
    from albert_keras.tokenization import AlbertTokenizer

    tokenizer = AlbertTokenizer(str(spiece))
    return [min(128, len(ids)) for ids in tokenizer(sentences)["input_ids"]]


def forward_flops(config, batch, seq):
    """Floating-point operations (2 per multiply-add) of the matrix products of one forward pass.

    Per layer application: Q, K, V and output projections (4 H^2 per token), the
    feed-forward pair (2 H I per token) and the two attention products (2 S H per
    token); plus the E -> H embedding projection. Elementwise work is left out.
    """
    hidden, inter = config["hidden_size"], config["intermediate_size"]
    per_token_layer = 4 * hidden * hidden + 2 * hidden * inter + 2 * seq * hidden
    per_token = config["num_hidden_layers"] * per_token_layer + config["embedding_size"] * hidden
    return 2.0 * batch * seq * per_token


def paths(workdir):
    """The artifacts `prepare` writes under `workdir`."""
    workdir = pathlib.Path(workdir)
    return {
        "model": workdir / "model",
        "keras_hub": workdir / "keras_hub",
        "onnx_fp32": workdir / "onnx" / "model.onnx",
        "onnx_int8": workdir / "onnx" / "model.int8.onnx",
        "onnx_fp32_optimized": workdir / "onnx" / "model.optimized.onnx",
        "onnx_int8_optimized": workdir / "onnx" / "model.optimized.int8.onnx",
        "openvino_fp32": workdir / "openvino" / "model.xml",
        "openvino_int8": workdir / "openvino" / "model.int8.xml",
        "tflite": workdir / "tflite",
        "saved_model": workdir / "saved_model",
    }


def discard_if_stale(where):
    """Removes every prepared file when the shipped vocabulary changed since they were made.

    The peers tokenize with the workdir's copy of `spiece.model`, while the no-padding
    limit counts tokens with the shipped one: a kept workdir must not mix the two.
    """
    import shutil

    kept = where["model"] / "spiece.model"
    if not kept.is_file() or kept.read_bytes() == SPIECE.read_bytes():
        return
    print(f"{SPIECE} changed since {where['model'].parent} was prepared: preparing again")
    for path in (where["model"], where["keras_hub"], where["saved_model"], where["tflite"],
                 where["onnx_fp32"].parent, where["openvino_fp32"].parent):
        if path.is_dir():
            shutil.rmtree(path)


def prepare_transformers(workdir, preset, seed=0):
    """Writes the random classifier in transformers' layout, then its ONNX and OpenVINO twins."""
    import shutil

    import torch
    import transformers

    where = paths(workdir)
    discard_if_stale(where)
    if not (where["model"] / "config.json").is_file():
        torch.manual_seed(seed)
        config = transformers.AlbertConfig(**config_dict(preset), num_labels=2)
        model = transformers.AlbertForSequenceClassification(config).eval()
        tmp = where["model"].with_name("model.tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        model.save_pretrained(tmp, safe_serialization=True)
        shutil.copy(SPIECE, tmp / "spiece.model")
        transformers.AlbertTokenizer(str(SPIECE)).save_pretrained(tmp)
        tmp.rename(where["model"])
    if not where["onnx_int8"].is_file():
        _export_onnx(where)
    if not where["onnx_int8_optimized"].is_file():
        from benchmarks import onnx_optimized

        onnx_optimized.build(where["onnx_fp32"], where["onnx_fp32_optimized"],
                             where["onnx_int8_optimized"], where["model"])
    if not where["openvino_int8"].is_file():
        from benchmarks import openvino_build

        where["openvino_int8"].parent.mkdir(parents=True, exist_ok=True)
        openvino_build.build(where["onnx_fp32"], where["openvino_fp32"], where["openvino_int8"],
                             where["model"])


def _export_onnx(where):
    """transformers -> ONNX (TorchScript exporter, dynamic batch and length), then int8.

    int8 is ONNX Runtime's `quant_pre_process` then `quantize_dynamic` (int8 weights,
    activations quantized per batch at run time): `benchmarks.onnx_int8.build`.
    """
    import torch
    import transformers

    from benchmarks import onnx_int8

    model = transformers.AlbertForSequenceClassification.from_pretrained(where["model"]).eval()
    where["onnx_fp32"].parent.mkdir(parents=True, exist_ok=True)
    ids = torch.ones(1, 16, dtype=torch.long)
    axes = {0: "batch", 1: "sequence"}
    fp32_tmp = where["onnx_fp32"].with_suffix(".tmp.onnx")
    torch.onnx.export(model, (ids, torch.ones_like(ids), torch.zeros_like(ids)), fp32_tmp,
                      input_names=["input_ids", "attention_mask", "token_type_ids"],
                      output_names=["logits"], opset_version=17, dynamo=False,
                      dynamic_axes={"input_ids": axes, "attention_mask": axes,
                                    "token_type_ids": axes, "logits": {0: "batch"}})
    fp32_tmp.rename(where["onnx_fp32"])
    onnx_int8.build(where["onnx_fp32"], where["onnx_int8"])


def keras_exports(sections):
    """What the requested sections run of ours: {"saved_model": bool, "tflite": {folder: modes}}.

    A folder is a sequence length ("128", "384") or "any" (the files `albert_keras.pipeline`
    resizes per call). Only the `tflite` section needs every mode; the dense section times the
    float32, dynamic and int8 files at 128 and float32 and dynamic at 384.

    >>> keras_exports(["train"])
    {'saved_model': False, 'tflite': {}}
    """
    from albert_keras.export import MODES

    tflite = {}

    def need(folder, modes):
        tflite[folder] = [m for m in MODES if m in set(tflite.get(folder, [])) | set(modes)]

    sections = set(sections)
    if "dense" in sections:
        need("128", ["float32", "dynamic", "int8"])
        need("384", ["float32", "dynamic"])
    if sections & {"dense", "text", "memory"}:
        need("any", ["float32", "dynamic"])
    if "memory" in sections:
        need("128", ["float32", "dynamic"])
    if "tflite" in sections:
        need("128", list(MODES))
    return {"saved_model": "text" in sections, "tflite": tflite}


def prepare_keras(workdir, sections=("dense", "text", "memory", "tflite")):
    """Our exports that `sections` need (`keras_exports`) and the keras-hub preset.

    An export runs again only when a file it needs is missing, so a kept `--workdir` is reused.
    """
    from albert_keras.export import export_saved_model, export_tflite

    from albert_keras import AlbertForSequenceClassification
    from albert_keras.checkpoints.keras_hub import save_preset

    where = paths(workdir)
    sentences, _labels = sst2_dev()
    needed = keras_exports(sections)
    if not (where["keras_hub"] / "config.json").is_file():
        model = AlbertForSequenceClassification.from_pretrained(where["model"])
        save_preset(model, where["keras_hub"], vocabulary=str(where["model"] / "spiece.model"))
    if needed["saved_model"] and not where["saved_model"].is_dir():
        export_saved_model(where["model"], where["saved_model"], "text-classification",
                           name="classifier", version=1, texts=sentences[:16])
    for folder, modes in needed["tflite"].items():
        out = where["tflite"] / folder
        any_length = folder == "any"
        suffix = "-any-length" if any_length else ""
        if all((out / f"albert-text-classification-{m}{suffix}.tflite").is_file() for m in modes):
            continue
        # strict=False: a random classifier's near-tied labels can fail the label agreement
        # bound; speed and size are still what the suite measures.
        export_tflite(where["model"], out, "text-classification", quantize=modes,
                      sequence_length=None if any_length else int(folder),
                      texts=sentences[:32], latency_runs=1, strict=False,
                      **({} if any_length else {"calibration_texts": sentences[:200]}))
