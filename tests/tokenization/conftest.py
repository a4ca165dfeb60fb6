"""Fixtures for the tokenization tests: real text from tests/data and SentencePiece
models trained here, in ALBERT's settings, on that text (a second or two each)."""

import io
import json
import pathlib
import re

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"

# google-research/albert README, "spm_train" flags of the published 30k-clean model:
# <pad>=0 <unk>=1, no bos/eos, [CLS]=2 [SEP]=3 [MASK]=4 as control symbols.
ALBERT_SPM_ARGS = {
    "model_type": "unigram", "pad_id": 0, "unk_id": 1, "bos_id": -1, "eos_id": -1,
    "control_symbols": ["[CLS]", "[SEP]", "[MASK]"], "character_coverage": 0.99995,
    "minloglevel": 2, "num_threads": 2, "input_sentence_size": 0,
    "shuffle_input_sentence": False,
}
USER_DEFINED = ["(", ")", '"', "-", ".", "\u2013", "\u00a3", "\u20ac"]

# Inputs that real text rarely has but users do.
HARD_CASES = [
    "", " ", "   ", "\t\n", "Hello world", "hello  world ", "  leading and trailing  ",
    "tabs\tand\nnew\r\nlines\u00a0nbsp\u3000ideographic space",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00c5ngstr\u00f6m \u0130stanbul \u0141\u00f3d\u017a",
    "Combining: e\u0301 a\u0308 n\u0303", "\u039f\u0394\u039f\u03a3 \u03a3\u03bf\u03c6\u03af\u03b1",
    "He said ``hello'' and 'bye' \u2018curly\u2019 \u201cdouble\u201d",
    "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \u4e2d\u6587 \ud55c\uad6d\uc5b4",
    "emoji \U0001F600 \U0001F44D\U0001F3FD family \U0001F468\u200d\U0001F469\u200d\U0001F467",
    "ligatures \ufb01 \ufb02 fractions \u00bd \u2153 circled \u2460 fullwidth \uff21\uff22\uff23\uff0c",
    "It costs 3.0, not 2,5, or 1,000,000, really 9,",
    "x9, \u0663, \u00b2, 12,",
    "The capital of France is [MASK].", "a[MASK]b", "two [MASK]  [MASK] masks",
    "[CLS] inside [SEP] text", "<pad> <unk> <PAD> <Unk> [cls] [mask]",
    "UPPER CASE TEXT With Mixed Case", "trailing space ",
    "word " * 300,
    "control\x00chars\x07here\u200bzero-width",
]


@pytest.fixture(scope="session")
def hard_cases():
    """HARD_CASES as a fixture."""
    return list(HARD_CASES)


def real_text():
    """{"paragraphs", "sentences"}: the Wikipedia sample; "squad_pairs": (question, context)."""
    paragraphs = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").splitlines()
    pairs = []
    with open(DATA / "squad_dev_sample.jsonl", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            pairs.extend((qa["question"], row["context"]) for qa in row["qas"])
    return {"paragraphs": paragraphs, "sentences": [s for p in paragraphs for s in _sentences(p)],
            "squad_pairs": pairs}


def _sentences(paragraph):
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])", paragraph) if s]


@pytest.fixture(scope="session")
def corpus():
    """Real text: Wikipedia sentences and paragraphs, SQuAD question/context pairs."""
    text = real_text()
    return dict(text, all=HARD_CASES + text["sentences"])


def _train(texts, vocab_size, **extra):
    import sentencepiece as spm

    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(texts), model_writer=proto,
                                   vocab_size=vocab_size, **ALBERT_SPM_ARGS, **extra)
    return proto.getvalue()


@pytest.fixture(scope="session")
def spiece_lower(corpus, tmp_path_factory):
    """ALBERT-style model (lower-cased, accents stripped, ALBERT's user symbols)."""
    texts = [t.lower() for t in corpus["paragraphs"] + [q for q, _ in corpus["squad_pairs"][::4]]]
    proto = _train(texts, 3000, user_defined_symbols=USER_DEFINED)
    path = tmp_path_factory.mktemp("spm_lower") / "spiece.model"
    path.write_bytes(proto)
    return str(path)


@pytest.fixture(scope="session")
def spiece_cased(corpus, tmp_path_factory):
    """Cased model with accents, for do_lower_case=False, keep_accents=True."""
    texts = corpus["paragraphs"] + [q for q, _ in corpus["squad_pairs"][::4]]
    proto = _train(texts, 2500)
    path = tmp_path_factory.mktemp("spm_cased") / "spiece.model"
    path.write_bytes(proto)
    return str(path)


VARIANTS = {
    "lower": ("spiece_lower", {}),
    "cased": ("spiece_cased", {"do_lower_case": False, "keep_accents": True}),
}


@pytest.fixture(scope="session", params=sorted(VARIANTS))
def variant(request):
    """(name, spiece path, tokenizer kwargs) for each model variant."""
    fixture, kwargs = VARIANTS[request.param]
    return request.param, request.getfixturevalue(fixture), kwargs


@pytest.fixture(scope="session")
def tokenizers(variant):
    """(ours, transformers slow, transformers fast) for the variant."""
    from transformers import AlbertTokenizer as HFSlow
    from transformers import AlbertTokenizerFast as HFFast

    from albert_keras.tokenization import AlbertTokenizer

    _, path, kwargs = variant
    return (AlbertTokenizer(path, **kwargs), HFSlow(path, **kwargs),
            HFFast(vocab_file=path, **kwargs))
