"""The token-classification pipeline takes `aggregation_strategy` when it is made, as
transformers' does, as well as per call."""

import pytest

from albert_keras.pipelines import pipeline

TEXTS = ["john smith lives in new york city", "the river flows through paris"]


def test_aggregation_strategy_given_at_construction(hf_folder_factory):
    folder = hf_folder_factory("AlbertForTokenClassification")[0]
    made = pipeline("token-classification", model=folder, aggregation_strategy="simple")
    per_call = pipeline("token-classification", model=folder)
    for text in TEXTS:
        grouped = made(text)
        assert grouped == per_call(text, aggregation_strategy="simple")
        assert all("entity_group" in entity for entity in grouped)
        assert made(text, aggregation_strategy="none") == per_call(text)  # a call's value wins


def test_construction_takes_transformers_spellings_and_refuses_unknown_ones(hf_folder_factory):
    folder = hf_folder_factory("AlbertForTokenClassification")[0]
    assert pipeline("ner", model=folder, aggregation_strategy="SIMPLE").aggregation_strategy \
        == "simple"
    ignoring = pipeline("ner", model=folder, ignore_labels=())
    assert len(ignoring(TEXTS[0])) >= len(pipeline("ner", model=folder)(TEXTS[0]))
    with pytest.raises(ValueError, match="aggregation_strategy='first'"):
        pipeline("ner", model=folder, aggregation_strategy="first")
