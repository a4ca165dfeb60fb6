"""Pipeline: text in, answers out; tokenization, length-sorted batching and the runtime written once."""

import numpy as np

from albert_keras.tasks import TOKEN_INPUTS
from albert_keras.tokenization.encoding import BatchEncoding, pad_to_shape


class Pipeline:
    """Base of the task pipelines, in the style of transformers' `pipeline()`.

    Subclasses implement `preprocess_batch(items, **kw) -> [(encoding dict, context)]`
    (the task pipelines tokenize all the items in one tokenizer call; `preprocess(item)`
    alone is still taken) and `postprocess(outputs for one item, context, **kw)`.
    This class sorts items by
    token length before batching (so short text is never padded to the longest
    text of the whole input), pads each batch to its own longest item, runs the
    runtime and restores the input order.

    Args:
        runtime: callable mapping a features dict of numpy arrays to outputs.
        tokenizer: `AlbertTokenizer`.
        batch_size: int. Items per forward pass. Defaults to 8.
        max_length: int. Longest sequence fed to the model (longer text is
            truncated). Defaults to the longest the runtime takes (the model's
            `max_position_embeddings`, or an exported artifact's fixed length), or
            to the tokenizer's `model_max_length` where that is shorter (a model
            pre-trained on shorter text than its position table holds says so there).
    """

    token_outputs = ()  # outputs with a sequence axis, trimmed back to each item's length
    task = None  # transformers' task name, for messages
    call_arguments = None  # keyword arguments __call__ takes, others refused by name (None: any)

    def __init__(self, runtime, tokenizer, batch_size=8, max_length=None):
        self.runtime = runtime
        self.tokenizer = tokenizer
        self.config = runtime.config
        self.batch_size = positive_int("batch_size", batch_size)
        max_length = positive_int("max_length", max_length, none=True)
        limit = runtime_limit(runtime)
        if max_length is not None and max_length > limit:
            raise ValueError(f"max_length={max_length} is more than the model takes: at most "
                             f"{limit} tokens")
        self.max_length = max_length or default_length(runtime, tokenizer)

    def preprocess(self, item, **kwargs):
        """`(encoding, context)` of one item."""
        if type(self).preprocess_batch is Pipeline.preprocess_batch:
            raise NotImplementedError
        return self.preprocess_batch([item], **kwargs)[0]

    def preprocess_batch(self, items, **kwargs):
        """`[(encoding, context)]` of the items (here: `preprocess` item by item)."""
        return [self.preprocess(item, **kwargs) for item in items]

    def postprocess(self, outputs, context, **kwargs):
        raise NotImplementedError

    def __call__(self, inputs, **kwargs):
        unknown = sorted(set(kwargs) - set(self.call_arguments or kwargs))
        if unknown:
            raise TypeError(f"{self.task} pipeline got unexpected argument(s) {unknown}; it "
                            f"takes {list(self.call_arguments) or 'none'}")
        self.check_arguments(**kwargs)
        single = not isinstance(inputs, (list, tuple)) or self._is_single(inputs)
        items = [inputs] if single else list(inputs)
        encoded = self.preprocess_batch(items, **kwargs) if items else []
        # Each item may hold several windows (long QA contexts): one row per window.
        rows = [(i, w) for i, (enc, _) in enumerate(encoded) for w in range(len(enc["input_ids"]))]
        lengths = [len(encoded[i][0]["input_ids"][w]) for i, w in rows]
        order = sorted(range(len(rows)), key=lengths.__getitem__)
        outputs = [None] * len(rows)
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            features = self._pad([{k: encoded[rows[r][0]][0][k][rows[r][1]]
                                   for k in TOKEN_INPUTS}
                                  for r in batch])
            result = self.runtime(features)
            for j, r in enumerate(batch):
                length = lengths[r]
                outputs[r] = {k: (v[j][:length] if k in self.token_outputs else v[j])
                              for k, v in result.items()}
        per_item = [[] for _ in items]  # rows are in item order, windows in window order
        for (i, _), output in zip(rows, outputs):
            per_item[i].append(output)
        results = [self.postprocess(item_outputs, context, **kwargs)
                   for item_outputs, (_, context) in zip(per_item, encoded)]
        return results[0] if single else results

    def check_arguments(self, **kwargs):
        """Refuses call arguments out of their range before any text is tokenized."""
        if "top_k" in kwargs:
            positive_int("top_k", kwargs["top_k"], none=self.task == "text-classification")

    def _is_single(self, inputs):
        return False

    def _pad(self, rows):
        """The rows' token features as int32 arrays, padded to the longest row."""
        shape = (len(rows), max(len(r["input_ids"]) for r in rows))
        pad_id = self.tokenizer.pad_token_id
        return {key: pad_to_shape([r[key] for r in rows], shape,
                                  pad_id if key == "input_ids" else 0)
                for key in TOKEN_INPUTS}


def split_items(encoding, count):
    """A batch encoding of `count` items as one encoding per item (several rows where the
    tokenizer cut an item into windows: `overflow_to_sample_mapping`)."""
    owners = encoding.get("overflow_to_sample_mapping") or range(len(encoding["input_ids"]))
    keys = [k for k in encoding if k != "overflow_to_sample_mapping"]
    items = [BatchEncoding({k: [] for k in keys}) for _ in range(count)]
    for row, owner in enumerate(owners):
        for key in keys:
            items[owner][key].append(encoding[key][row])
    return items


def positive_int(name, value, none=False):
    """`value` when it is an int >= 1 (or None where `none`), else a ValueError naming it."""
    if value is None and none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer{' or None' if none else ''}, "
                         f"got {value!r:.40}")
    return int(value)


def shorten(text, limit=60):
    """`text` quoted for a message: whole when short, else its start and end and its length."""
    if len(text) <= limit:
        return repr(text)
    half = limit // 2
    return f"{text[:half]!r} ... {text[-half:]!r} ({len(text)} characters)"


def runtime_limit(runtime):
    """The longest token sequence a runtime takes (an artifact's length, or the model's)."""
    return getattr(runtime, "max_length", None) or runtime.config.max_position_embeddings


def default_length(runtime, tokenizer):
    """The runtime's limit, or the tokenizer's `model_max_length` where that is shorter."""
    return min(runtime_limit(runtime), getattr(tokenizer, "model_max_length", None) or 10**30)
