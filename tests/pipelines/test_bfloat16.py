"""bfloat16 inference: `pipeline(..., dtype="bfloat16")`, `KerasRuntime(dtype=...)`, `--dtype`.

The accuracy bounds of issue #24 on the shipped SST-2 classifier over SST-2 dev
(tests/data/sst2/dev.tsv holds all 872 sentences, so neither step reads beside the clone):
logits cosine >= 0.999 to float32 and >= 99% of the labels the same.
"""

import csv
import pathlib

import numpy as np
import pytest

from albert_keras.pipelines import KerasRuntime, pipeline
from albert_keras.pipelines.runtimes import resolve_dtype, with_dtype

SST2_DEV = pathlib.Path(__file__).parents[1] / "data" / "sst2" / "dev.tsv"
SHIPPED = "albert-tiny-en-sst2"


def _sst2_dev():
    with open(SST2_DEV, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"].strip() for row in rows], np.array([int(row["label"]) for row in rows])


def _logits(runtime, tokenizer, sentences, batch=64):
    out = []
    for start in range(0, len(sentences), batch):
        features = tokenizer(sentences[start:start + batch], padding=True, return_tensors="np")
        out.append(runtime(features)["logits"])
    return np.concatenate(out)


@pytest.fixture(scope="module")
def shipped_pipelines():
    return (pipeline("text-classification", model=SHIPPED),
            pipeline("text-classification", model=SHIPPED, dtype="bfloat16"))


def test_bfloat16_matches_float32_on_sst2_dev(shipped_pipelines):
    """All 872 sentences of dev: on a 200-sentence prefix, 3 labels whose float32 margin is
    under 0.05 (bfloat16's logit error reaches 0.05) decide whether 98.5% or 100% agree."""
    full, half = shipped_pipelines
    assert half.runtime.dtype == "bfloat16"
    assert half.runtime.model.dtype_policy.compute_dtype == "bfloat16"
    assert full.runtime.model.dtype_policy.compute_dtype == "float32"
    sentences, gold = _sst2_dev()
    assert len(sentences) >= 872
    reference = _logits(full.runtime, full.tokenizer, sentences)
    logits = _logits(half.runtime, half.tokenizer, sentences)
    assert logits.dtype == np.float32
    assert not np.array_equal(logits, reference)  # it really ran in another precision
    cosine = float(logits.ravel() @ reference.ravel()
                   / (np.linalg.norm(logits) * np.linalg.norm(reference)))
    assert cosine >= 0.999, cosine
    # Labels through the pipelines themselves (the user's path).
    names = {name: i for i, name in full.config.id2label.items()}
    labels_full = np.array([names[r["label"]] for r in full(sentences)])
    labels_half = np.array([names[r["label"]] for r in half(sentences)])
    assert np.array_equal(labels_full, reference.argmax(-1))
    agreement = float(np.mean(labels_half == labels_full))
    assert agreement >= 0.99, agreement
    assert abs(np.mean(labels_half == gold) - np.mean(labels_full == gold)) <= 0.01


@pytest.mark.parametrize("dtype", [None, "auto", "float32", "bfloat16", "torch.bfloat16"])
def test_dtype_names(dtype):
    assert resolve_dtype(dtype) == ("bfloat16" if dtype and "bfloat16" in dtype else "float32")


def test_dtype_objects():
    import tensorflow as tf

    assert resolve_dtype(tf.bfloat16) == "bfloat16"
    assert resolve_dtype(np.float32) == "float32"
    assert resolve_dtype(np.dtype("float32")) == "float32"


@pytest.mark.parametrize("dtype", ["float16", "bf16", "int8", 7, "BFLOAT16"])
def test_bad_dtype_is_refused_before_loading(dtype):
    with pytest.raises(ValueError, match=r"dtype=.* is not supported; choose one of "
                                         r"\['bfloat16', 'float32'\]"):
        pipeline("text-classification", model="no/such/model", dtype=dtype)


def test_torch_dtype_is_transformers_older_name(shipped_pipelines):
    _, half = shipped_pipelines
    pipe = pipeline("text-classification", model=half.runtime.model, tokenizer=half.tokenizer,
                    torch_dtype="bfloat16")
    assert pipe.runtime.dtype == "bfloat16"
    with pytest.raises(ValueError, match="torch.float16"):
        pipeline("text-classification", model="no/such/model", torch_dtype="torch.float16")


def test_an_artifact_keeps_its_precision():
    from albert_keras.shipped import litert_path

    with pytest.raises(ValueError, match="dtype='bfloat16' applies to a Keras model; the "
                                         "TFLite file .* runs at the precision it was exported"):
        pipeline("text-classification", model=litert_path(SHIPPED), dtype="bfloat16")


def test_a_runtime_keeps_its_dtype(shipped_pipelines):
    full, _ = shipped_pipelines
    with pytest.raises(ValueError, match="this KerasRuntime runs in float32"):
        pipeline("text-classification", model=full.runtime, tokenizer=full.tokenizer,
                 dtype="bfloat16")


def test_the_float32_model_is_left_as_it_was(shipped_pipelines):
    full, _ = shipped_pipelines
    model = full.runtime.model
    before = [w.copy() for w in model.get_weights()]
    runtime = KerasRuntime(model, dtype="bfloat16")
    assert runtime.model is not model and with_dtype(model, "float32") is model
    assert model.dtype_policy.name == "float32"
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    assert {w.dtype.name for w in runtime.model.get_weights()} == {"bfloat16"}


def test_classify_command_takes_dtype(capsys):
    import json

    from albert_keras.cli import main

    texts = ["a gripping, moving film", "a dull, lifeless mess"]
    runs = {}
    for dtype in ("float32", "bfloat16"):
        assert main(["classify", "--dtype", dtype, "--json", *texts]) == 0
        runs[dtype] = json.loads(capsys.readouterr().out)
    assert [r[0]["label"] for r in runs["bfloat16"]] == ["positive", "negative"]
    scores = {k: [r[0]["score"] for r in v] for k, v in runs.items()}
    assert scores["bfloat16"] != scores["float32"]  # not the shipped float32 LiteRT file
    assert scores["bfloat16"] == pytest.approx(scores["float32"], abs=0.02)
    with pytest.raises(SystemExit) as exit_info:
        main(["classify", "--dtype", "float16", "a film"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'float16'" in capsys.readouterr().err
