"""ALBERT text preprocessing as ONE rule table, in Python and in `tf.strings`.

ALBERT normalises text before SentencePiece sees it (transformers 4.57.1
`AlbertTokenizer.tokenize` + `preprocess_text`, google-research/albert
`tokenization.preprocess_text`):

1. `do_lower_case`: lower-case character by character (the regex in
   `PreTrainedTokenizer.tokenize`), so a word-final "Σ" becomes "σ", not the
   final form "ς" that `str.lower()` would give.
2. `remove_space`: strip, and collapse every run of Unicode whitespace to one space.
3. quotes: "``" and "''" become '"' (always on).
4. `keep_accents=False`: NFKD, then drop every character with a non-zero
   canonical combining class (`unicodedata.combining`).
5. `do_lower_case`: `str.lower()` again (`preprocess_text`), for capitals that
   NFKD produced ("ℂ" -> "C" -> "c"; "ϲ" -> "ς" keeps its final form).

Each row of `RULES` holds the Python regex + replacement (used with offset
tracking), the fast whole-string Python function, and the TF function, so the
three implementations are read and reviewed side by side.
"""

import dataclasses
import functools
import re
import sys
import unicodedata
from collections.abc import Callable


def _strip_accents(text: str) -> str:
    """NFKD, then drop combining characters (transformers `preprocess_text`)."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def _lower(text: str) -> str:
    """Character-wise lower case: `str.lower` without the final-sigma rule."""
    return text.replace("\u03a3", "\u03c3").lower()


@functools.cache
def re2_char_class(predicate_name: str) -> str:
    """An RE2 character class of every code point where `predicate_name` holds.

    Built once from Python's `unicodedata`/`str` so that the TF rules use the very
    character sets of the Python reference (RE2's `\\s` is ASCII-only, and RE2 has
    no class for "canonical combining class != 0").
    """
    predicate = {
        "space": str.isspace,
        "combining": lambda c: unicodedata.combining(c) != 0,
        "digit": str.isdigit,
    }[predicate_name]
    ranges, start, prev = [], None, None
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF or not predicate(chr(code)):
            continue
        if start is not None and code == prev + 1:
            prev = code
            continue
        if start is not None:
            ranges.append((start, prev))
        start = prev = code
    ranges.append((start, prev))
    parts = [f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else "") for a, b in ranges]
    return "[" + "".join(parts) + "]"


def _tf_collapse_whitespace(text):
    """TF: strip and collapse Unicode whitespace (Python's `str.split()` set)."""
    import tensorflow as tf  # local: the Python tokenizer uses this module without TensorFlow

    space = re2_char_class("space")
    text = tf.strings.regex_replace(text, f"^{space}+|{space}+$", "")
    return tf.strings.regex_replace(text, f"{space}+", " ")


def _tf_quotes(text):
    """TF: "``" and "''" to '"'."""
    import tensorflow as tf  # local: the Python tokenizer uses this module without TensorFlow

    return tf.strings.regex_replace(text, "``|''", '"')


def _tf_strip_accents(text):
    """TF: NFKD (ICU, via tensorflow-text) and drop combining characters."""
    # local: the Python tokenizer uses this module without TensorFlow
    import tensorflow as tf
    import tensorflow_text as tf_text

    text = tf_text.normalize_utf8(text, "NFKD")
    return tf.strings.regex_replace(text, re2_char_class("combining"), "")


def _tf_lower(text, sigma_to_small=True):
    """TF: Unicode lower case; "Σ" first mapped to "σ" when `sigma_to_small`."""
    import tensorflow as tf  # local: the Python tokenizer uses this module without TensorFlow

    if sigma_to_small:
        text = tf.strings.regex_replace(text, "\u03a3", "\u03c3")
    # tf.strings.lower stops at a NUL character: lower the pieces between NULs.
    flat = tf.reshape(text, [-1])
    parts = tf.strings.split(flat, sep="\x00")  # (n, (pieces))
    rows = parts.value_rowids()
    is_last = tf.equal(tf.range(tf.size(rows, out_type=rows.dtype)),
                       tf.gather(parts.row_limits(), rows) - 1)
    lowered = tf.strings.lower(parts.flat_values, encoding="utf-8")
    lowered = tf.where(is_last, lowered, lowered + tf.constant("\x00"))
    joined = tf.strings.reduce_join(parts.with_flat_values(lowered), axis=1)
    return tf.reshape(joined, tf.shape(text))


def _lower_in_context(match):
    """`str.lower` of one character as part of the whole string (final sigma)."""
    char = match.group()
    if char != "\u03a3":
        return char.lower()
    start = len(match.string[:match.start()].lower())
    return match.string.lower()[start:start + 1]


@dataclasses.dataclass(frozen=True)
class Rule:
    """One preprocessing step.

    Args:
        name: str. What the step does.
        flag: str or None. Tokenizer argument that switches it; None = always on.
        active_when: bool. The flag value for which the step runs.
        pattern: str. Python regex of the text it rewrites (offset-tracking path).
        replace: callable. Maps one match to its replacement string.
        anchor: str. "all": a replacement char maps to the whole match; "last":
            to the match's last char (the space kept from a whitespace run, as
            the fast tokenizer reports it).
        python: callable. The same step on a whole `str` (fast path).
        tf: callable. The same step on a `tf.string` tensor.
    """

    name: str
    flag: str | None
    active_when: bool
    pattern: str
    replace: Callable[[re.Match], str]
    anchor: str
    python: Callable[[str], str]
    tf: Callable


RULES = (
    Rule(
        name="lower_case",
        flag="do_lower_case",
        active_when=True,
        pattern=r"[A-Z]|[^\x00-\x7f]",
        replace=lambda m: _lower(m.group()),
        anchor="all",
        python=_lower,  # PreTrainedTokenizer.tokenize, before the special-token split
        tf=_tf_lower,
    ),
    Rule(
        name="collapse_whitespace",
        flag="remove_space",
        active_when=True,
        pattern=r"\s+",
        replace=lambda m: "" if m.start() == 0 or m.end() == len(m.string) else " ",
        anchor="last",
        python=lambda t: " ".join(t.strip().split()),
        tf=_tf_collapse_whitespace,
    ),
    Rule(
        name="latex_quotes",
        flag=None,
        active_when=True,
        pattern=r"``|''",
        replace=lambda m: '"',
        anchor="all",
        python=lambda t: t.replace("``", '"').replace("''", '"'),
        tf=_tf_quotes,
    ),
    Rule(
        name="strip_accents",
        flag="keep_accents",
        active_when=False,
        pattern=r"[^\x00-\x7f]",  # ASCII is NFKD-invariant and has no combining marks
        replace=lambda m: _strip_accents(m.group()),
        anchor="all",
        python=_strip_accents,
        tf=_tf_strip_accents,
    ),
    Rule(
        name="lower_case_decomposed",
        flag="do_lower_case",
        active_when=True,
        pattern=r"[A-Z]|[^\x00-\x7f]",
        replace=_lower_in_context,
        anchor="all",
        python=str.lower,  # preprocess_text: capitals that NFKD made, final sigma included
        tf=lambda t: _tf_lower(t, sigma_to_small=False),
    ),
)


def active_rules(remove_space=True, keep_accents=False, do_lower_case=True):
    """The rows of `RULES` that run for these tokenizer flags, in order."""
    flags = {"remove_space": remove_space, "keep_accents": keep_accents}
    flags["do_lower_case"] = do_lower_case
    return [r for r in RULES if r.flag is None or bool(flags[r.flag]) == r.active_when]


def normalize(text: str, **flags) -> str:
    """ALBERT preprocessing of one Python string (flags as in `active_rules`)."""
    for rule in active_rules(**flags):
        text = rule.python(text)
    return text


def normalize_tf(text, **flags):
    """ALBERT preprocessing of a `tf.string` tensor of any shape, in TF ops."""
    for rule in active_rules(**flags):
        text = rule.tf(text)
    return text


Spans = list[tuple[int, int]]


def apply_rule_with_spans(rule: Rule, text: str, spans: Spans) -> tuple[str, Spans]:
    """Apply one rule and carry each character's (start, end) in the source text."""
    out, out_spans, pos = [], [], 0
    for match in re.finditer(rule.pattern, text):
        start, end = match.span()
        out.append(text[pos:start])
        out_spans.extend(spans[pos:start])
        new = rule.replace(match)
        if rule.anchor == "last":
            span = spans[end - 1]
        else:
            span = (spans[start][0], spans[end - 1][1])
        out.append(new)
        out_spans.extend([span] * len(new))
        pos = end
    out.append(text[pos:])
    out_spans.extend(spans[pos:])
    return "".join(out), out_spans


def normalize_with_spans(text: str, spans: Spans, **flags) -> tuple[str, Spans]:
    """`normalize`, also returning each output character's span in the input.

    `spans[i]` is the (start, end) of input character i in the original text.
    """
    for rule in active_rules(**flags):
        text, spans = apply_rule_with_spans(rule, text, spans)
    return text, spans
