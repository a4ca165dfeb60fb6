"""Fixtures for the training tests: a SentencePiece model and small pre-training shards from tests/data."""

import pathlib

import pytest

from tests.data_pipelines.conftest import spiece_path, tokenizer  # noqa: F401 (shared fixtures)

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def shards(tokenizer, tmp_path_factory):  # noqa: F811 (the shared fixture)
    """Pre-training shards (seq 32) of the first 40 Wikipedia paragraphs; returns the glob."""
    from albert_keras.data import pretraining

    out = tmp_path_factory.mktemp("shards")
    documents = (d for _, d in zip(range(40), pretraining.read_documents(
        str(DATA / "enwiki_sample.txt"))))
    pretraining.write_pretraining_shards(documents, tokenizer, str(out), max_seq_length=32,
                                         examples_per_shard=100, seed=1)
    return str(out / "*.tfrecord")
