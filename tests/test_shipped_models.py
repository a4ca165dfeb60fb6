"""The models shipped in albert_keras/assets load by name offline and do what their cards say."""

import csv
import json
import os

import numpy as np
import pytest

from albert_keras import pipeline
from albert_keras.shipped import ASSETS, SHIPPED_MODELS, default_model, shipped_path

DATA = os.path.join(os.path.dirname(__file__), "data")


def _read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _facts(name):
    with open(os.path.join(ASSETS, name, "training_facts.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _sst2_dev():
    with open(os.path.join(DATA, "sst2", "dev.tsv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["text"] for r in rows], np.array([int(r["label"]) for r in rows])


@pytest.mark.parametrize("name", sorted(SHIPPED_MODELS))
def test_shipped_model_is_complete_small_and_carded(name):
    folder = shipped_path(name)
    for filename in ("config.json", "model.safetensors", "spiece.model", "README.md",
                     "training_facts.json"):
        assert os.path.isfile(os.path.join(folder, filename)), filename
    assert os.path.getsize(os.path.join(folder, "model.safetensors")) < 10 * 2**20
    card = _read(os.path.join(folder, "README.md"))
    assert _facts(name)["command"] in card  # the card says how to reproduce it


def test_names_resolve_before_the_hub(monkeypatch):
    import albert_keras

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    model = albert_keras.AlbertForMaskedLM.from_pretrained("albert-tiny-en")
    assert model.loading_info.new == []  # every weight of the MLM model came from the folder
    assert shipped_path("albert-base-v2") is None  # other names still go to the hub
    assert default_model("text-classification") == "albert-tiny-en-sst2"
    assert default_model("question-answering") == "albert-tiny-en-squad"
    with pytest.raises(ValueError, match="no shipped model"):
        default_model("token-classification")


def test_classifier_dev_accuracy_is_what_the_card_says():
    """Re-measures SST-2 dev accuracy through the pipeline (the card measured it in training)."""
    texts, labels = _sst2_dev()
    classify = pipeline("text-classification", "albert-tiny-en-sst2", batch_size=64)
    predicted = np.array([{"negative": 0, "positive": 1}[r["label"]] for r in classify(texts)])
    accuracy = float(np.mean(predicted == labels))
    assert abs(accuracy - _facts("albert-tiny-en-sst2")["dev_accuracy"]) <= 0.005
    assert accuracy >= 0.75  # majority class: 0.509


def held_out_sentences():
    """176 sentences of 40 Wikipedia documents the pre-training held out (every 40th), none of
    which occurs in a training document."""
    text = _read(os.path.join(DATA, "enwiki_heldout_sample.txt"))
    return [s for s in text.splitlines() if s.strip()]


def test_pretrained_model_uses_context_on_held_out_text_as_the_card_says():
    """Masked held-out tokens: the model beats the best context-free guess clearly, and
    scores what its training run recorded on these sentences (the card's own figure comes
    from 3,000 held-out sentences; this sample of 40 documents reads a little easier)."""
    import albert_keras
    from albert_keras.metrics import masked_token_accuracy
    from albert_keras.tokenization import AlbertTokenizer

    model = albert_keras.AlbertForMaskedLM.from_pretrained("albert-tiny-en")
    tokenizer = AlbertTokenizer.from_pretrained("albert-tiny-en")
    accuracy, constant = masked_token_accuracy(model, tokenizer, held_out_sentences())
    # Reads the sentence: a model at the frequency plateau scores exactly the constant guess
    # (the first shipped model did), the single-stage 6,000-step model 1.5x.
    assert accuracy >= 2.0 * constant, (accuracy, constant)
    facts = _facts("albert-tiny-en")
    recorded = facts["held_out_masked_tokens"]["test_sample"]
    assert recorded["sentences"] == len(held_out_sentences())
    assert abs(accuracy - recorded["accuracy"]) <= 0.003, (accuracy, recorded)
    assert abs(constant - recorded["constant_guess"]) <= 1e-9
    card_figures = facts["held_out_masked_tokens"]
    assert card_figures["accuracy"] >= 2.0 * card_figures["constant_guess"]
    assert facts["eval_after"]["mlm_loss"] < facts["eval_before"]["mlm_loss"] - 2.0
    card = _read(os.path.join(ASSETS, "albert-tiny-en", "README.md"))
    assert f"{facts['held_out_masked_tokens']['accuracy']:.3f}" in card


def test_fill_mask_hit_rates_are_what_the_card_says():
    """Re-runs the card's fill-mask study (one single-piece word masked in each of 200
    held-out sentences) through the pipeline: same first choices, same hit rates."""
    from albert_keras.tokenization import AlbertTokenizer

    facts = _facts("albert-tiny-en")
    rows, hits = facts["fill_mask_examples"], facts["fill_mask_hits"]
    assert len(rows) == hits["sentences"] >= 200
    tokenizer = AlbertTokenizer.from_pretrained("albert-tiny-en")
    assert all(len(tokenizer.tokenize(r["answer"])) == 1 for r in rows)  # nameable by one [MASK]
    fill = pipeline("fill-mask", "albert-tiny-en", batch_size=64)
    top5 = [[t["token_str"] for t in top] for top in fill([r["text"] for r in rows], top_k=5)]
    same_first = np.mean([t[0] == r["top5"][0][0] for t, r in zip(top5, rows)])
    assert same_first >= 0.99, same_first
    top1 = np.mean([t[0] == r["answer"] for t, r in zip(top5, rows)])
    in_top5 = np.mean([r["answer"] in t for t, r in zip(top5, rows)])
    assert abs(top1 - hits["top1"]) <= 0.01 and abs(in_top5 - hits["top5"]) <= 0.01
    assert in_top5 > top1 > 0
    # Sensible, not only right: most first choices are content words, as the masked words are
    # (alphabetic, > 3 letters). The previous shipped model's were "the", "a", "in" ...: 0.20.
    word_like = np.mean([t[0].isalpha() and len(t[0]) > 3 for t in top5])
    assert abs(word_like - hits["word_like_first"]) <= 0.01 and word_like > 0.5, word_like
    card = _read(os.path.join(ASSETS, "albert-tiny-en", "README.md"))
    assert f"{hits['top5']:.1%}" in card


def test_fill_mask_is_sensible_on_hand_written_sentences():
    """Sentences in no corpus document, whose masked word the context settles: the shipped
    model's first choice is that word (the previous shipped model, at 2.2x the context-free
    guess, had only "university" first). The card shows these and the model's misses."""
    fill = pipeline("fill-mask", "albert-tiny-en")
    months = {"january", "february", "march", "april", "may", "june", "july", "august",
              "september", "october", "november", "december"}
    first = {text: fill(text, top_k=1)[0]["token_str"] for text in (
        "He studied law at the [MASK] of Oxford.", "The church was built in the 12th [MASK].",
        "The film was released in [MASK] 2015.")}
    assert first["He studied law at the [MASK] of Oxford."] == "university", first
    assert first["The church was built in the 12th [MASK]."] == "century", first
    assert first["The film was released in [MASK] 2015."] in months, first
    probes = _facts("albert-tiny-en")["probes"]
    assert {p["text"]: p["top5"][0][0] for p in probes if p["text"] in first} == first


def test_question_answering_f1_on_held_out_articles_is_what_the_card_says():
    """Re-scores the card's held-out sample (the first paragraphs of the 8 SQuAD articles the
    fine-tuning never saw) with the library's SQuAD evaluation, and checks the pipeline
    answers a question of them with a span of its passage."""
    from albert_keras import AlbertForQuestionAnswering
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training.finetune_tasks import SquadTask

    facts = _facts("albert-tiny-en-squad")
    path = os.path.join(DATA, "squad_v1.1", "heldout_sample.json")
    task = SquadTask("squad", path, path, max_seq_length=facts["max_seq_length"],
                     doc_stride=facts["doc_stride"])
    scores = task.evaluate(AlbertForQuestionAnswering.from_pretrained("albert-tiny-en-squad"),
                           AlbertTokenizer.from_pretrained("albert-tiny-en-squad"))
    recorded = facts["held_out_sample"]
    assert len(task.dev) == recorded["questions"]
    assert abs(scores["f1"] - recorded["f1"]) <= 0.5, (scores, recorded)
    assert abs(scores["exact_match"] - recorded["exact_match"]) <= 0.5, (scores, recorded)
    card = _read(os.path.join(ASSETS, "albert-tiny-en-squad", "README.md"))
    assert f"**{facts['held_out']['f1']:.1f}**" in card
    # Trained, not a seeded head: untrained heads on albert-tiny-en score F1 5.5-7.2 and exact
    # match 0 here (seeds 0-2), answering with the first word 2.7 and 1.6; this model 17.6, 7.3.
    assert scores["f1"] > 12 and scores["exact_match"] > 4, scores
    qa = pipeline("question-answering", "albert-tiny-en-squad")
    assert qa.max_length == facts["max_seq_length"]  # stops where the positions were trained
    example = facts["examples"][0]
    with open(path, encoding="utf-8") as handle:
        context = json.load(handle)["data"][0]["paragraphs"][0]["context"]
    answer = qa(question=example["question"], context=context)
    assert answer["answer"] == example["answer"]
    assert context[answer["start"]:answer["end"]] == answer["answer"]


def test_pipeline_without_a_model_uses_the_shipped_default():
    """As transformers' `pipeline(task)` picks a default model, ours picks the shipped one;
    a task with no shipped model says so."""
    question, context = "Who wrote it?", "The novel was written by Ada Lovelace in 1843."
    assert pipeline("question-answering")(question=question, context=context) == pipeline(
        "question-answering", "albert-tiny-en-squad")(question=question, context=context)
    assert pipeline("text-classification").config.id2label == {0: "negative", 1: "positive"}
    with pytest.raises(ValueError, match="no shipped model for 'token-classification'"):
        pipeline("token-classification")
