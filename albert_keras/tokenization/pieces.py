"""ALBERT's one rule on SentencePiece's pieces: a digit followed by a comma, such as `9,`, is cut
into `9` and `,` (transformers' `AlbertTokenizer._tokenize`, google-research/albert#249).

Read by the tokenizer and by the offsets it computes; the in-graph tokenizer has the same rule
in TensorFlow ops (`graph_tokenizer`).
"""

SPIECE_UNDERLINE = "\u2581"


def split_digit_comma(piece, encode_pieces):
    """`9,` -> `9` + `,`: the replacement pieces, or None when `piece` is kept as it is."""
    if not (len(piece) > 1 and piece[-1] == "," and piece[-2].isdigit()):
        return None
    sub = encode_pieces(piece[:-1].replace(SPIECE_UNDERLINE, ""))
    if piece[0] != SPIECE_UNDERLINE and sub and sub[0][0] == SPIECE_UNDERLINE:
        sub = sub[1:] if len(sub[0]) == 1 else [sub[0][1:]] + sub[1:]
    return sub + [piece[-1]]
