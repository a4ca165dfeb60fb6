"""The ALBERT preprocessing rule table against transformers' AlbertTokenizer
(`tokenize` lower-casing + `preprocess_text`) over every Unicode code point, and
the TF column of the table against the Python column."""

import re
import sys
import unicodedata

import pytest

from albert_keras.tokenization import normalization

FLAG_SETS = [
    {},
    {"do_lower_case": False, "keep_accents": True},
    {"remove_space": False},
    {"do_lower_case": True, "keep_accents": True},
]

# Characters whose TF result differs from Python 3.11 (Unicode 14.0) because
# TF's ICU tables are of another Unicode version: cased letters new in Unicode 14
# that `tf.strings.lower` does not lower (Vithkuqi, Glagolitic U+2C2F/U+2C5F,
# Latin U+A7C0-U+A7D9), and code points unassigned in Unicode 14 (category Cn)
# that ICU's newer NFKD decomposes.
TF_UNICODE_VERSION_GAP = [(0x2C2F, 0x2C2F), (0x2C5F, 0x2C5F), (0xA7C0, 0xA7D9),
                          (0x10570, 0x105BF)]


def _all_chars():
    return [chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i <= 0xDFFF]


def _chunks(chars, size=64):
    return ["".join(chars[i:i + size]) for i in range(0, len(chars), size)]


def _transformers_reference(tokenizer, text):
    """What transformers 4.57.1 feeds SentencePiece for text without special tokens:
    `PreTrainedTokenizer.tokenize` lower-cases with this very regex, then `_tokenize`
    calls `preprocess_text`."""
    if tokenizer.do_lower_case:
        text = re.sub(r"(.+?)", lambda m: m.groups()[0].lower(), text)
    return tokenizer.preprocess_text(text)


@pytest.mark.parametrize("flags", FLAG_SETS, ids=str)
def test_python_rules_match_transformers_on_every_code_point(spiece_lower, flags):
    from transformers import AlbertTokenizer as HFSlow

    reference = HFSlow(spiece_lower, **flags)
    texts = [f"x{c}Y {c}{c.upper()}\u03a3 " for c in _all_chars()[::7]] + _chunks(_all_chars())
    texts += ["  ``Quoted''  \t  text\u00a0with   spaces ", "\u039f\u0394\u039f\u03a3 \u03a3\u03b1"]
    for text in texts:
        assert normalization.normalize(text, **flags) == _transformers_reference(reference, text), \
            repr(text)


@pytest.mark.parametrize("flags", FLAG_SETS[:2], ids=str)
def test_offset_tracking_rules_give_the_same_text(flags, corpus):
    texts = _chunks(_all_chars()[::3], 16) + corpus["all"][:500]
    for text in texts:
        spans = [(i, i + 1) for i in range(len(text))]
        out, out_spans = normalization.normalize_with_spans(text, spans, **flags)
        assert out == normalization.normalize(text, **flags)
        assert len(out_spans) == len(out)
        assert all(0 <= s < e <= len(text) for s, e in out_spans)


@pytest.mark.parametrize("flags", FLAG_SETS[:3], ids=str)
def test_tf_rules_match_python_rules(flags, corpus):
    import tensorflow as tf

    texts = corpus["all"] + [t for q, c in corpus["squad_pairs"][:50] for t in (q, c)]
    got = normalization.normalize_tf(tf.constant(texts), **flags).numpy()
    assert [g.decode("utf-8") for g in got] == [normalization.normalize(t, **flags) for t in texts]


def test_tf_rules_match_python_rules_on_every_code_point():
    import tensorflow as tf

    flags = {}
    chars = _all_chars()
    texts = [f"a{c}b {c}" for c in chars]
    got = normalization.normalize_tf(tf.constant(texts), **flags).numpy()
    differing = [c for c, t, g in zip(chars, texts, got)
                 if g.decode("utf-8") != normalization.normalize(t, **flags)]
    unexplained = [
        hex(ord(c)) for c in differing
        if unicodedata.category(c) != "Cn"
        and not any(a <= ord(c) <= b for a, b in TF_UNICODE_VERSION_GAP)]
    assert not unexplained
    assert len(differing) < 250


def test_rule_table_is_ordered_as_transformers():
    assert [r.name for r in normalization.RULES] == [
        "lower_case", "collapse_whitespace", "latex_quotes", "strip_accents",
        "lower_case_decomposed"]
    assert [r.name for r in normalization.active_rules(remove_space=False, keep_accents=True,
                                                       do_lower_case=False)] == ["latex_quotes"]
