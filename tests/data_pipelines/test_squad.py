"""SQuAD features: labels point at the answer, across stride windows; n-best post-processing."""

import numpy as np
import pytest

from albert_keras.data import squad
from albert_keras.metrics.squad import squad_evaluate
from tests.data_pipelines.conftest import DATA

SAMPLE = str(DATA / "squad_v1.1" / "dev_sample.json")


@pytest.fixture(scope="module")
def examples():
    return squad.read_squad(SAMPLE)


def _window_text(example, features, f):
    spans = features["offset_mapping"][f]
    s, e = features["start_positions"][f], features["end_positions"][f]
    return example["context"][spans[s][0]:spans[e][1]]


def test_train_labels_recover_every_answer_exactly(tokenizer, examples):
    features = squad.prepare_features(tokenizer, examples, max_seq_length=384, doc_stride=128)
    recovered = {}
    for f, i in enumerate(features["example_index"]):
        if features["start_positions"][f] > 0:
            recovered.setdefault(int(i), _window_text(examples[i], features, f))
    assert len(examples) > 100
    for i, example in enumerate(examples):
        # The tokenizer may glue an answer to a neighbouring character ("$5" in "$5,"); the
        # recovered span then contains the answer and adds at most a few characters.
        text = recovered[i]
        answer = example["answers"]["text"][0]
        assert answer in text and len(text) - len(answer) <= 3, (answer, text)
    exact = np.mean([recovered[i] == e["answers"]["text"][0] for i, e in enumerate(examples)])
    assert exact > 0.95


def test_stride_windows_overlap_and_label_the_answer_in_each(tokenizer, examples):
    features = squad.prepare_features(tokenizer, examples, max_seq_length=64, doc_stride=24,
                                      max_query_length=16)
    counts = np.bincount(features["example_index"])
    assert counts.max() >= 4  # long contexts really are split
    assert features["input_ids"].shape[1] == 64
    labelled = 0
    for f, i in enumerate(features["example_index"]):
        if features["start_positions"][f] == 0:
            continue
        labelled += 1
        answer = examples[i]["answers"]["text"][0]
        text = _window_text(examples[i], features, f)
        assert answer in text and len(text) - len(answer) <= 3
    assert labelled >= len(examples) * 0.9
    # Neighbouring windows share `doc_stride` context tokens.
    first = [f for f, i in enumerate(features["example_index"]) if i == counts.argmax()]
    a, b = (features["offset_mapping"][first[k]] for k in (0, 1))
    a_spans, b_spans = [s for s in a if s], [s for s in b if s]
    assert a_spans[-24:] == b_spans[:24]


def test_postprocessing_recovers_answers_from_offsets(tokenizer, examples):
    """Logits peaked on the gold tokens of a window -> the exact answer text, any window."""
    features = squad.prepare_features(tokenizer, examples, max_seq_length=64, doc_stride=24,
                                      max_query_length=16)
    rng = np.random.default_rng(0)
    n, seq = features["input_ids"].shape
    start, end = rng.normal(0, 1, (n, seq)), rng.normal(0, 1, (n, seq))
    chosen = {}
    for f, i in enumerate(features["example_index"]):
        s = features["start_positions"][f]
        if s > 0 and (i not in chosen or rng.random() < 0.5):
            chosen[int(i)] = f  # a random labelled window of the example carries the answer
    for f in chosen.values():
        start[f, features["start_positions"][f]] += 20
        end[f, features["end_positions"][f]] += 20
    predictions, nbest = squad.postprocess_predictions(examples, features, start, end)
    gold = {e["id"]: e["answers"]["text"] for e in examples}
    for i, f in chosen.items():
        assert predictions[examples[i]["id"]] == _window_text(examples[i], features, f)
    assert squad_evaluate(gold, predictions)["f1"] > 95
    assert all(len(v) <= 20 for v in nbest.values())


def test_max_answer_length_and_null_answer():
    context = "alpha beta gamma delta"
    example = {"id": "x", "question": "q", "context": context, "answers": {"text": [],
                                                                            "answer_start": []}}
    spans = [None, None, (0, 5), (6, 10), (11, 16), (17, 22), None]
    features = {"example_index": np.array([0]), "offset_mapping": [spans]}
    start = np.array([[0.0, 0, 5, 0, 0, 0, 0]])
    end = np.array([[0.0, 0, 0, 0, 0, 6, 0]])  # best span: tokens 2..5, 4 tokens long
    long, _ = squad.postprocess_predictions([example], features, start, end)
    assert long["x"] == context
    short, _ = squad.postprocess_predictions([example], features, start, end, max_answer_length=2)
    assert short["x"] in ("alpha", "delta", "alpha beta", "gamma delta")
    null = np.array([[20.0, 0, 5, 0, 0, 0, 0]])
    v2, _ = squad.postprocess_predictions([example], features, null, end,
                                          version_2_with_negative=True)
    assert v2["x"] == ""
    v2, _ = squad.postprocess_predictions([example], features, null, end,
                                          version_2_with_negative=True,
                                          null_score_diff_threshold=100.0)
    assert v2["x"] == context


def test_impossible_questions_point_at_cls(tokenizer):
    example = {"id": "u", "question": "Who?", "context": "Nobody is named here.",
               "answers": {"text": [], "answer_start": []}}
    features = squad.prepare_features(tokenizer, [example], max_seq_length=32)
    assert features["start_positions"].tolist() == [0] and features["end_positions"].tolist() == [0]
