"""transformers-compatible losses: label -100 ignored; regression / single- / multi-label by problem_type."""

from keras import ops

IGNORE_INDEX = -100


def masked_cross_entropy(labels, logits, ignore_index=IGNORE_INDEX):
    """Mean softmax cross-entropy over the labels that are not `ignore_index`.

    Same as `torch.nn.CrossEntropyLoss(ignore_index=...)`, except that a batch with
    every label ignored gives 0 instead of NaN (so one empty batch cannot poison
    training).

    Args:
        labels: int tensor of any shape.
        logits: float tensor of shape `labels.shape + (classes,)`.
    """
    classes = ops.shape(logits)[-1]
    logits = ops.cast(ops.reshape(logits, (-1, classes)), "float32")
    labels = ops.cast(ops.reshape(labels, (-1,)), "int32")
    keep = ops.not_equal(labels, ignore_index)
    safe_labels = ops.where(keep, labels, ops.zeros_like(labels))
    per_token = ops.sparse_categorical_crossentropy(safe_labels, logits, from_logits=True)
    keep = ops.cast(keep, per_token.dtype)
    return ops.sum(per_token * keep) / ops.maximum(ops.sum(keep), 1.0)


def sequence_classification_loss(labels, logits, num_labels, problem_type=None):
    """transformers' AlbertForSequenceClassification loss.

    problem_type None is inferred as transformers does: one label -> regression,
    integer labels -> single-label, float labels -> multi-label.
    """
    if problem_type is None:
        if num_labels == 1:
            problem_type = "regression"
        elif "int" in str(labels.dtype):
            problem_type = "single_label_classification"
        else:
            problem_type = "multi_label_classification"
    logits = ops.cast(logits, "float32")
    if problem_type == "regression":
        labels = ops.cast(labels, "float32")
        if num_labels == 1:
            return ops.mean(ops.square(ops.reshape(logits, (-1,)) - ops.reshape(labels, (-1,))))
        return ops.mean(ops.square(logits - labels))
    if problem_type == "single_label_classification":
        return masked_cross_entropy(labels, logits)
    labels = ops.cast(labels, "float32")
    return ops.mean(ops.binary_crossentropy(labels, logits, from_logits=True))


def question_answering_loss(start_positions, end_positions, start_logits, end_logits):
    """Mean of start and end cross-entropy; positions outside the sequence are ignored.

    As in transformers, positions are clamped to [0, seq_len] and seq_len is the
    ignored index, so an answer cut off by truncation does not train the model.
    """
    seq_len = ops.shape(start_logits)[-1]
    losses = []
    for positions, logits in ((start_positions, start_logits), (end_positions, end_logits)):
        positions = ops.reshape(ops.cast(positions, "int32"), (-1,))
        positions = ops.clip(positions, 0, seq_len)
        losses.append(masked_cross_entropy(positions, logits, ignore_index=seq_len))
    return (losses[0] + losses[1]) / 2.0
