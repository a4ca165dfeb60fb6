"""Classification and regression scores as GLUE reports them (accuracy, F1, MCC, Pearson, Spearman).

Definitions match scikit-learn's `accuracy_score`, `f1_score`, `matthews_corrcoef`
and SciPy's `pearsonr` / `spearmanr` (ties get their average rank); the tests check
them against those libraries.
"""

import numpy as np

# GLUE's metrics per task (Wang et al., 2019, table 1); banking77 reports accuracy.
TASK_METRICS = {
    "sst2": ("accuracy",), "banking77": ("accuracy", "macro_f1"), "cola": ("matthews",),
    "mrpc": ("accuracy", "f1"), "rte": ("accuracy",), "stsb": ("pearson", "spearman"),
}


def accuracy(labels, predictions):
    """Share of predictions equal to the labels."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    return float(np.mean(labels == predictions)) if labels.size else 0.0


def f1_score(labels, predictions, average="binary", positive=1):
    """F1 of the positive class (`binary`) or the unweighted mean over classes (`macro`).

    A class with no true and no predicted members scores 0, as scikit-learn's
    `zero_division=0`. Macro averages over the classes present in labels or predictions.
    """
    labels, predictions = np.asarray(labels), np.asarray(predictions)

    def one(cls):
        tp = np.sum((predictions == cls) & (labels == cls))
        denominator = np.sum(predictions == cls) + np.sum(labels == cls)
        return float(2 * tp / denominator) if denominator else 0.0

    if average == "binary":
        return one(positive)
    if average == "macro":
        classes = np.union1d(labels, predictions)
        return float(np.mean([one(c) for c in classes])) if classes.size else 0.0
    raise ValueError(f"average must be 'binary' or 'macro', got {average!r}")


def matthews_corrcoef(labels, predictions):
    """Matthews correlation (multi-class form, Gorodkin 2004); 0 when undefined."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    classes = np.union1d(labels, predictions)
    index = {c: i for i, c in enumerate(classes)}
    confusion = np.zeros((len(classes), len(classes)), dtype=np.float64)
    for t, p in zip(labels, predictions):
        confusion[index[t], index[p]] += 1
    true_counts, pred_counts = confusion.sum(1), confusion.sum(0)
    n, correct = confusion.sum(), np.trace(confusion)
    numerator = correct * n - np.dot(true_counts, pred_counts)
    denominator = np.sqrt((n * n - np.dot(pred_counts, pred_counts))
                          * (n * n - np.dot(true_counts, true_counts)))
    return float(numerator / denominator) if denominator else 0.0


def pearson(labels, predictions):
    """Pearson correlation coefficient."""
    x = np.asarray(labels, dtype=np.float64)
    y = np.asarray(predictions, dtype=np.float64)
    x, y = x - x.mean(), y - y.mean()
    denominator = np.sqrt(np.sum(x * x) * np.sum(y * y))
    return float(np.sum(x * y) / denominator) if denominator else 0.0


def _average_ranks(values):
    """Ranks 1..n, ties sharing their mean rank (SciPy's `rankdata(method='average')`)."""
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(values, kind="mergesort")
    ranks = np.empty(len(values), dtype=np.float64)
    sorted_values = values[order]
    start = 0
    for end in range(1, len(values) + 1):
        if end == len(values) or sorted_values[end] != sorted_values[start]:
            ranks[order[start:end]] = (start + end + 1) / 2.0
            start = end
    return ranks


def spearman(labels, predictions):
    """Spearman rank correlation: Pearson of the average ranks."""
    return pearson(_average_ranks(labels), _average_ranks(predictions))


SCORERS = {"accuracy": accuracy, "f1": f1_score, "matthews": matthews_corrcoef,
           "pearson": pearson, "spearman": spearman,
           "macro_f1": lambda y, p: f1_score(y, p, average="macro")}


def glue_metrics(task, labels, predictions):
    """The task's GLUE metrics as a dict, e.g. `{"accuracy": .., "f1": ..}` for MRPC.

    Args:
        task: str. A key of `TASK_METRICS`.
        labels: gold labels (class ids, or scores for STS-B).
        predictions: predicted class ids (or scores).
    """
    if task not in TASK_METRICS:
        raise ValueError(f"unknown task {task!r}; known: {sorted(TASK_METRICS)}")
    return {name: SCORERS[name](labels, predictions) for name in TASK_METRICS[task]}
