"""GLUE-style single-sentence and sentence-pair classification / regression features.

`TASKS` says how each data set in the shared layout is read (file names, text and
label columns, label set, problem type); `read_examples` loads a split and
`encode_examples` / `classification_dataset` turn it into model inputs. Files that
are empty, not UTF-8, lack a column or have rows without a label are refused with
the file and line.
"""

import csv
import dataclasses
import io
import logging
import os

import numpy as np

from albert_keras.data.text_files import read_text
from albert_keras.tasks import TOKEN_INPUTS

logger = logging.getLogger(__name__)


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
    """(line number, row) pairs of a TSV file, header names as keys (column indices without
    a header); blank lines skipped. Empty and header-only files are refused."""
    text = read_text(path, "a tab-separated text file")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t",
                        quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE)
    rows, line = [], 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((line, row))
            line = reader.line_num + 1
    except csv.Error as error:
        raise ValueError(f"{path}:{reader.line_num}: {error}") from None
    if not rows:
        raise ValueError(f"{path}: empty file; expected "
                         f"{'a header line, then ' if header else ''}one example per line")
    if not header:
        return [(n, dict(enumerate(r))) for n, r in rows]
    (_, names), rows = rows[0], rows[1:]
    if not rows:
        raise ValueError(f"{path}: no examples after the header line")
    return [(n, dict(zip(names, r))) for n, r in rows]


def _label(row, spec):
    """The row's label string, "" when the row has none."""
    return (row.get(spec.label) or "").strip()


def _labelled_rows(path, spec, drop_unlabeled):
    """The rows of `path` that have a label; refuses (or, with `drop_unlabeled`, drops and
    logs) the others, naming the first one's line."""
    rows = _rows(path, spec.header, spec.quoted)
    unlabeled = [n for n, r in rows if not _label(r, spec)]
    if unlabeled and not drop_unlabeled:
        raise ValueError(
            f"{path}:{unlabeled[0]}: no label (column {spec.label!r}); {len(unlabeled)} of "
            f"{len(rows)} rows have none: fix the file, or pass --drop-unlabeled "
            "(drop_unlabeled=True) to skip them")
    if unlabeled:
        logger.warning("%s: dropped %d of %d rows without a label (the first at line %d)",
                       path, len(unlabeled), len(rows), unlabeled[0])
    rows = [(n, r) for n, r in rows if _label(r, spec)]
    for column in (spec.text_a, spec.text_b):
        missing = [n for n, r in rows if column is not None and column not in r]
        if missing:
            raise ValueError(f"{path}:{missing[0]}: no text in column {column!r} "
                             f"({len(missing)} rows)")
    return rows


def split_path(task, data_dir, split):
    """The file of `split` ("train", "dev", or another name: `<split>.tsv`) in a task folder."""
    names = dict(zip(("train", "dev"), TASKS[task].splits))
    return os.path.join(data_dir, names.get(split, f"{split}.tsv"))


def read_examples(task, data_dir, split, labels=None, limit=None, path=None,
                  drop_unlabeled=False):
    """Reads one split: (texts_a, texts_b or None, label ids or scores, label names).

    Args:
        task: str. A key of `TASKS`.
        data_dir: str. The task folder (holding train.tsv / dev.tsv).
        split: "train" or "dev".
        labels: tuple of label strings, to reuse train's order for dev (banking77).
        limit: int. Keep the first `limit` rows. Defaults to all.
        path: str. The file to read instead of the split's file in `data_dir`.
        drop_unlabeled: bool. Skip rows without a label (logging how many) instead of
            refusing the file.
    """
    spec = TASKS[task]
    path = path or split_path(task, data_dir, split)
    rows = _labelled_rows(path, spec, drop_unlabeled)[:limit]
    texts_a = [r[spec.text_a] for _, r in rows]
    texts_b = [r[spec.text_b] for _, r in rows] if spec.text_b is not None else None
    values = [_label(r, spec) for _, r in rows]
    if spec.is_regression:
        for (line, _), value in zip(rows, values):
            try:
                float(value)
            except ValueError:
                raise ValueError(f"{path}:{line}: label {value[:40]!r} is not a number") from None
        return texts_a, texts_b, np.array(values, dtype=np.float32), ()
    names = tuple(labels or spec.labels or sorted(set(values)))
    index = {n: i for i, n in enumerate(names)}
    unknown = [(line, v) for (line, _), v in zip(rows, values) if v not in index]
    if unknown:
        raise ValueError(f"{path}:{unknown[0][0]}: labels "
                         f"{sorted({v[:40] for _, v in unknown})[:5]} not in the label set "
                         f"{list(names)[:10]}")
    return texts_a, texts_b, np.array([index[v] for v in values], dtype=np.int32), names


def label_names(task, data_dir, splits=("train", "dev"), paths=None):
    """The task's label strings in id order: fixed for GLUE, the sorted union of the files otherwise.

    `paths` (one file per split) replaces the splits' files in `data_dir`.
    """
    spec = TASKS[task]
    if spec.labels is not None:
        return spec.labels
    values = set()
    for path in paths or [split_path(task, data_dir, split) for split in splits]:
        if path and os.path.exists(path):
            values.update(_label(r, spec) for _, r in _rows(path, spec.header, spec.quoted))
    return tuple(sorted(values - {""}))


def encode_examples(tokenizer, texts_a, texts_b=None, max_seq_length=128):
    """Token features (numpy int32, padded to max_seq_length) for texts or text pairs."""
    encoded = tokenizer(list(texts_a), None if texts_b is None else list(texts_b),
                        truncation=True if texts_b is None else "longest_first",
                        max_length=max_seq_length, padding="max_length", return_tensors="np")
    return {k: np.asarray(encoded[k], dtype=np.int32)
            for k in TOKEN_INPUTS}


def classification_dataset(features, labels=None, batch_size=32, shuffle=False, seed=0,
                           drop_remainder=False):
    """`tf.data.Dataset` of (features, labels) batches (features only without labels)."""
    import tensorflow as tf  # local: reading examples (and the CLI parser) needs no TensorFlow

    data = (features, labels) if labels is not None else features
    dataset = tf.data.Dataset.from_tensor_slices(data)
    if shuffle:
        dataset = dataset.shuffle(len(next(iter(features.values()))), seed=seed,
                                  reshuffle_each_iteration=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
