"""Token ids to model inputs: special tokens, truncation, overflow windows, padding, tensors.

The rules are transformers 4.57.1's (`PreTrainedTokenizerBase.truncate_sequences`,
`_pad`, `convert_to_tensors`); overflow windows follow `AlbertTokenizerFast`
(`tokenizers`' `Encoding::truncate`), because the slow tokenizer returns a single
`overflowing_tokens` list that QA document-stride code cannot use.
"""

import logging

import numpy as np

logger = logging.getLogger(__name__)

VERY_LARGE_INTEGER = int(1e30)  # transformers' "no model_max_length" value
TRUNCATION_STRATEGIES = ("longest_first", "only_first", "only_second", "do_not_truncate")
PADDING_STRATEGIES = ("longest", "max_length", "do_not_pad")


class BatchEncoding(dict):
    """A dict of model inputs that also allows `enc.input_ids` (transformers' name)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


def resolve_strategies(padding, truncation, max_length):
    """Map the `padding`/`truncation` arguments to strategy names (HF's rules)."""
    if padding is True:
        padding = "longest"
    elif padding is False or padding is None:
        padding = "do_not_pad"
    if padding not in PADDING_STRATEGIES:
        raise ValueError(f"padding={padding!r} must be one of True, False, {PADDING_STRATEGIES}")
    if truncation is None and max_length is not None and padding == "do_not_pad":
        # transformers: max_length without truncation means longest_first (with a warning).
        logger.warning("max_length is set but truncation is not: using truncation='longest_first'.")
        truncation = "longest_first"
    if truncation is True:
        truncation = "longest_first"
    elif truncation is False or truncation is None:
        truncation = "do_not_truncate"
    if truncation not in TRUNCATION_STRATEGIES:
        raise ValueError(f"truncation={truncation!r} must be one of True, False, {TRUNCATION_STRATEGIES}")
    return padding, truncation


def _truncate(first, second, num_to_remove, strategy):
    """Remove `num_to_remove` tokens as `truncate_sequences` does (no overflow)."""
    if strategy == "only_second" and second is None:
        return first, second
    if strategy == "longest_first" and second is not None:
        a, b = len(first[0]), len(second[0])
        for _ in range(num_to_remove):  # one token at a time from the longer one (ties: second)
            if a > b:
                a -= 1
            else:
                b -= 1
        return _cut(first, a), _cut(second, b)
    target, index = (second, 1) if strategy == "only_second" else (first, 0)
    if len(target[0]) <= num_to_remove:
        logger.error(
            "Cannot truncate with %s: the sequence has %d tokens and %d must go; "
            "returning it untruncated (as transformers does).",
            strategy, len(target[0]), num_to_remove,
        )
        return first, second
    cut = _cut(target, len(target[0]) - num_to_remove)
    return (cut, second) if index == 0 else (first, cut)


def _cut(seq, length):
    """The first `length` tokens of an (ids, offsets) pair."""
    ids, offsets = seq
    return ids[:length], None if offsets is None else offsets[:length]


def _windows(length, budget, stride):
    """(start, stop) windows of `budget` tokens, moving by budget - stride."""
    if stride >= budget:
        raise ValueError(f"stride={stride} must be smaller than the {budget} tokens left per window")
    spans, start = [], 0
    while True:
        stop = min(start + budget, length)
        spans.append((start, stop))
        if stop >= length:
            return spans
        start += budget - stride


def build_features(first, second, specials, strategy, max_length, stride, overflow):
    """One or more feature dicts for a text (pair); each seq is (ids, offsets or None)."""
    cls_id, sep_id = specials
    n_special = 2 if second is None else 3
    total = len(first[0]) + (0 if second is None else len(second[0])) + n_special
    if strategy == "do_not_truncate" or max_length is None or total <= max_length:
        return [_assemble(first, second, cls_id, sep_id)]
    if not overflow:
        first, second = _truncate(first, second, total - max_length, strategy)
        return [_assemble(first, second, cls_id, sep_id)]
    if second is not None and strategy == "longest_first":
        raise ValueError(
            "Not possible to return overflowing tokens for pair of sequences with the "
            "`longest_first`. Please select another truncation strategy than `longest_first`, "
            "for instance `only_second` or `only_first`."
        )
    windowed_second = strategy == "only_second" and second is not None
    target, other = (second, first) if windowed_second else (first, second)
    budget = max_length - n_special - (0 if other is None else len(other[0]))
    if budget <= 0 or (strategy == "only_second" and second is None):
        logger.error("Cannot truncate with %s to max_length=%d; untruncated.", strategy, max_length)
        return [_assemble(first, second, cls_id, sep_id)]
    features = []
    for start, stop in _windows(len(target[0]), budget, stride):
        ids, offs = target
        piece = (ids[start:stop], None if offs is None else offs[start:stop])
        pair = (first, piece) if windowed_second else (piece, second)
        features.append(_assemble(*pair, cls_id, sep_id))
    return features


def _assemble(first, second, cls_id, sep_id):
    """`[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]` with types, masks and offsets."""
    ids = [cls_id] + list(first[0]) + [sep_id]
    special = [1] + [0] * len(first[0]) + [1]
    types = [0] * len(ids)
    offsets = None if first[1] is None else [(0, 0)] + list(first[1]) + [(0, 0)]
    if second is not None:
        ids += list(second[0]) + [sep_id]
        special += [0] * len(second[0]) + [1]
        types += [1] * (len(second[0]) + 1)
        if offsets is not None:
            offsets += list(second[1]) + [(0, 0)]
    feature = {"input_ids": ids, "token_type_ids": types, "attention_mask": [1] * len(ids)}
    feature["special_tokens_mask"] = special
    if offsets is not None:
        feature["offset_mapping"] = offsets
    return feature


_PAD_VALUES = {"token_type_ids": 0, "attention_mask": 0, "special_tokens_mask": 1}


def pad_features(features, padding, max_length, pad_to_multiple_of, pad_id):
    """Right-pad every feature to the longest one or to `max_length` (in place)."""
    if padding == "do_not_pad" or not features:
        return features
    target = max(len(f["input_ids"]) for f in features) if padding == "longest" else max_length
    if pad_to_multiple_of and target % pad_to_multiple_of:
        target = (target // pad_to_multiple_of + 1) * pad_to_multiple_of
    for feature in features:
        missing = target - len(feature["input_ids"])
        if missing <= 0:
            continue
        for key, values in feature.items():
            fill = {"input_ids": pad_id, "offset_mapping": (0, 0)}.get(key, _PAD_VALUES.get(key))
            if fill is not None:
                values.extend([fill] * missing)
    return features


def pad_to_shape(rows, shape, pad_value=0, dtype="int32"):
    """One feature's rows (lists or arrays, each at most `shape[1:]`) as one array of `shape`.

    Each row is written at the start of its place and the rest filled with `pad_value`
    (the pad id for `input_ids`, 0 for masks and segments): what the pipelines do to a
    batch of token rows and the runtimes to a batch for a fixed or bucketed length.
    """
    out = np.full(shape, pad_value, dtype)
    for i, row in enumerate(rows):
        row = np.asarray(row)
        out[(i,) + tuple(slice(0, n) for n in row.shape)] = row
    return out


def to_tensors(encoding, return_tensors):
    """Turn lists into "np" arrays or "tf" tensors (None leaves Python lists)."""
    if return_tensors is None:
        return encoding
    if return_tensors not in ("np", "tf"):
        raise ValueError(f"return_tensors={return_tensors!r} must be None, 'np' or 'tf'")
    for key, value in encoding.items():
        lengths = {len(v) for v in value} if value and isinstance(value[0], list) else set()
        if len(lengths) > 1:
            raise ValueError(
                f"Unable to create tensor for '{key}': the sequences have different lengths "
                f"{sorted(lengths)}. Use padding=True or padding='max_length' with truncation."
            )
        array = np.asarray(value, dtype=np.int64)
        if return_tensors == "tf":
            import tensorflow as tf  # local: return_tensors="tf" only; the tokenizer needs none

            array = tf.constant(array, dtype=tf.int32)
        encoding[key] = array
    return encoding
