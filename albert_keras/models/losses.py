"""transformers-compatible losses: label -100 ignored; regression / single- / multi-label by problem_type.

Each task has a `..._losses` function giving one loss per example (an ignored row
gives 0), as transformers' TF heads return them, and a `..._loss` function giving
the mean over the examples that count, as transformers' PyTorch heads return it.
"""

from keras import ops

IGNORE_INDEX = -100


def _cross_entropy_terms(labels, logits, ignore_index):
    """(flat per-label cross-entropy, 0 where ignored; flat float mask of the labels that count)."""
    classes = ops.shape(logits)[-1]
    logits = ops.cast(ops.reshape(logits, (-1, classes)), "float32")
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    keep = ops.not_equal(labels, ignore_index)
    safe_labels = ops.where(keep, labels, ops.zeros_like(labels))
    per_label = ops.sparse_categorical_crossentropy(safe_labels, logits, from_logits=True)
    keep = ops.cast(keep, per_label.dtype)
    return per_label * keep, keep


def _mean_of_kept(losses, keep):
    # A batch with nothing to count gives 0 instead of PyTorch's NaN (one empty batch
    # cannot poison training).
    return ops.sum(losses) / ops.maximum(ops.sum(keep), 1.0)


def masked_cross_entropy(labels, logits, ignore_index=IGNORE_INDEX):
    """Mean softmax cross-entropy over the labels that are not `ignore_index`.

    Same as `torch.nn.CrossEntropyLoss(ignore_index=...)`, except that a batch with
    every label ignored gives 0 instead of NaN.

    Args:
        labels: int tensor of any shape.
        logits: float tensor of shape `labels.shape + (classes,)`.
    """
    return _mean_of_kept(*_cross_entropy_terms(labels, logits, ignore_index))


def masked_cross_entropy_losses(labels, logits, ignore_index=IGNORE_INDEX):
    """Cross-entropy of each label, flattened; 0 where the label is `ignore_index`."""
    return _cross_entropy_terms(labels, logits, ignore_index)[0]


def _sequence_classification_terms(labels, logits, num_labels, problem_type):
    """(loss per example, float mask of the examples that count)."""
    if problem_type is None:  # inferred as transformers does
        if num_labels == 1:
            problem_type = "regression"
        elif "int" in str(labels.dtype):
            problem_type = "single_label_classification"
        else:
            problem_type = "multi_label_classification"
    logits = ops.cast(logits, "float32")
    if problem_type == "single_label_classification":
        return _cross_entropy_terms(labels, logits, IGNORE_INDEX)
    labels = ops.cast(labels, "float32")
    if problem_type == "regression" and num_labels == 1:
        losses = ops.square(ops.reshape(logits, (-1,)) - ops.reshape(labels, (-1,)))
    elif problem_type == "regression":
        losses = ops.mean(ops.square(logits - labels), axis=-1)
    else:
        losses = ops.mean(ops.binary_crossentropy(labels, logits, from_logits=True), axis=-1)
    return losses, ops.ones_like(losses)


def sequence_classification_loss(labels, logits, num_labels, problem_type=None):
    """transformers' AlbertForSequenceClassification loss (the batch mean).

    problem_type None is inferred as transformers does: one label -> regression,
    integer labels -> single-label, float labels -> multi-label.
    """
    return _mean_of_kept(*_sequence_classification_terms(labels, logits, num_labels,
                                                         problem_type))


def sequence_classification_losses(labels, logits, num_labels, problem_type=None):
    """The loss of each example, (batch,); 0 for a single-label row labelled -100."""
    return _sequence_classification_terms(labels, logits, num_labels, problem_type)[0]


def _question_answering_terms(start_positions, end_positions, start_logits, end_logits):
    """[(losses, keep) for the starts, (losses, keep) for the ends], each (batch,).

    As in transformers, positions are clamped to [0, seq_len] and seq_len is the
    ignored index, so an answer cut off by truncation does not train the model.
    """
    seq_len = ops.shape(start_logits)[-1]
    terms = []
    for positions, logits in ((start_positions, start_logits), (end_positions, end_logits)):
        positions = ops.clip(ops.reshape(ops.cast(positions, "int32"), (-1,)), 0, seq_len)
        terms.append(_cross_entropy_terms(positions, logits, seq_len))
    return terms


def question_answering_loss(start_positions, end_positions, start_logits, end_logits):
    """Mean of the start and the end cross-entropy, each over the positions that count."""
    (start, start_keep), (end, end_keep) = _question_answering_terms(
        start_positions, end_positions, start_logits, end_logits)
    return (_mean_of_kept(start, start_keep) + _mean_of_kept(end, end_keep)) / 2.0


def question_answering_losses(start_positions, end_positions, start_logits, end_logits):
    """(start loss + end loss) / 2 of each example, (batch,); an ignored position adds 0."""
    (start, _), (end, _) = _question_answering_terms(start_positions, end_positions,
                                                     start_logits, end_logits)
    return (start + end) / 2.0
