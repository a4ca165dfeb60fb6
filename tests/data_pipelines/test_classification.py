"""Classification data: the shared TSV layouts, pairs, and a tf.data pipeline."""

import numpy as np

from albert_keras.data import classification as c
from tests.data_pipelines.conftest import DATA


def test_banking77_sample(tokenizer):
    texts, pairs, labels, names = c.read_examples("banking77", str(DATA / "banking77"), "train")
    assert pairs is None and len(texts) == 399  # one quoted text spans two lines
    assert "\nHow do I unblock my PIN?" in texts
    assert len(names) == labels.max() + 1
    assert set(names) <= set(c.label_names("banking77", str(DATA / "banking77")))
    features = c.encode_examples(tokenizer, texts[:5], max_seq_length=24)
    assert features["input_ids"].shape == (5, 24)
    assert (features["input_ids"][:, 0] == tokenizer.cls_token_id).all()
    dataset = c.classification_dataset(features, labels[:5], batch_size=2)
    x, y = next(iter(dataset))
    assert x["input_ids"].shape == (2, 24) and y.shape == (2,)


def test_pairs_use_token_type_one(tokenizer):
    features = c.encode_examples(tokenizer, ["A man is dancing."], ["A man dances."], 16)
    types = features["token_type_ids"][0]
    assert types[0] == 0 and types.max() == 1
    assert features["attention_mask"][0].sum() <= 16


def test_each_task_layout(tmp_path):
    (tmp_path / "dev.tsv").write_text("gj04\t1\t\tThe sailors rode.\ngj04\t0\t*\tRode the.\n")
    texts, _, labels, _ = c.read_examples("cola", str(tmp_path), "dev")
    assert texts == ["The sailors rode.", "Rode the."] and labels.tolist() == [1, 0]
    (tmp_path / "dev.tsv").write_text("index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\t"
                                      "sentence1\tsentence2\tscore\n0\tg\tf\ty\t0\tn\tn\tA\tB\t3.8\n")
    a, b, scores, names = c.read_examples("stsb", str(tmp_path), "dev")
    assert (a, b, names) == (["A"], ["B"], ()) and np.allclose(scores, [3.8])
