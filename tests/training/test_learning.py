"""Real learning on real data (slow): the full sets from $ALBERT_KERAS_DATA, else the samples in tests/data.

SST-2: a tiny ALBERT trained from scratch must beat the majority class of dev (50.9%)
by a wide margin: on 8,000 training sentences with the full set, on the 2,000 of
tests/data/sst2/train.tsv without it. Pre-training: a few hundred LAMB steps on
Wikipedia text must lower the held-out MLM loss.
"""

import itertools
import os
import pathlib

import pytest

from tests.conftest import FULL_DATA
from tests.training.conftest import DATA


def _full(name):
    """The full data set's folder under $ALBERT_KERAS_DATA, or None to use the sample."""
    if not FULL_DATA:
        return None
    path = pathlib.Path(FULL_DATA) / name
    assert path.is_dir(), f"ALBERT_KERAS_DATA={FULL_DATA} has no {name}/"
    return path


@pytest.mark.slow
def test_sst2_beats_chance(tmp_path):
    from albert_keras.training.finetune import finetune

    full = _full("sst2")
    result = finetune("sst2", str(tmp_path), data_dir=str(full or DATA / "sst2"),
                      tiny_setting=True, epochs=3, batch_size=32, learning_rate=1e-3,
                      max_seq_length=64, limit_train=8000, verbose=0)
    # chance (majority class) is 0.509
    assert result["metrics"]["accuracy"] > (0.68 if full else 0.55), result["metrics"]


def _documents(full):
    from albert_keras.data import pretraining as data

    if full:
        files = sorted(str(p) for p in full.glob("*.txt*"))
        return list(itertools.islice(data.read_documents(files), 600))
    # The sample is one document of paragraphs: 20-sentence pieces stand for documents.
    (sentences,) = list(data.read_documents([str(DATA / "enwiki_sample.txt")]))
    return [sentences[i:i + 20] for i in range(0, len(sentences), 20)]


@pytest.mark.slow
def test_pretraining_lowers_mlm_loss(tmp_path):
    from albert_keras.data import pretraining as data
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training import tiny
    from albert_keras.training.pretrain import pretrain

    full = _full("enwiki_extract")
    documents = _documents(full)
    held_out = 60 if full else 10
    spiece = tiny.train_sentencepiece([s for d in documents for s in d],
                                      str(tmp_path / "spiece.model"))
    tokenizer = AlbertTokenizer(spiece)
    data.write_pretraining_shards(iter(documents[:held_out]), tokenizer, str(tmp_path / "eval"),
                                  max_seq_length=64, seed=1)
    data.write_pretraining_shards(iter(documents[held_out:]), tokenizer,
                                  str(tmp_path / "train"), max_seq_length=64, seed=2)
    result = pretrain(str(tmp_path / "train" / "*.tfrecord"), str(tmp_path / "out"),
                      tiny.tiny_config(tokenizer.vocab_size), steps=200, batch_size=16,
                      max_seq_length=64, learning_rate=0.01, steps_per_epoch=50,
                      eval_files=str(tmp_path / "eval" / "*.tfrecord"), eval_steps=10, verbose=0)
    before, after = result["eval_before"]["mlm_loss"], result["eval_after"]["mlm_loss"]
    assert after < before - 0.5, (before, after)


def test_the_full_data_is_read_from_the_environment_only():
    """The default suite never sees $ALBERT_KERAS_DATA (tests/conftest.py takes it out)."""
    assert "ALBERT_KERAS_DATA" not in os.environ
