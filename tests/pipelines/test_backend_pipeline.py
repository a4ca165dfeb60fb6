"""The shipped SST-2 classifier's pipeline on the current Keras backend against transformers.

tests/test_backends.py runs this on JAX and torch as well, so the scores agree across backends.
"""

import csv

import keras
import numpy as np

from albert_keras import pipeline
from albert_keras.shipped import shipped_path
from tests.conftest import REPO


def test_shipped_classifier_pipeline_matches_transformers_on_this_backend():
    import torch
    import transformers

    with open(REPO / "tests" / "data" / "sst2" / "dev.tsv", encoding="utf-8") as file:
        texts = [row["text"] for row in
                 csv.DictReader(file, delimiter="\t", quoting=csv.QUOTE_NONE)][:12]
    folder = shipped_path("albert-tiny-en-sst2")
    model = transformers.AlbertForSequenceClassification.from_pretrained(
        folder, attn_implementation="eager").eval()
    tokenizer = transformers.AlbertTokenizer.from_pretrained(folder)
    got = pipeline("text-classification", model="albert-tiny-en-sst2")(texts, top_k=None)
    for text, scores in zip(texts, got):
        with torch.no_grad():
            logits = model(**tokenizer(text, return_tensors="pt")).logits[0].double()
        expected = torch.softmax(logits, -1).numpy()
        ours = {item["label"]: item["score"] for item in scores}
        assert set(ours) == set(model.config.id2label.values())
        diff = max(abs(ours[model.config.id2label[i]] - expected[i]) for i in range(2))
        assert diff < 1e-5, f"{keras.backend.backend()}: {text!r} scores differ by {diff:.2g}"
    assert np.ptp([s[0]["score"] for s in got]) > 0.1  # the texts get different scores
