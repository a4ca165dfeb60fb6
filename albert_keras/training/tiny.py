"""The `--tiny` setting: a tiny ALBERT config and a SentencePiece model trained on the task's own text."""

import io
import itertools
import os

import sentencepiece as spm

from albert_keras.config import AlbertConfig

# Every dimension different, so a swapped axis fails loudly (tests/conftest.py's idea).
TINY_CONFIG = {"embedding_size": 16, "hidden_size": 32, "num_hidden_layers": 2,
               "num_hidden_groups": 1, "inner_group_num": 1, "num_attention_heads": 4,
               "intermediate_size": 37, "max_position_embeddings": 128,
               "hidden_dropout_prob": 0.0, "attention_probs_dropout_prob": 0.0,
               "classifier_dropout_prob": 0.0}

# google-research/albert README's spm_train flags: <pad>=0 <unk>=1, [CLS] [SEP] [MASK] controls.
ALBERT_SPM_ARGS = {"model_type": "unigram", "pad_id": 0, "unk_id": 1, "bos_id": -1,
                   "eos_id": -1, "control_symbols": ["[CLS]", "[SEP]", "[MASK]"],
                   "character_coverage": 0.99995, "minloglevel": 2, "num_threads": 2,
                   "input_sentence_size": 0, "shuffle_input_sentence": False,
                   "hard_vocab_limit": False}


def train_sentencepiece(texts, path, vocab_size=2000):
    """Trains a lower-cased unigram model on `texts` and writes it to `path` (seconds).

    Args:
        texts: iterable of str.
        path: str. Where `spiece.model` goes.
        vocab_size: int. Upper bound (smaller if the text is too small). Defaults to 2000.

    Returns:
        str: `path`.
    """
    sentences = (t.lower() for t in texts if t.strip())
    first = next(sentences, None)
    if first is None:  # sentencepiece would stop with INTERNAL [!sentences_.empty()]
        raise ValueError("no text to train the --tiny SentencePiece model on: every training "
                         "text is empty")
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=itertools.chain([first], sentences),
                                   model_writer=proto, vocab_size=vocab_size, **ALBERT_SPM_ARGS)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(proto.getvalue())
    return path


def tiny_config(vocab_size, **overrides):
    """AlbertConfig of the tiny architecture for a vocabulary size."""
    return AlbertConfig(vocab_size=vocab_size, **dict(TINY_CONFIG, **overrides))
