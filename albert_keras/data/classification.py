"""GLUE-style single-sentence and sentence-pair classification / regression features.

`TASKS` says how each data set in the shared layout is read (file names, text and
label columns, label set, problem type); `read_examples` loads a split and
`encode_examples` / `classification_dataset` turn it into model inputs.
"""

import csv
import dataclasses
import os

import numpy as np
import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class TaskSpec:
    """How one classification data set is stored and scored."""

    text_a: str                 # column of the first text (name, or index for headerless files)
    text_b: object = None       # column of the second text, None for single sentences
    label: object = "label"     # column of the label
    labels: tuple = None        # label strings in id order; None: regression or read from train
    header: bool = True
    quoted: bool = False        # CSV quoting ("..." may hold tabs and newlines); GLUE files are raw
    splits: tuple = ("train.tsv", "dev.tsv")

    @property
    def is_regression(self):
        """True when the label is a real number (STS-B)."""
        return self.labels == ()


TASKS = {
    "sst2": TaskSpec("text", labels=("0", "1")),
    "banking77": TaskSpec("text", quoted=True),  # label names read from the files
    "cola": TaskSpec(3, label=1, labels=("0", "1"), header=False),
    "mrpc": TaskSpec("#1 String", "#2 String", label="Quality", labels=("0", "1")),
    "rte": TaskSpec("sentence1", "sentence2", labels=("entailment", "not_entailment")),
    "stsb": TaskSpec("sentence1", "sentence2", label="score", labels=()),
}


def _rows(path, header, quoted):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t",
                            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
        rows = list(reader)
    if not header:
        return [dict(enumerate(r)) for r in rows]
    names = rows[0]
    return [dict(zip(names, r)) for r in rows[1:] if len(r) >= len(names)]


def read_examples(task, data_dir, split, labels=None, limit=None):
    """Reads one split: (texts_a, texts_b or None, label ids or scores, label names).

    Args:
        task: str. A key of `TASKS`.
        data_dir: str. The task folder (holding train.tsv / dev.tsv).
        split: "train" or "dev".
        labels: tuple of label strings, to reuse train's order for dev (banking77).
        limit: int. Keep the first `limit` rows. Defaults to all.
    """
    spec = TASKS[task]
    rows = _rows(os.path.join(data_dir, f"{split}.tsv"), spec.header, spec.quoted)[:limit]
    texts_a = [r[spec.text_a] for r in rows]
    texts_b = [r[spec.text_b] for r in rows] if spec.text_b is not None else None
    values = [r[spec.label].strip() for r in rows]
    if spec.is_regression:
        return texts_a, texts_b, np.array(values, dtype=np.float32), ()
    names = tuple(labels or spec.labels or sorted(set(values)))
    index = {n: i for i, n in enumerate(names)}
    unknown = sorted(set(values) - set(index))
    if unknown:
        raise ValueError(f"{task} {split}: labels {unknown[:5]} not in the label set")
    return texts_a, texts_b, np.array([index[v] for v in values], dtype=np.int32), names


def label_names(task, data_dir, splits=("train", "dev")):
    """The task's label strings in id order: fixed for GLUE, the sorted union of the files otherwise."""
    spec = TASKS[task]
    if spec.labels is not None:
        return spec.labels
    values = set()
    for split in splits:
        path = os.path.join(data_dir, f"{split}.tsv")
        if os.path.exists(path):
            values.update(r[spec.label].strip() for r in _rows(path, spec.header, spec.quoted))
    return tuple(sorted(values))


def encode_examples(tokenizer, texts_a, texts_b=None, max_seq_length=128):
    """Token features (numpy int32, padded to max_seq_length) for texts or text pairs."""
    encoded = tokenizer(list(texts_a), None if texts_b is None else list(texts_b),
                        truncation=True if texts_b is None else "longest_first",
                        max_length=max_seq_length, padding="max_length", return_tensors="np")
    return {k: np.asarray(encoded[k], dtype=np.int32)
            for k in ("input_ids", "attention_mask", "token_type_ids")}


def classification_dataset(features, labels=None, batch_size=32, shuffle=False, seed=0,
                           drop_remainder=False):
    """`tf.data.Dataset` of (features, labels) batches (features only without labels)."""
    data = (features, labels) if labels is not None else features
    dataset = tf.data.Dataset.from_tensor_slices(data)
    if shuffle:
        dataset = dataset.shuffle(len(next(iter(features.values()))), seed=seed,
                                  reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
