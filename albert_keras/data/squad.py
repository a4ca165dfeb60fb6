"""SQuAD v1.1 / v2.0 features with a document stride, and n-best span post-processing.

Follows transformers' `examples/pytorch/question-answering` (`prepare_train_features`,
`prepare_validation_features`, `postprocess_qa_predictions`): a long context is
split into windows of `max_seq_length` tokens overlapping by `doc_stride`; an
answer outside a window points at `[CLS]` (index 0), which is also the "no answer"
of v2.0; predictions are read back from character offsets, so the text returned is
an exact slice of the context.
"""

import collections

import numpy as np

from albert_keras.data.text_files import describe, field, read_json, read_json_lines
from albert_keras.pipelines.base import shorten
from albert_keras.tasks import TOKEN_INPUTS

FEATURE_KEYS = TOKEN_INPUTS
LAYOUT = 'a JSON object {"data": [{"paragraphs": [{"context", "qas": [...]}]}]} (SQuAD)'
LAYOUT_JSONL = 'one JSON object {"context", "qas": [...]} per line'


def read_squad(path, limit=None):
    """Official SQuAD `.json` (v1.1 or v2.0) or one-context-per-line `.jsonl` -> examples.

    Returns:
        list of dicts `{"id", "question", "context", "answers": {"text": [..],
        "answer_start": [..]}}` (empty lists for unanswerable v2.0 questions).

    Raises:
        ValueError: naming the file and the record (`train.json: data[0].paragraphs[2].qas[1]:
            no 'question'`) for a file that is not UTF-8 JSON of the SQuAD layout.
    """
    examples = []
    for where, paragraph in _paragraphs(path):
        context = field(paragraph, "context", str, where)
        inner = f"{where}." if where.endswith("]") else f"{where}: "
        for k, qa in enumerate(field(paragraph, "qas", list, where)):
            examples.append(_example(qa, context, f"{inner}qas[{k}]"))
            if limit is not None and len(examples) >= limit:
                return examples
    return examples


def _paragraphs(path):
    """(where, paragraph) pairs: `path: data[i].paragraphs[j]`, or `path:line` for `.jsonl`."""
    if path.endswith(".jsonl"):
        return [(f"{path}:{n}", p) for n, p in read_json_lines(path, LAYOUT_JSONL)]
    document = read_json(path, LAYOUT)
    if not isinstance(document, dict):
        raise ValueError(f"{path}: expected {LAYOUT}, got {describe(document)}")  # noqa: TRY004
    return [(f"{path}: data[{i}].paragraphs[{j}]", paragraph)
            for i, article in enumerate(field(document, "data", list, path))
            for j, paragraph in enumerate(field(article, "paragraphs", list,
                                                f"{path}: data[{i}]"))]


def _example(qa, context, where):
    """One question's example dict, its fields checked."""
    question = field(qa, "question", str, where)
    qa_id = field(qa, "id", (str, int), where)
    answers = ([] if qa.get("is_impossible") or "answers" not in qa
               else field(qa, "answers", list, where))
    for a, answer in enumerate(answers):
        text = field(answer, "text", str, f"{where}.answers[{a}]")
        start = field(answer, "answer_start", int, f"{where}.answers[{a}]")
        if not 0 <= start <= len(context) - len(text):
            raise ValueError(f"{where}.answers[{a}]: answer_start={start} puts {shorten(text)} "
                             f"outside the context ({len(context)} characters)")
    return {"id": qa_id, "question": question, "context": context,
            "answers": {"text": [a["text"] for a in answers],
                        "answer_start": [a["answer_start"] for a in answers]}}


def _questions(tokenizer, examples, max_query_length):
    """Questions without leading spaces, cut after `max_query_length` tokens."""
    questions = [e["question"].lstrip() for e in examples]
    if max_query_length is None:
        return questions
    encoded = tokenizer(questions, add_special_tokens=False, return_offsets_mapping=True)
    return [q if len(offsets) <= max_query_length else q[:offsets[max_query_length - 1][1]]
            for q, offsets in zip(questions, encoded["offset_mapping"])]


