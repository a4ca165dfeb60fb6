"""Token classification data: CoNLL files, and word labels aligned to the first sub-token.

Each word is tokenized on its own; its label goes to its first sub-token and the
other sub-tokens (and `[CLS]`, `[SEP]`, padding) get -100, so the loss and the
scores count words, as transformers' `run_ner.py` (`label_all_tokens=False`) does.
"""

import numpy as np

from albert_keras.data.text_files import read_text
from albert_keras.pipelines.base import shorten
from albert_keras.tasks import TOKEN_INPUTS

IGNORE_INDEX = -100
LAYOUT = "a word and its tag per line, separated by spaces (CoNLL)"


def read_conll(path, tag_column=-1, limit=None):
    """CoNLL-2003 style file -> (sentences as word lists, tag lists). `-DOCSTART-` skipped.

    Each line holds a word and, in its last column (`tag_column`), its tag; a blank
    line ends a sentence. A file that is not UTF-8, or a line without a tag column,
    is refused with its line.
    """
    sentences, tags, words, labels = [], [], [], []
    lines = read_text(path, LAYOUT).split("\n")  # not splitlines: U+2028 is no line end
    for number, line in enumerate(lines + [""], 1):
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                sentences.append(words)
                tags.append(labels)
            words, labels = [], []
            if limit is not None and len(sentences) >= limit:
                break
            continue
        column = tag_column if tag_column >= 0 else len(parts) + tag_column
        if not 0 < column < len(parts):  # column 0 is the word
            raise ValueError(f"{path}:{number}: no tag column in {shorten(line)}; "
                             f"expected {LAYOUT}")
        words.append(parts[0])
        labels.append(parts[tag_column])
    return sentences, tags


def align_labels(word_ids, word_labels):
    """Per-token labels: the word's label on its first sub-token, -100 elsewhere.

    Args:
        word_ids: list of int or None. The word index of each token (None for special
            tokens and padding).
        word_labels: list of int. One label per word.
    """
    out, previous = [], None
    for word in word_ids:
        out.append(IGNORE_INDEX if word is None or word == previous else word_labels[word])
        previous = word
    return out


def encode_words(tokenizer, sentences, max_seq_length=128):
    """Tokenize pre-split sentences: features (numpy int32) and each token's word index.

    Words are truncated from the end to fit `[CLS] ... [SEP]` in max_seq_length.

    Returns:
        (features dict, list of word-id lists with None for special tokens and padding).
    """
    words = [w for sentence in sentences for w in sentence]
    pieces = tokenizer(words, add_special_tokens=False)["input_ids"] if words else []
    features = {k: np.zeros((len(sentences), max_seq_length), np.int32)
                for k in TOKEN_INPUTS}
    features["input_ids"][:] = tokenizer.pad_token_id
    all_word_ids, cursor = [], 0
    for row, sentence in enumerate(sentences):
        ids, word_ids = [tokenizer.cls_token_id], [None]
        for index in range(len(sentence)):
            sub = pieces[cursor + index]
            if len(ids) + len(sub) > max_seq_length - 1:
                break
            ids.extend(sub)
            word_ids.extend([index] * len(sub))
        cursor += len(sentence)
        ids.append(tokenizer.sep_token_id)
        word_ids.append(None)
        features["input_ids"][row, :len(ids)] = ids
        features["attention_mask"][row, :len(ids)] = 1
        all_word_ids.append(word_ids + [None] * (max_seq_length - len(ids)))
    return features, all_word_ids


def word_predictions(token_predictions, word_ids, num_words, default):
    """Per-word predictions read at each word's first sub-token (`default` for words cut off)."""
    out = [default] * num_words
    previous = None
    for prediction, word in zip(token_predictions, word_ids):
        if word is not None and word != previous:
            out[word] = prediction
        previous = word
    return out
