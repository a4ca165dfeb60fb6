"""Entity-level scores against seqeval, on CoNLL-2003 IOB1 tags and on IOB2."""

import numpy as np
import pytest

from albert_keras.data.ner import read_conll
from albert_keras.metrics import ner as m
from tests.data_pipelines.conftest import DATA


def test_hand_worked_chunks():
    assert m.get_entities(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG"]) == [
        ("PER", 0, 1), ("LOC", 3, 4), ("LOC", 5, 5), ("ORG", 6, 6)]
    assert m.iob1_to_iob2(["I-PER", "I-PER", "B-PER", "O", "I-LOC"]) == [
        "B-PER", "I-PER", "B-PER", "O", "B-LOC"]
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    pred = [["B-PER", "I-PER", "O", "B-ORG"]]
    scores = m.entity_scores(gold, pred)  # 1 of 2 right, 1 of 2 found
    assert scores["precision"] == scores["recall"] == scores["f1"] == 0.5
    assert scores["per_type"]["LOC"]["recall"] == 0.0


def _noisy(tags, rng):
    kinds = ["PER", "LOC", "ORG", "MISC"]
    out = []
    for sentence in tags:
        row = []
        for tag in sentence:
            r = rng.random()
            if r < 0.08:
                tag = "O"
            elif r < 0.16:
                tag = f"{rng.choice(['B', 'I'])}-{rng.choice(kinds)}"
            row.append(tag)
        out.append(row)
    return out


@pytest.mark.parametrize("scheme", ["iob1", "iob2"])
def test_against_seqeval_on_conll(scheme):
    import seqeval.metrics as seqeval

    _, tags = read_conll(str(DATA / "conll2003" / "eng.testa.sample"))
    if scheme == "iob2":
        tags = [m.iob1_to_iob2(t) for t in tags]
    predicted = _noisy(tags, np.random.default_rng(0))
    ours = m.entity_scores(tags, predicted)
    assert ours["f1"] == pytest.approx(seqeval.f1_score(tags, predicted))
    assert ours["precision"] == pytest.approx(seqeval.precision_score(tags, predicted))
    assert ours["recall"] == pytest.approx(seqeval.recall_score(tags, predicted))
    report = seqeval.classification_report(tags, predicted, output_dict=True)
    for kind, row in ours["per_type"].items():
        assert row["f1"] == pytest.approx(report[kind]["f1-score"])
        assert row["support"] == report[kind]["support"]
    assert 0.3 < ours["f1"] < 0.95


def test_iob1_and_iob2_give_the_same_entities():
    _, tags = read_conll(str(DATA / "conll2003" / "eng.testa.sample"))
    assert m.get_entities(tags) == m.get_entities([m.iob1_to_iob2(t) for t in tags])
    assert len(m.get_entities(tags)) > 50
