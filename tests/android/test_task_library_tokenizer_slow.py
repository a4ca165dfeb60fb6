"""The native Task Library's tokenizer gives AlbertTokenizer's ids on real text (slow).

An echo model (int32 `ids` / `mask` / `segment_ids` -> `probability` = float32 ids) gets the
metadata and tokenizer files that `albert_keras.export` writes; the native `BertNLClassifier`
(tflite-support 0.4.4, the C++ that Android runs) then returns, per text, the very ids its
tokenizer fed the model, compared with transformers' AlbertTokenizer on SST-2 dev and the
accented Wikipedia sample.
"""

import csv
import os

import pytest

from albert_keras.export import metadata
from albert_keras.shipped import shipped_path
from albert_keras.tokenization import AlbertTokenizer
from tests.android.test_task_library_slow import DATA, task_library  # noqa: F401 (fixture)

pytestmark = pytest.mark.slow
LENGTH = 256


def _echo_tflite(tokenizer, path):
    import tensorflow as tf

    class Echo(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([1, LENGTH], tf.int32, name=n)
                                      for n in ("ids", "mask", "segment_ids")])
        def serve(self, ids, mask, segment_ids):
            unused = (tf.cast(mask, tf.float32) + tf.cast(segment_ids, tf.float32)) * 1e-30
            return {"probability": tf.cast(ids, tf.float32) + unused}

    module = Echo()
    saved = os.path.join(os.path.dirname(path), "echo_saved_model")
    tf.saved_model.save(module, saved, signatures={"serving_default": module.serve})
    data = tf.lite.TFLiteConverter.from_saved_model(saved).convert()
    inputs, outputs = metadata.io_names(data)
    labels = [str(i) for i in range(LENGTH)]
    files = metadata.tokenizer_files(tokenizer)
    files[metadata.LABELS_FILE] = ("\n".join(labels) + "\n").encode()
    meta = metadata.build_metadata("albert-echo", "token ids", inputs, outputs, labels=labels)
    with open(path, "wb") as handle:
        handle.write(metadata.populate(data, meta, files))


def _texts():
    with open(os.path.join(DATA, "sst2", "dev.tsv"), encoding="utf-8") as handle:
        texts = [r["text"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    with open(os.path.join(DATA, "enwiki_accents_sample.txt"), encoding="utf-8") as handle:
        return texts + handle.read().splitlines()


def test_native_tokenizer_ids_equal_transformers(task_library, tmp_path):  # noqa: F811
    from transformers import AlbertTokenizer as HFSlow

    model_dir = shipped_path("albert-tiny-en-sst2")
    path = str(tmp_path / "echo.tflite")
    _echo_tflite(AlbertTokenizer.from_pretrained(model_dir), path)
    texts = _texts()
    result = task_library({"api": "classifier", "model": path, "texts": texts})
    assert "error" not in result, result
    reference = HFSlow(os.path.join(model_dir, "spiece.model"))
    want = reference(texts, truncation=True, max_length=LENGTH, padding="max_length")["input_ids"]
    differing = []
    for text, categories, ids in zip(texts, result["results"], want):
        got = [0] * LENGTH
        for category in categories:  # label i holds position i's float32 id (exact below 2**24)
            got[int(category["label"])] = int(category["score"])
        if got != ids:
            differing.append(text)
    assert len(texts) > 3000
    assert differing == [], (len(differing), differing[:3])
