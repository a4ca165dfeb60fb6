"""A SentencePiece model that tokenizes as `AlbertTokenizer` does, for the TFLite Task Library.

The Task Library's BertNLClassifier / BertQuestionAnswerer only ASCII-lower-case the text, then
run the SentencePiece model packed in the .tflite metadata. `AlbertTokenizer` (transformers'
slow tokenizer) first runs ALBERT's preprocessing (`normalization.RULES`: lower case, spaces,
`` '' -> ", NFKD with combining marks dropped), then the model (its `nmt_nfkc` character map),
and re-splits pieces that end in a digit and a comma. `task_library_model_proto` rewrites the
model so that it does all of that itself:

1. A new `normalizer_spec.precompiled_charsmap`: for every code point c, and for every
   multi-character source of the original map, the rule `source -> original(albert(source))`,
   plus the two quote pairs. It is compiled by sentencepiece's own trainer from a rule TSV.
2. Every piece that ends in a digit and "," becomes UNUSED, so the encoder splits "▁2018," into
   "▁2018" + "," itself (transformers `AlbertTokenizer._tokenize`, google-research/albert#249).

Pieces, ids and scores are unchanged. What a model file cannot do is listed in
`KNOWN_DIFFERENCES` (tests/tokenization/test_task_library_spiece.py shows each one).

Example:
>>> import io, sentencepiece as spm
>>> text = ["cafe owners love the naive resume, 2018, and 1,000 quotes"] * 20
>>> proto = io.BytesIO()
>>> spm.SentencePieceTrainer.train(sentence_iterator=iter(text), model_writer=proto,
...     vocab_size=60, pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
...     control_symbols=["[CLS]", "[SEP]", "[MASK]"], hard_vocab_limit=False,
...     minloglevel=2)
>>> rebuilt = spm.SentencePieceProcessor(model_proto=task_library_model_proto(proto.getvalue()))
>>> rebuilt.encode("Café", out_type=str) == rebuilt.encode("cafe", out_type=str)
True
"""

import functools
import os
import struct
import sys
import tempfile

import numpy as np
import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2 as model_pb2

from albert_keras.tokenization import normalization

# Inputs on which the Task Library's ids can still differ from AlbertTokenizer's, and why.
KNOWN_DIFFERENCES = {
    "special_tokens": "AlbertTokenizer keeps a literal [CLS] / [MASK] / <unk> ... in the text "
                      "as one token; the Task Library encodes it as text (after lower-casing "
                      "it), and a control symbol can never be the output of SentencePiece's "
                      "encoder.",
    "digit_comma_resplit": "AlbertTokenizer re-splits the piece it chose (\"11,\" -> "
                           "encode(\"11\") + \",\"); the rebuilt model finds the best split "
                           "without such pieces, which is the same for a number that ends its "
                           "word (\"2018,\") but can differ inside one (\"1,111\").",
    "context_lower_case": "AlbertTokenizer's second lower-casing is `str.lower` on the whole "
                          "text, so a capital sigma that only NFKD produces (from math letters "
                          "such as U+1D6BA) becomes final-form ς at a word end; a character map "
                          "has no context.",
    "cased_models": "the Task Library lower-cases ASCII letters for every model, so a "
                    "do_lower_case=False model sees lower-cased A-Z on the phone.",
}
NORMALIZER_NAME = "albert_nmt_nfkc"
_UNUSED = 5  # ModelProto.SentencePiece.Type.UNUSED


def read_charsmap(blob):
    """The rules {source: target} of a `precompiled_charsmap` (a darts-clone trie + strings).

    Layout as sentencepiece's `normalizer.cc` decodes it: uint32 trie size, the trie's uint32
    units, then the NUL-terminated target strings that the trie's values point into.
    """
    if len(blob) < 4:
        return {}
    size = struct.unpack("<I", blob[:4])[0]
    units = np.frombuffer(blob[4:4 + size], dtype="<u4").astype(np.int64)
    strings = blob[4 + size:]
    offset = (units >> 10) << ((units & (1 << 9)) >> 6)  # darts-clone DoubleArrayUnit
    label = units & ((1 << 31) | 0xFF)
    labels = np.arange(1, 256, dtype=np.int64)
    nodes, keys, rules = np.array([offset[0]]), [b""], {}
    while len(nodes):  # breadth first over the trie, one byte level at a time
        child = nodes[:, None] ^ labels[None, :]  # (nodes, 255)
        child = np.where(child < len(units), child, 0)
        parent, byte = np.nonzero(label[child] == labels[None, :])
        child = child[parent, byte]
        nodes = child ^ offset[child]
        keys = [keys[p] + bytes((b + 1,)) for p, b in zip(parent.tolist(), byte.tolist())]
        for key, has_leaf, node in zip(keys, ((units[child] >> 8) & 1).tolist(), nodes.tolist()):
            if has_leaf:
                start = int(units[node] & ((1 << 31) - 1))
                rules[key.decode("utf-8")] = strings[start:strings.index(b"\0", start)].decode()
    return rules


