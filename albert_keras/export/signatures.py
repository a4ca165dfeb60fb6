"""Per-task serving functions: raw-text signature (tokenizer in graph), token-id signature, TFLite.

What each task takes and returns is its row in the task registry (`albert_keras.tasks`).
"""

import tensorflow as tf

from albert_keras import models as albert_models
from albert_keras import tasks
from albert_keras.tasks import TFLITE_INPUTS, TOKEN_INPUTS, Task  # noqa: F401 (their old home)

# The exported tasks of the registry, by name: what each one's signatures take and return.
TASKS = {name: tasks.BY_NAME[name] for name in tasks.EXPORTED}
MAX_ANSWER_TOKENS = 30  # transformers' question-answering pipeline default (max_answer_len)


def get_task(name):
    """The `Task` for a pipeline name; a ValueError lists the valid ones."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)}")
    return TASKS[name]


def model_class(task):
    """The albert_keras model class of a task."""
    return getattr(albert_models, get_task(task).model_class)


def label_names(config):
    """Label names in id order: `config.id2label`, else transformers' `LABEL_i`."""
    count = config.num_labels or 2
    id2label = config.id2label or {}
    return [str(id2label.get(i, f"LABEL_{i}")) for i in range(count)]


def input_shape(task, sequence_length, num_choices, batch_size=None):
    """Token-input shape: (batch, seq), or (batch, choices, seq) for multiple choice."""
    if task == "multiple-choice":
        return [batch_size, num_choices, sequence_length]
    return [batch_size, sequence_length]


def raw_outputs(model, task, ids, mask, types):
    """The Keras model's outputs as a plain dict (float tensors)."""
    out = model(ids, attention_mask=mask, token_type_ids=types)
    keep = {"last_hidden_state", "pooler_output", "logits", "start_logits", "end_logits"}
    return {k: v for k, v in dict(out).items() if k in keep}


def tflite_outputs(model, task, ids, mask, segment_ids, mask_check="nan"):
    """Outputs of the TFLite graph, named as the Task Library looks them up.

    TFLite drops the model's asserts; LiteRT's GATHER still refuses ids and segment ids
    out of range, and `mask_check` handles a mask value other than 0 or 1 (builtin ops):
    `"nan"` makes every output of that example NaN, as under XLA; `"refuse"` sets the ids
    at those places to -1, which GATHER refuses (for full-integer files, whose outputs
    cannot carry a NaN through their int8 ops); None leaves the mask unchecked.
    """
    if mask_check == "refuse":
        ids = tf.where((mask < 0) | (mask > 1), tf.constant(-1, ids.dtype), ids)
    out = raw_outputs(model, task, ids, mask, segment_ids)
    if task == "text-classification":
        out = {"probability": tf.nn.softmax(out["logits"], axis=-1)}
    else:
        out = {name: out[name] for name in get_task(task).tflite_outputs}
    return poison_invalid_masks(out, mask) if mask_check == "nan" else out


def poison_invalid_masks(outputs, mask):
    """Each output NaN for the examples whose mask holds a value other than 0 or 1."""
    axes = list(range(1, len(mask.shape)))
    valid = (tf.reduce_min(mask, axis=axes) >= 0) & (tf.reduce_max(mask, axis=axes) <= 1)
    nan = tf.constant(float("nan"), tf.float32)

    def poison(value):
        return tf.where(tf.reshape(valid, [-1] + [1] * (len(value.shape) - 1)), value, nan)
    return {k: poison(v) for k, v in outputs.items()}


