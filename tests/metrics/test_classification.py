"""GLUE scores against scikit-learn and SciPy (hand-worked values where those are absent)."""

import numpy as np
import pytest

from albert_keras.metrics import classification as m

rng = np.random.default_rng(0)
LABELS = rng.integers(0, 3, 200)
PREDICTIONS = np.where(rng.random(200) < 0.6, LABELS, rng.integers(0, 3, 200))
BINARY, BINARY_PRED = LABELS % 2, PREDICTIONS % 2
SCORES = np.round(rng.random(150) * 5, 1)  # ties on purpose
GUESSES = np.round(SCORES + rng.normal(0, 1.2, 150), 1)


def test_hand_worked():
    assert m.accuracy([1, 0, 1, 1], [1, 1, 1, 0]) == 0.5
    # tp 2, fp 1, fn 1 -> F1 = 4 / 6
    assert m.f1_score([1, 0, 1, 1], [1, 1, 1, 0]) == pytest.approx(2 / 3)
    # tp 2 tn 0 fp 1 fn 1 -> (0 - 1) / sqrt(3 * 3 * 1 * 1) = -1/3
    assert m.matthews_corrcoef([1, 0, 1, 1], [1, 1, 1, 0]) == pytest.approx(-1 / 3)
    assert m.matthews_corrcoef([1, 1, 1], [1, 1, 1]) == 0.0  # undefined -> 0, as sklearn
    assert m.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert m.spearman([1, 2, 2, 3], [10, 20, 20, 30]) == pytest.approx(1.0)


def test_against_sklearn():
    import sklearn.metrics as sk

    assert m.accuracy(LABELS, PREDICTIONS) == pytest.approx(sk.accuracy_score(LABELS, PREDICTIONS))
    assert m.f1_score(BINARY, BINARY_PRED) == pytest.approx(sk.f1_score(BINARY, BINARY_PRED))
    assert m.f1_score(LABELS, PREDICTIONS, average="macro") == pytest.approx(
        sk.f1_score(LABELS, PREDICTIONS, average="macro"))
    for y, p in ((BINARY, BINARY_PRED), (LABELS, PREDICTIONS)):
        assert m.matthews_corrcoef(y, p) == pytest.approx(sk.matthews_corrcoef(y, p))


def test_against_scipy():
    from scipy import stats

    assert m.pearson(SCORES, GUESSES) == pytest.approx(stats.pearsonr(SCORES, GUESSES)[0])
    assert m.spearman(SCORES, GUESSES) == pytest.approx(stats.spearmanr(SCORES, GUESSES)[0])


def test_glue_metrics_per_task():
    assert set(m.glue_metrics("mrpc", BINARY, BINARY_PRED)) == {"accuracy", "f1"}
    assert set(m.glue_metrics("stsb", SCORES, GUESSES)) == {"pearson", "spearman"}
    assert set(m.glue_metrics("cola", BINARY, BINARY_PRED)) == {"matthews"}
    with pytest.raises(ValueError, match="unknown task"):
        m.glue_metrics("nope", [1], [1])
