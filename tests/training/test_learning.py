"""Real learning on real data (slow; skipped where ../shared/data is absent).

SST-2: a tiny ALBERT trained from scratch on 8,000 training sentences must beat the
majority class (50.9% of dev) by a wide margin. Pre-training: a few hundred LAMB
steps on Wikipedia text must lower the held-out MLM loss.
"""

import pytest

from tests.training.conftest import REPO

SHARED = REPO.parent / "shared" / "data"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "sst2").is_dir(), reason="needs ../shared/data/sst2")
def test_sst2_beats_chance(tmp_path):
    from albert_keras.training.finetune import finetune

    result = finetune("sst2", str(tmp_path), data_dir=str(SHARED / "sst2"), tiny_setting=True,
                      epochs=3, batch_size=32, learning_rate=1e-3, max_seq_length=64,
                      limit_train=8000, verbose=0)
    assert result["metrics"]["accuracy"] > 0.68  # chance (majority class) is 0.509


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "enwiki_extract").is_dir(),
                    reason="needs ../shared/data/enwiki_extract")
def test_pretraining_lowers_mlm_loss(tmp_path):
    import itertools

    from albert_keras.data import pretraining as data
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training import tiny
    from albert_keras.training.pretrain import pretrain

    files = sorted(str(p) for p in (SHARED / "enwiki_extract").glob("*.txt*"))
    documents = list(itertools.islice(data.read_documents(files), 600))
    spiece = tiny.train_sentencepiece([s for d in documents for s in d],
                                      str(tmp_path / "spiece.model"))
    tokenizer = AlbertTokenizer(spiece)
    data.write_pretraining_shards(iter(documents[:60]), tokenizer, str(tmp_path / "eval"),
                                  max_seq_length=64, seed=1)
    data.write_pretraining_shards(iter(documents[60:]), tokenizer, str(tmp_path / "train"),
                                  max_seq_length=64, seed=2)
    result = pretrain(str(tmp_path / "train" / "*.tfrecord"), str(tmp_path / "out"),
                      tiny.tiny_config(tokenizer.vocab_size), steps=200, batch_size=16,
                      max_seq_length=64, learning_rate=0.01, steps_per_epoch=50,
                      eval_files=str(tmp_path / "eval" / "*.tfrecord"), eval_steps=10, verbose=0)
    before, after = result["eval_before"]["mlm_loss"], result["eval_after"]["mlm_loss"]
    assert after < before - 0.5, (before, after)