class Postprocessor:
    """Turns raw model outputs into what a serving client uses directly.

    Args:
        task: str. Pipeline task name.
        labels: list of str. Label names in id order (classification tasks).
        pieces: list of str. The SentencePiece vocabulary in id order.
        mask_token_id: int. Id of `[MASK]` (fill-mask).
        top_k: int. Tokens returned per mask (fill-mask). Defaults to 5.
    """

    def __init__(self, task, labels, pieces, mask_token_id, top_k=5):
        self.task = task
        self.labels = tf.constant(labels or [""], tf.string)
        self.pieces = tf.constant(pieces, tf.string)
        self.mask_token_id = int(mask_token_id)
        self.top_k = min(int(top_k), len(pieces))

    def __call__(self, out, ids, mask, types):
        """Dict of client-ready outputs from raw outputs and the token features."""
        handler = getattr(self, "_" + self.task.replace("-", "_"))
        return handler(dict(out), ids, mask, types)

    def _text_classification(self, out, ids, mask, types):
        probabilities = tf.nn.softmax(out["logits"], axis=-1)  # (batch, labels)
        label_id = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        return {"logits": out["logits"], "probabilities": probabilities, "label_id": label_id,
                "label": tf.gather(self.labels, label_id),
                "score": tf.reduce_max(probabilities, axis=-1)}

    def _token_classification(self, out, ids, mask, types):
        probabilities = tf.nn.softmax(out["logits"], axis=-1)  # (batch, seq, labels)
        label_ids = tf.argmax(probabilities, axis=-1, output_type=tf.int32)
        return {"logits": out["logits"], "probabilities": probabilities, "label_ids": label_ids,
                "labels": tf.gather(self.labels, label_ids),
                "tokens": tf.gather(self.pieces, ids), "attention_mask": mask}

    def _question_answering(self, out, ids, mask, types):
        start, end = out["start_logits"], out["end_logits"]  # (batch, seq)
        seq = tf.shape(ids)[1]
        # Candidate tokens: the context segment, without its closing [SEP].
        last = tf.reduce_sum(mask, axis=1, keepdims=True) - 1  # (batch, 1)
        positions = tf.range(seq)[None, :]
        valid = (types == 1) & (mask == 1) & (positions < last)  # (batch, seq)
        scores = start[:, :, None] + end[:, None, :]  # (batch, start, end)
        span = tf.range(seq)[None, :] - tf.range(seq)[:, None]  # end - start
        ok = valid[:, :, None] & valid[:, None, :] & ((span >= 0) & (span < MAX_ANSWER_TOKENS))
        scores = tf.where(ok, scores, tf.fill(tf.shape(scores), -1e30))
        best = tf.argmax(tf.reshape(scores, [tf.shape(ids)[0], -1]), axis=-1, output_type=tf.int32)
        start_index, end_index = best // seq, best % seq
        found = tf.reduce_any(valid, axis=1)
        return {"start_logits": start, "end_logits": end,
                "start_index": tf.where(found, start_index, -1),
                "end_index": tf.where(found, end_index, -1),
                "score": tf.where(found, tf.reduce_max(scores, axis=[1, 2]), float("-inf"))}

    def _fill_mask(self, out, ids, mask, types):
        is_mask = tf.equal(ids, self.mask_token_id)  # (batch, seq)
        position = tf.argmax(tf.cast(is_mask, tf.int32), axis=1, output_type=tf.int32)
        found = tf.reduce_any(is_mask, axis=1)
        logits = tf.gather(out["logits"], position, batch_dims=1)  # (batch, vocab)
        scores, top_ids = tf.math.top_k(tf.nn.softmax(logits, axis=-1), k=self.top_k)
        return {"logits": out["logits"], "mask_position": tf.where(found, position, -1),
                "top_k_ids": top_ids, "top_k_scores": scores,
                "top_k_tokens": tf.gather(self.pieces, top_ids)}

    def _multiple_choice(self, out, ids, mask, types):
        probabilities = tf.nn.softmax(out["logits"], axis=-1)  # (batch, choices)
        return {"logits": out["logits"], "probabilities": probabilities,
                "choice": tf.argmax(out["logits"], axis=-1, output_type=tf.int32)}

    def _feature_extraction(self, out, ids, mask, types):
        return {"last_hidden_state": out["last_hidden_state"],
                "pooler_output": out["pooler_output"], "attention_mask": mask}


def answer_offsets(pieces, ids, types, start_index, end_index):
    """Character offsets of a token span in the (normalized) context.

    Each context piece covers its own length in characters, a leading `▁` counting for
    the one space before it; the first piece's `▁` is the start of the text. Offsets are
    into the context as the tokenizer normalizes it (lower case, runs of spaces
    collapsed, ``/'' -> "), which equals the original for ordinary single-spaced text.

    Returns:
        (answer_start, answer_end) int32 (batch,): end exclusive; -1 where no span.
    """
    piece = tf.gather(pieces, ids)  # (batch, seq) strings
    length = tf.strings.length(piece, unit="UTF8_CHAR")
    in_context = tf.cast(types == 1, tf.int32)
    length = length * in_context
    end = tf.cumsum(length, axis=1) - 1  # exclusive end, minus the first piece's "▁"
    starts_with_space = tf.strings.regex_full_match(piece, "\u2581(?s).*")
    start = end - length + tf.cast(starts_with_space, tf.int32)
    start = tf.maximum(start, 0)
    answer_start = tf.gather(start, tf.maximum(start_index, 0), batch_dims=1)
    answer_end = tf.gather(end, tf.maximum(end_index, 0), batch_dims=1)
    found = start_index >= 0
    return tf.where(found, answer_start, -1), tf.where(found, answer_end, -1)