def prepare_features(tokenizer, examples, max_seq_length=384, doc_stride=128,
                     max_query_length=64, training=True):
    """Window features for examples; labels for training, offsets for prediction.

    Args:
        tokenizer: AlbertTokenizer.
        examples: list of dicts from `read_squad`.
        max_seq_length: int. Defaults to 384.
        doc_stride: int. Tokens shared by neighbouring windows. Defaults to 128.
        max_query_length: int. Question tokens kept. Defaults to 64.
        training: bool. Add `start_positions` / `end_positions` (0 = `[CLS]` when the
            answer is not inside the window, or there is none).

    Returns:
        dict of int32 arrays (num_features, max_seq_length) plus, per feature,
        `example_index` and `offset_mapping` (a list of (start, end) character
        spans in the context, None for tokens outside the context).
    """
    encoded = tokenizer(_questions(tokenizer, examples, max_query_length),
                        [e["context"] for e in examples], truncation="only_second",
                        max_length=max_seq_length, stride=doc_stride, padding="max_length",
                        return_overflowing_tokens=True, return_offsets_mapping=True)
    features = {k: np.asarray(encoded[k], dtype=np.int32) for k in FEATURE_KEYS}
    features["example_index"] = np.asarray(encoded["overflow_to_sample_mapping"], np.int32)
    offsets = []
    for index, types, mask, spans in zip(features["example_index"], encoded["token_type_ids"],
                                         encoded["attention_mask"], encoded["offset_mapping"]):
        context = examples[index]["context"]
        offsets.append([_trim(context, s) if t == 1 and m == 1 and tuple(s) != (0, 0) else None
                        for t, m, s in zip(types, mask, spans)])
    features["offset_mapping"] = offsets
    if training:
        positions = [_answer_tokens(examples[i]["answers"], spans)
                     for i, spans in zip(features["example_index"], offsets)]
        features["start_positions"] = np.array([p[0] for p in positions], np.int32)
        features["end_positions"] = np.array([p[1] for p in positions], np.int32)
    return features


def _trim(context, span):
    """A token's span without the leading space that a "▁" piece's offset includes."""
    start, end = span
    while start < end - 1 and context[start].isspace():
        start += 1
    return start, end


def _answer_tokens(answers, spans):
    """(start token, end token) of the first answer in a window, or (0, 0)."""
    if not answers["text"]:
        return 0, 0
    start_char = answers["answer_start"][0]
    end_char = start_char + len(answers["text"][0])
    inside = [i for i, s in enumerate(spans) if s is not None]
    if not inside or spans[inside[0]][0] > start_char or spans[inside[-1]][1] < end_char:
        return 0, 0
    start = next(i for i in inside if spans[i][1] > start_char)
    end = next(i for i in reversed(inside) if spans[i][0] < end_char)
    return start, end


def postprocess_predictions(examples, features, start_logits, end_logits, n_best_size=20,
                            max_answer_length=30, version_2_with_negative=False,
                            null_score_diff_threshold=0.0):
    """Best answer text per example id from per-window start/end logits.

    The `n_best_size` best starts and ends of every window of an example are paired
    (end >= start, at most `max_answer_length` tokens, both inside the context); the
    highest `start + end` score wins. With `version_2_with_negative`, the answer is
    "" when the lowest window `[CLS]` score beats the best span by more than
    `null_score_diff_threshold`.

    Returns:
        (predictions: dict id -> text, n_best: dict id -> list of {text, score,
        start_logit, end_logit} best first).
    """
    by_example = collections.defaultdict(list)
    for feature_index, example_index in enumerate(features["example_index"]):
        by_example[int(example_index)].append(feature_index)
    predictions, all_nbest = {}, {}
    for example_index, example in enumerate(examples):
        null, candidates = None, []
        for f in by_example[example_index]:
            starts, ends = np.asarray(start_logits[f]), np.asarray(end_logits[f])
            spans = features["offset_mapping"][f]
            null_score = float(starts[0] + ends[0])
            if null is None or null["score"] > null_score:
                null = {"offsets": (0, 0), "score": null_score,
                        "start_logit": float(starts[0]), "end_logit": float(ends[0])}
            best_starts = np.argsort(starts)[-1:-n_best_size - 1:-1]
            best_ends = np.argsort(ends)[-1:-n_best_size - 1:-1]
            for s in best_starts:
                for e in best_ends:
                    if spans[s] is None or spans[e] is None or e < s:
                        continue
                    if e - s + 1 > max_answer_length:
                        continue
                    candidates.append({"offsets": (spans[s][0], spans[e][1]),
                                       "score": float(starts[s] + ends[e]),
                                       "start_logit": float(starts[s]),
                                       "end_logit": float(ends[e])})
        if version_2_with_negative and null is not None:
            candidates.append(null)
        best = sorted(candidates, key=lambda c: c["score"], reverse=True)[:n_best_size]
        if version_2_with_negative and null is not None and not any(
                c["offsets"] == (0, 0) for c in best):
            best.append(null)
        for candidate in best:
            start, end = candidate.pop("offsets")
            candidate["text"] = example["context"][start:end]
        if not best or (len(best) == 1 and best[0]["text"] == ""):
            best.insert(0, {"text": "", "score": 0.0, "start_logit": 0.0, "end_logit": 0.0})
        all_nbest[example["id"]] = best
        if not version_2_with_negative:
            predictions[example["id"]] = best[0]["text"]
            continue
        non_null = next((c for c in best if c["text"]), None)
        if non_null is None:
            predictions[example["id"]] = ""
            continue
        diff = null["score"] - non_null["start_logit"] - non_null["end_logit"]
        predictions[example["id"]] = "" if diff > null_score_diff_threshold else non_null["text"]
    return predictions, all_nbest
