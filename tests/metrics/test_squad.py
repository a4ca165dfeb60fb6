"""SQuAD EM/F1 against the official v1.1 evaluation script (its logic copied verbatim below)."""

import collections
import json
import re
import string

import pytest

from albert_keras.metrics import squad as m
from tests.data_pipelines.conftest import DATA


# ---- evaluate-v1.1.py (Rajpurkar et al.), functions unchanged apart from names -----
def official_normalize_answer(s):
    def remove_articles(text):
        return re.sub(r'\b(a|an|the)\b', ' ', text)

    def white_space_fix(text):
        return ' '.join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return ''.join(ch for ch in text if ch not in exclude)

    def lower(text):
        return text.lower()

    return white_space_fix(remove_articles(remove_punc(lower(s))))


def official_f1_score(prediction, ground_truth):
    prediction_tokens = official_normalize_answer(prediction).split()
    ground_truth_tokens = official_normalize_answer(ground_truth).split()
    common = collections.Counter(prediction_tokens) & collections.Counter(ground_truth_tokens)
    num_same = sum(common.values())
    if num_same == 0:
        return 0
    precision = 1.0 * num_same / len(prediction_tokens)
    recall = 1.0 * num_same / len(ground_truth_tokens)
    f1 = (2 * precision * recall) / (precision + recall)
    return f1


def official_exact_match_score(prediction, ground_truth):
    return (official_normalize_answer(prediction) == official_normalize_answer(ground_truth))


def official_metric_max_over_ground_truths(metric_fn, prediction, ground_truths):
    scores_for_ground_truths = []
    for ground_truth in ground_truths:
        score = metric_fn(prediction, ground_truth)
        scores_for_ground_truths.append(score)
    return max(scores_for_ground_truths)


def official_evaluate(dataset, predictions):
    f1 = exact_match = total = 0
    for article in dataset:
        for paragraph in article['paragraphs']:
            for qa in paragraph['qas']:
                total += 1
                if qa['id'] not in predictions:
                    continue
                ground_truths = list(map(lambda x: x['text'], qa['answers']))  # noqa: C417 (verbatim)
                prediction = predictions[qa['id']]
                exact_match += official_metric_max_over_ground_truths(
                    official_exact_match_score, prediction, ground_truths)
                f1 += official_metric_max_over_ground_truths(
                    official_f1_score, prediction, ground_truths)
    exact_match = 100.0 * exact_match / total
    f1 = 100.0 * f1 / total
    return {'exact_match': exact_match, 'f1': f1}
# ---- end of the official script ----------------------------------------------------


def _dataset():
    return json.loads((DATA / "squad_v1.1" / "dev_sample.json").read_text(encoding="utf-8"))["data"]


def _perturbed_predictions(dataset):
    """Predictions of every kind: exact, case/punctuation/article changes, partial, wrong, missing."""
    predictions, k = {}, 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                gold = qa["answers"][k % len(qa["answers"])]["text"]
                words = gold.split()
                variants = [gold, "The " + gold.upper() + "!", gold + " and more words",
                            " ".join(words[:max(1, len(words) // 2)]), "completely unrelated",
                            "", "a  " + gold.lower() + " ,", None]
                choice = variants[k % len(variants)]
                if choice is not None:
                    predictions[qa["id"]] = choice
                k += 1
    return predictions


def test_matches_the_official_v11_script_on_real_answers():
    dataset = _dataset()
    predictions = _perturbed_predictions(dataset)
    gold = {qa["id"]: [a["text"] for a in qa["answers"]]
            for a in dataset for p in a["paragraphs"] for qa in p["qas"]}
    ours, official = m.squad_evaluate(gold, predictions), official_evaluate(dataset, predictions)
    assert ours == pytest.approx(official)
    assert 20 < official["exact_match"] < 80  # the mix really exercises both paths
    for qid, truths in gold.items():
        prediction = predictions.get(qid, "x")
        for truth in truths:
            assert m.normalize_answer(truth) == official_normalize_answer(truth)
            assert m.f1_score(prediction, truth) == pytest.approx(
                official_f1_score(prediction, truth))


def test_normalization_hand_worked():
    assert m.normalize_answer("The  Cat's   hat, an A-team!") == "cats hat ateam"
    assert m.exact_match_score("an apple", "Apple.") == 1.0
    # "the big red dog" vs "a red dog": tokens {big, red, dog} vs {red, dog}: P 2/3 R 1 -> 0.8
    assert m.f1_score("the big red dog", "a red dog") == pytest.approx(0.8)


def test_v2_no_answer_rules():
    gold = {"q1": ["Paris"], "q2": [], "q3": []}
    scores = m.squad_v2_evaluate(gold, {"q1": "paris", "q2": "", "q3": "something"})
    assert scores["exact"] == pytest.approx(200 / 3)
    assert scores["HasAns_exact"] == 100.0 and scores["NoAns_exact"] == 50.0
    assert scores["HasAns_total"] == 1 and scores["NoAns_total"] == 2
