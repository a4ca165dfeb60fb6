"""SQuAD exact match and F1 exactly as the official evaluation scripts compute them.

`normalize_answer`, `f1_score`, `exact_match_score` and the max over gold answers follow
`evaluate-v1.1.py` (Rajpurkar et al., 2016) line for line; `squad_v2_evaluate` adds
v2.0's rule that an unanswerable question has the single gold answer "" (the
prediction "" scores 1, anything else 0), and reports HasAns / NoAns breakdowns.
"""

import collections
import re
import string

_PUNCTUATION = set(string.punctuation)


def normalize_answer(text):
    """Lower case, drop punctuation, drop articles (a, an, the), collapse whitespace."""
    text = text.lower()
    text = "".join(ch for ch in text if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def f1_score(prediction, ground_truth):
    """Token-overlap F1 of two answer strings after normalization."""
    prediction_tokens = normalize_answer(prediction).split()
    truth_tokens = normalize_answer(ground_truth).split()
    if not prediction_tokens or not truth_tokens:
        # v2.0 rule; v1.1 never has an empty gold answer and gives 0 for an empty prediction.
        return float(prediction_tokens == truth_tokens)
    common = collections.Counter(prediction_tokens) & collections.Counter(truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0.0
    precision = num_same / len(prediction_tokens)
    recall = num_same / len(truth_tokens)
    return 2 * precision * recall / (precision + recall)


def exact_match_score(prediction, ground_truth):
    """1.0 when the normalized strings are equal."""
    return float(normalize_answer(prediction) == normalize_answer(ground_truth))


def _best(metric, prediction, ground_truths):
    return max(metric(prediction, truth) for truth in ground_truths)


def squad_evaluate(gold_answers, predictions):
    """SQuAD v1.1 scores in percent: `{"exact_match", "f1"}`.

    Args:
        gold_answers: dict id -> list of answer strings.
        predictions: dict id -> predicted string. Missing ids score 0, as the official
            script (which also prints a message for each).
    """
    exact = f1 = 0.0
    for qid, truths in gold_answers.items():
        if qid not in predictions:
            continue
        exact += _best(exact_match_score, predictions[qid], truths)
        f1 += _best(f1_score, predictions[qid], truths)
    total = max(len(gold_answers), 1)
    return {"exact_match": 100.0 * exact / total, "f1": 100.0 * f1 / total}


def squad_v2_evaluate(gold_answers, predictions):
    """SQuAD v2.0 scores in percent: `exact`, `f1`, plus `HasAns_*` / `NoAns_*` parts.

    Args:
        gold_answers: dict id -> list of answer strings (empty for unanswerable).
        predictions: dict id -> predicted string ("" for no answer).
    """
    scores = {}
    for qid, truths in gold_answers.items():
        truths = [t for t in truths if normalize_answer(t)] or [""]
        prediction = predictions.get(qid, "")
        scores[qid] = (_best(exact_match_score, prediction, truths),
                       _best(f1_score, prediction, truths), truths != [""])
    out = {}
    for prefix, keep in (("", lambda a: True), ("HasAns_", bool), ("NoAns_", lambda a: not a)):
        chosen = [(e, f) for e, f, answerable in scores.values() if keep(answerable)]
        if prefix and not chosen:
            continue
        count = max(len(chosen), 1)
        out[prefix + "exact"] = 100.0 * sum(e for e, _ in chosen) / count
        out[prefix + "f1"] = 100.0 * sum(f for _, f in chosen) / count
        out[prefix + "total"] = len(chosen)
    return out
