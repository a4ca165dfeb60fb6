"""The rebuilt SentencePiece model of the TFLite Task Library against transformers' AlbertTokenizer.

The Task Library only ASCII-lower-cases the text, then runs the packed model (`ascii_lower` +
`encode` below, tests/android/task_library_reference.py); the ids must be transformers'. The
native Task Library runs the same files in tests/android/test_task_library_tokenizer_slow.py.
"""

import csv
import gzip
import pathlib
import re
import sys

import pytest
import sentencepiece as spm

from albert_keras.shipped import shipped_path
from albert_keras.tokenization import normalization
from albert_keras.tokenization import task_library_spiece as tls
from tests.android.task_library_reference import ascii_lower
from tests.conftest import FULL_DATA
from tests.tokenization.conftest import DATA, HARD_CASES

SPECIAL_TOKEN_CASES = [t for t in HARD_CASES if re.search(r"\[\w+\]|<\w+>", t)]
# NFKD turns these math capitals into "Σ", which `str.lower` makes final "ς" at a word end.
MATH_SIGMAS = ["\U0001d6ba", "\U0001d6f4", "\U0001d72e", "\U0001d768", "\U0001d7a2"]


def _sst2_dev(folder):
    with open(folder / "dev.tsv", encoding="utf-8") as handle:
        return [r["text"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def _accented_sentences():
    return (DATA / "enwiki_accents_sample.txt").read_text(encoding="utf-8").splitlines()


def _rebuilt(path, **flags):
    with open(path, "rb") as handle:
        proto = handle.read()
    return spm.SentencePieceProcessor(model_proto=tls.task_library_model_proto(proto, **flags))


def _differing(reference, rebuilt, texts, lower=True):
    """Texts whose Task Library ids differ from transformers' (no special tokens added)."""
    prepare = ascii_lower if lower else str
    want = reference(texts, add_special_tokens=False)["input_ids"]
    return [t for t, ids in zip(texts, want) if rebuilt.encode(prepare(t)) != ids]


@pytest.fixture(scope="module")
def shipped():
    """(transformers AlbertTokenizer, rebuilt model, original model) of the shipped vocabulary."""
    from transformers import AlbertTokenizer as HFSlow

    path = str(pathlib.Path(shipped_path("albert-tiny-en")) / "spiece.model")
    return HFSlow(path), _rebuilt(path), spm.SentencePieceProcessor(model_file=path)


def test_shipped_vocabulary_gives_transformers_ids_on_real_text(shipped, corpus):
    reference, rebuilt, original = shipped
    texts = _sst2_dev(DATA / "sst2") + _accented_sentences() + corpus["sentences"]
    texts += [t for t in HARD_CASES if t not in SPECIAL_TOKEN_CASES]
    assert _differing(reference, rebuilt, texts) == []
    # The original model, as the Task Library ran it before, differs on many of them.
    want = reference(texts, add_special_tokens=False)["input_ids"]
    before = sum(original.encode(ascii_lower(t)) != ids for t, ids in zip(texts, want))
    assert before > 500


def test_model_variants_give_transformers_ids(tokenizers, variant, corpus):
    """Fixture models with ALBERT's user symbols (lower) and a cased model with accents kept."""
    name, path, flags = variant
    _, reference, _ = tokenizers
    rebuilt = _rebuilt(path, **flags)
    texts = _accented_sentences()[:800] + corpus["all"]
    texts = [t for t in texts if t not in SPECIAL_TOKEN_CASES]
    # A cased model's normalizer is exact; on the phone its A-Z are still lower-cased.
    assert _differing(reference, rebuilt, texts, lower=name == "lower") == []
    if name == "cased":
        assert len(_differing(reference, rebuilt, texts[:50])) > 40  # "cased_models"


def test_known_differences_are_real(shipped):
    reference, rebuilt, _ = shipped
    assert set(tls.KNOWN_DIFFERENCES) == {"special_tokens", "digit_comma_resplit",
                                          "context_lower_case", "cased_models"}
    assert _differing(reference, rebuilt, SPECIAL_TOKEN_CASES) == SPECIAL_TOKEN_CASES
    assert _differing(reference, rebuilt, ["1,111,", "1,111", "11,", "2018,"]) == ["1,111,", "1,111"]
    for char in MATH_SIGMAS:  # σ here, ς in transformers (both <unk> in this vocabulary)
        assert rebuilt.normalize(f"x{char}") == "\u2581x\u03c3"
        assert reference.preprocess_text(f"x{char}") == "x\u03c2"


def test_pieces_and_scores_are_kept(shipped):
    """Only the normalizer and the type of the digit-comma pieces change."""
    _, rebuilt, original = shipped
    assert rebuilt.get_piece_size() == original.get_piece_size()
    unused = []
    for i in range(original.get_piece_size()):
        assert rebuilt.id_to_piece(i) == original.id_to_piece(i)
        assert rebuilt.get_score(i) == original.get_score(i)
        assert rebuilt.is_control(i) == original.is_control(i)
        if rebuilt.is_unused(i):
            unused.append(original.id_to_piece(i))
    assert unused and all(p[-1] == "," and p[-2].isdigit() for p in unused)
    assert "\u25812018," in unused and rebuilt.encode("2018,", out_type=str) == ["\u25812018", ","]


def test_charsmap_compiles_and_reads_back():
    rules = {"A": "a", "\u00e9": "e", "``": '"', "\u0301": "", "\uac00\u11a8": "\uac01"}
    assert tls.read_charsmap(tls.compile_charsmap(rules)) == rules
    longest = max(map(len, rules))
    assert tls.apply_charsmap(rules, "A``e\u0301", longest) == 'a"e'


def _every_code_point():
    chars = [chr(i) for i in range(1, sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]
    return [f"x{c}Y {c}{c.upper()} " for c in chars] + [
        "".join(chars[i:i + 64]) for i in range(0, len(chars), 64)]


@pytest.mark.slow
@pytest.mark.parametrize("flags", [{}, {"do_lower_case": False, "keep_accents": True}], ids=str)
def test_normalizer_equals_albert_preprocessing_on_every_code_point(flags):
    """rebuilt.normalize(text) == original.normalize(ALBERT's preprocessing of text), alone and
    in runs of 64 neighbours, for every code point (NUL aside: it ends a C string)."""
    path = str(pathlib.Path(shipped_path("albert-tiny-en")) / "spiece.model")
    rebuilt, original = _rebuilt(path, **flags), spm.SentencePieceProcessor(model_file=path)
    prepare = ascii_lower if flags.get("do_lower_case", True) else str
    differing = [t for t in _every_code_point() if rebuilt.normalize(prepare(t)) != original.normalize(
        normalization.normalize(t, **flags))]
    expected = [f"x{c}Y {c}{c} " for c in MATH_SIGMAS] if not flags else []
    assert differing == expected


def _full_corpus():
    """SST-2 dev and every non-ASCII sentence of the Wikipedia extract ($ALBERT_KERAS_DATA), or
    the samples in tests/data without it."""
    if not FULL_DATA:
        return _sst2_dev(DATA / "sst2") + _accented_sentences()
    root = pathlib.Path(FULL_DATA)
    sentences = []
    (extract,) = (root / "enwiki_extract").glob("*.txt.gz")
    with gzip.open(extract, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("<") and not line.isascii():
                sentences += [s for s in re.split(r"(?<=[.!?])\s+", line.strip())
                              if s and not s.isascii()]
    return _sst2_dev(root / "sst2") + sentences


@pytest.mark.slow
def test_shipped_vocabulary_on_the_full_corpus(shipped):
    reference, rebuilt, _ = shipped
    texts = _full_corpus()
    assert len(texts) >= 3000
    differing = []
    for start in range(0, len(texts), 2000):
        differing += _differing(reference, rebuilt, texts[start:start + 2000])
    assert differing == [], (len(differing), len(texts), differing[:5])
