"""Fixtures: a SentencePiece model in ALBERT's settings trained here on tests/data text."""

import pathlib

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def spiece_path(tmp_path_factory):
    """A lower-cased 2,000-piece model trained on the Wikipedia sample (about a second)."""
    from albert_keras.training.tiny import train_sentencepiece

    texts = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("spm") / "spiece.model"
    train_sentencepiece(texts, str(path), vocab_size=2000)
    return str(path)


@pytest.fixture(scope="session")
def tokenizer(spiece_path):
    """AlbertTokenizer on that model."""
    from albert_keras.tokenization import AlbertTokenizer

    return AlbertTokenizer(spiece_path)
