"""Multiple-choice examples (SWAG / RACE layout) -> (batch, choices, seq) features.

Every example is a context (a question stem; for RACE the article and question)
and a list of endings; each (context, ending) pair is encoded as `[CLS] context
[SEP] ending [SEP]`, as transformers' `run_swag.py` does. CommonsenseQA and
OpenBookQA JSON lines are read into that layout.
"""

import numpy as np

from albert_keras.data.text_files import field, read_json_lines
from albert_keras.pipelines.base import shorten
from albert_keras.tasks import TOKEN_INPUTS

LAYOUT = ('one JSON object {"question": {"stem", "choices": [{"label", "text"}]}, "answerKey"} '
          "per line (CommonsenseQA / OpenBookQA)")


def read_jsonl_choices(path, limit=None):
    """CommonsenseQA / OpenBookQA `.jsonl` -> (contexts, choices, label ids or None).

    Each line holds `{"question": {"stem", "choices": [{"label", "text"}]}, "answerKey"}`;
    the label is the index of `answerKey` among the choice labels (None if absent).
    A line that is not such an object, or has another number of choices than the
    first, is refused with its line number.
    """
    contexts, choices, labels = [], [], []
    for number, row in read_json_lines(path, LAYOUT):
        if limit is not None and len(contexts) >= limit:
            break
        where = f"{path}:{number}"
        question = field(row, "question", dict, where)
        options = field(question, "choices", list, f"{where}: question")
        for c, option in enumerate(options):
            field(option, "label", str, f"{where}: question.choices[{c}]")
            field(option, "text", str, f"{where}: question.choices[{c}]")
        if not options:
            raise ValueError(f"{where}: the question has no choices")
        if choices and len(options) != len(choices[0]):
            raise ValueError(f"{where}: {len(options)} choices where the questions before have "
                             f"{len(choices[0])}; every question needs the same number")
        options = sorted(options, key=lambda c: c["label"])
        contexts.append(field(question, "stem", str, f"{where}: question"))
        choices.append([c["text"] for c in options])
        keys = [c["label"] for c in options]
        answer = row.get("answerKey")
        if answer is not None and answer not in keys:
            raise ValueError(f"{where}: answerKey {shorten(str(answer))} is not one of the "
                             f"choice labels {keys}")
        labels.append(None if answer is None else keys.index(answer))
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
            for k in TOKEN_INPUTS}
