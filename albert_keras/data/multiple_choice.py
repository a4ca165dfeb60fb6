"""Multiple-choice examples (SWAG / RACE layout) -> (batch, choices, seq) features.

Every example is a context (a question stem; for RACE the article and question)
and a list of endings; each (context, ending) pair is encoded as `[CLS] context
[SEP] ending [SEP]`, as transformers' `run_swag.py` does. CommonsenseQA and
OpenBookQA JSON lines are read into that layout.
"""

import json

import numpy as np


def read_jsonl_choices(path, limit=None):
    """CommonsenseQA / OpenBookQA `.jsonl` -> (contexts, choices, label ids or None).

    Each line holds `{"question": {"stem", "choices": [{"label", "text"}]}, "answerKey"}`;
    the label is the index of `answerKey` among the choice labels (None if absent).
    """
    contexts, choices, labels = [], [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if limit is not None and len(contexts) >= limit:
                break
            row = json.loads(line)
            question = row["question"]
            options = sorted(question["choices"], key=lambda c: c["label"])
            contexts.append(question["stem"])
            choices.append([c["text"] for c in options])
            keys = [c["label"] for c in options]
            labels.append(keys.index(row["answerKey"]) if "answerKey" in row else None)
    if any(label is None for label in labels):
        labels = None
    return contexts, choices, None if labels is None else np.array(labels, dtype=np.int32)


def encode_choices(tokenizer, contexts, choices, max_seq_length=64):
    """Features of shape (examples, num_choices, max_seq_length), int32.

    Args:
        tokenizer: AlbertTokenizer.
        contexts: list of str (the question, or RACE's "article question").
        choices: list of lists of str, all of the same length.
    """
    num_choices = len(choices[0])
    if any(len(c) != num_choices for c in choices):
        raise ValueError("every example needs the same number of choices")
    firsts = [c for c in contexts for _ in range(num_choices)]
    seconds = [e for endings in choices for e in endings]
    encoded = tokenizer(firsts, seconds, truncation="only_first", max_length=max_seq_length,
                        padding="max_length", return_tensors="np")
    return {k: np.asarray(encoded[k], dtype=np.int32).reshape(len(contexts), num_choices, -1)
            for k in ("input_ids", "attention_mask", "token_type_ids")}
