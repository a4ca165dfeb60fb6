"""Token ids with character offsets in the ORIGINAL text (`return_offsets_mapping`).

Each character keeps the span of the source characters it came from through
the special-token split, the normalization rules (`normalize_with_spans`) and
SentencePiece (its `begin`/`end` byte offsets). The conventions are those of
`AlbertTokenizerFast`, so QA/NER code written for it works unchanged:

- a piece `▁word` whose `▁` stands for a space in the text starts at that
  space (of a run of spaces, the last one), e.g. " world";
- a `▁` that SentencePiece adds at the start of a chunk covers the whitespace
  just before the chunk if there is any, else the next character;
- special tokens in the text cover their own characters (`[MASK]` also the
  whitespace it strips on its left); added `[CLS]`/`[SEP]`/padding are (0, 0).
"""

from albert_keras.tokenization import normalization
from albert_keras.tokenization.pieces import split_digit_comma

_UNDERLINE = "\u2581"


def _byte_to_char(text):
    """Map each UTF-8 byte offset of `text` (and its end) to a character index."""
    if text.isascii():
        return None
    table = []
    for index, char in enumerate(text):
        table.extend([index] * len(char.encode("utf-8")))
    table.append(len(text))
    return table


def encode_with_offsets(tokenizer, text):
    """(ids, offsets) for one text, with the same ids as `AlbertTokenizer.__call__`."""
    ids, offsets = [], []
    for chunk, special, start, end in tokenizer.split_special(text):
        if special is not None:
            ids.append(tokenizer.sp_model.piece_to_id(special))
            offsets.append((start, end))
            continue
        spans = [(start + i, start + i + 1) for i in range(len(chunk))]
        norm, spans = normalization.normalize_with_spans(
            chunk, spans, **tokenizer.normalization_flags)
        for piece, span in _pieces_with_spans(tokenizer, norm, spans, text):
            ids.append(tokenizer.sp_model.piece_to_id(piece))
            offsets.append(span)
    return ids, offsets


def _pieces_with_spans(tokenizer, norm, spans, text):
    """Yield (piece, (start, end)) for a normalized chunk."""
    if not norm:
        return
    proto = tokenizer.sp_model.encode(norm, return_type="proto")
    table = _byte_to_char(norm)
    for item in proto.pieces:
        begin, end = item.begin, item.end
        if table is not None:
            begin, end = table[begin], table[end]
        split = split_digit_comma(item.piece, tokenizer._encode_pieces)
        if split is None:
            yield item.piece, _span(item.piece, norm, spans, begin, end, text)
            continue
        # "▁3.0," -> "▁3.0" + ",": the comma is the last surface character.
        pos = begin
        for index, sub in enumerate(split[:-1]):
            width = len(sub.lstrip(_UNDERLINE))
            if sub.startswith(_UNDERLINE) and pos < end - 1 and norm[pos] == " ":
                width += 1
            stop = end - 1 if index == len(split) - 2 else min(pos + width, end - 1)
            yield sub, _span(sub, norm, spans, pos, stop, text)
            pos = stop
        yield split[-1], _span(split[-1], norm, spans, end - 1, end, text)


def _span(piece, norm, spans, begin, end, text):
    """Original-text span of normalized characters [begin, end) holding `piece`."""
    dummy_prefix = piece.startswith(_UNDERLINE) and (begin >= end or norm[begin] != " ")
    if begin >= end and not piece.startswith(_UNDERLINE) and begin > 0:
        return spans[begin - 1]  # a later piece of one expanded character (e.g. "½" -> 1⁄2)
    if begin >= end:  # a bare "▁" with no surface characters
        if begin >= len(spans):
            last = spans[-1][1]
            return (last, last)
        first = spans[begin]
        if first[0] > 0 and text[first[0] - 1].isspace():
            return (first[0] - 1, first[0])
        return first
    start, stop = spans[begin][0], spans[end - 1][1]
    if dummy_prefix and start > 0 and text[start - 1].isspace():
        start -= 1
    return (start, stop)