def apply_charsmap(rules, text, longest):
    """`text` through `rules` as SentencePiece applies a map: longest source first, left to right."""
    out, pos = [], 0
    while pos < len(text):
        for length in range(min(longest, len(text) - pos), 0, -1):
            target = rules.get(text[pos:pos + length])
            if target is not None:
                out.append(target)
                pos += length
                break
        else:
            out.append(text[pos])
            pos += 1
    return "".join(out)


def _albert(text, flags):
    """ALBERT's preprocessing of a piece of text, its whitespace as single spaces (SentencePiece
    collapses runs of spaces and strips the ends itself)."""
    text = "".join(" " if c.isspace() else c for c in text)
    return normalization.normalize(text, remove_space=False, **flags)


def build_rules(original, do_lower_case=True, keep_accents=False):
    """{source: target}: ALBERT's preprocessing followed by the `original` map, as one map.

    Args:
        original: dict. The model's own rules (`read_charsmap`).
        do_lower_case, keep_accents: bool. The tokenizer's flags.
    """
    flags = {"do_lower_case": do_lower_case, "keep_accents": keep_accents}
    longest = max(map(len, original), default=1)
    rules = {}
    for code in range(1, sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        pre = _albert(char, flags)
        target = apply_charsmap(original, pre, longest) if pre != char or char in original else pre
        if target != char:
            rules[char] = target
    for source in original:
        if len(source) > 1 and "\x00" not in source:
            rules[source] = apply_charsmap(original, _albert(source, flags), longest)
    quote = apply_charsmap(original, '"', longest)
    rules["``"] = rules["''"] = quote
    return rules


def _rule_tsv(rules):
    """sentencepiece's rule TSV: source code points <TAB> target code points (hex)."""
    return "".join(" ".join(f"{ord(c):X}" for c in source) + "\t"
                   + " ".join(f"{ord(c):X}" for c in target) + "\n"
                   for source, target in sorted(rules.items()))


def compile_charsmap(rules):
    """The `precompiled_charsmap` bytes that sentencepiece's trainer builds from `rules`."""
    with tempfile.TemporaryDirectory(prefix="albert-charsmap-") as tmp:
        tsv, corpus = os.path.join(tmp, "rules.tsv"), os.path.join(tmp, "corpus.txt")
        with open(tsv, "w", encoding="utf-8") as handle:
            handle.write(_rule_tsv(rules))
        with open(corpus, "w", encoding="utf-8") as handle:
            handle.write("abc def ghi\njkl mno pqr\nstu vwx yz\n" * 10)
        prefix = os.path.join(tmp, "throwaway")  # the model is thrown away, the map kept
        spm.SentencePieceTrainer.train(
            input=corpus, model_prefix=prefix, vocab_size=30, model_type="char",
            normalization_rule_tsv=tsv, minloglevel=2, character_coverage=1.0,
            bos_id=-1, eos_id=-1, num_threads=1)
        proto = model_pb2.ModelProto()
        with open(prefix + ".model", "rb") as handle:
            proto.ParseFromString(handle.read())
    return proto.normalizer_spec.precompiled_charsmap


def _ends_in_digit_comma(piece):
    """The pieces `AlbertTokenizer` re-splits (transformers `AlbertTokenizer._tokenize`)."""
    return len(piece) > 1 and piece[-1] == "," and piece[-2].isdigit()


@functools.lru_cache(maxsize=4)
def _rewrite(serialized, do_lower_case, keep_accents):
    proto = model_pb2.ModelProto()
    proto.ParseFromString(serialized)
    original = read_charsmap(proto.normalizer_spec.precompiled_charsmap)
    rules = build_rules(original, do_lower_case, keep_accents)
    proto.normalizer_spec.precompiled_charsmap = compile_charsmap(rules)
    proto.normalizer_spec.name = NORMALIZER_NAME
    for piece in proto.pieces:
        if piece.type == model_pb2.ModelProto.SentencePiece.NORMAL and _ends_in_digit_comma(
                piece.piece):
            piece.type = _UNUSED
    return proto.SerializeToString()


def task_library_model_proto(serialized, do_lower_case=True, keep_accents=False):
    """The model (bytes) to pack into .tflite metadata for the Task Library's tokenizer.

    Args:
        serialized: bytes. The tokenizer's `spiece.model`.
        do_lower_case, keep_accents: bool. The tokenizer's flags. Default to ALBERT's.

    Returns:
        bytes: the same pieces, ids and scores, with ALBERT's preprocessing in the
        normalizer and the digit-comma pieces unused, so that ASCII lower-casing followed by
        SentencePiece's encode gives `AlbertTokenizer`'s ids (see `KNOWN_DIFFERENCES`).
    """
    return _rewrite(bytes(serialized), bool(do_lower_case), bool(keep_accents))
