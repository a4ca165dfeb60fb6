"""ALBERT's special tokens: names, ids, splitting text on them, `[CLS] A [SEP] B [SEP]`."""

import re

_SPACE = r"\s*"  # Python's \s is str.isspace, the set str.rstrip removes


class SpecialTokens:
    """Mixin holding `[CLS]`/`[SEP]`/`[MASK]`/`<pad>`/`<unk>` and their ids.

    transformers treats every special token as an added token: text is split on
    them before preprocessing (`tokenization_utils.Trie`); `[MASK]` has
    `lstrip=True`, so whitespace on its left is removed and joins its span.
    Other text is lower-cased *before* that split, so with `do_lower_case` a
    "<PAD>" in the text becomes the pad token (matched case-insensitively here).
    Subclasses set `self.sp_model` and `self.do_lower_case` first.

    Example:
    >>> tokens = SpecialTokens()
    >>> tokens.cls_token, tokens.mask_token
    ('[CLS]', '[MASK]')
    """

    def __init__(self, bos_token="[CLS]", eos_token="[SEP]", unk_token="<unk>",
                 sep_token="[SEP]", pad_token="<pad>", cls_token="[CLS]", mask_token="[MASK]"):
        self.bos_token, self.eos_token, self.unk_token = bos_token, eos_token, unk_token
        self.sep_token, self.pad_token, self.cls_token = sep_token, pad_token, cls_token
        self.mask_token = mask_token
        self._special_pattern = None

    SPECIAL_TOKENS_ATTRIBUTES = (
        "bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token",
    )

    @property
    def special_tokens_map(self):
        """Attribute name -> token string, as transformers' `special_tokens_map`."""
        return {name: getattr(self, name) for name in self.SPECIAL_TOKENS_ATTRIBUTES}

    @property
    def all_special_tokens(self):
        """Distinct special token strings, in attribute order."""
        return list(dict.fromkeys(self.special_tokens_map.values()))

    @property
    def all_special_ids(self):
        """Ids of `all_special_tokens`."""
        return [self.sp_model.piece_to_id(t) for t in self.all_special_tokens]

    def _token_id(self, token):
        """Vocabulary id of a token string."""
        return self.sp_model.piece_to_id(token)

    cls_token_id = property(lambda self: self._token_id(self.cls_token), doc="Id of [CLS].")
    sep_token_id = property(lambda self: self._token_id(self.sep_token), doc="Id of [SEP].")
    pad_token_id = property(lambda self: self._token_id(self.pad_token), doc="Id of <pad>.")
    unk_token_id = property(lambda self: self._token_id(self.unk_token), doc="Id of <unk>.")
    mask_token_id = property(lambda self: self._token_id(self.mask_token), doc="Id of [MASK].")
    bos_token_id = property(lambda self: self._token_id(self.bos_token), doc="Id of bos.")
    eos_token_id = property(lambda self: self._token_id(self.eos_token), doc="Id of eos.")

    def special_token_patterns(self, space=_SPACE):
        """(regex, token) per special token, longest first; `space` is the whitespace class."""
        rows = []
        for token in sorted(self.all_special_tokens, key=len, reverse=True):
            regex = re.escape(token)
            if getattr(self, "do_lower_case", False) and token == token.lower():
                regex = f"(?i:{regex})"  # lower-cased text can spell it, e.g. "<PAD>"
            if token == self.mask_token:
                regex = space + regex  # AddedToken(lstrip=True)
            rows.append((regex, token))
        return rows

    def split_special(self, text):
        """Yield (chunk, special token or None, start, end) covering `text` in order."""
        if self._special_pattern is None:
            alternatives = "|".join(f"({regex})" for regex, _ in self.special_token_patterns())
            self._special_pattern = re.compile(alternatives)
            self._special_by_group = [token for _, token in self.special_token_patterns()]
        pos = 0
        for match in self._special_pattern.finditer(text):
            if match.start() > pos:
                yield text[pos:match.start()], None, pos, match.start()
            token = self._special_by_group[match.lastindex - 1]
            yield match.group(), token, match.start(), match.end()
            pos = match.end()
        if pos < len(text):
            yield text[pos:], None, pos, len(text)

    def build_inputs_with_special_tokens(self, token_ids_0, token_ids_1=None):
        """`[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`."""
        cls, sep = [self.cls_token_id], [self.sep_token_id]
        if token_ids_1 is None:
            return cls + list(token_ids_0) + sep
        return cls + list(token_ids_0) + sep + list(token_ids_1) + sep

    def create_token_type_ids_from_sequences(self, token_ids_0, token_ids_1=None):
        """0 for `[CLS] A [SEP]`, 1 for `B [SEP]`."""
        first = [0] * (len(token_ids_0) + 2)
        return first if token_ids_1 is None else first + [1] * (len(token_ids_1) + 1)

    def get_special_tokens_mask(self, token_ids_0, token_ids_1=None,
                                already_has_special_tokens=False):
        """1 where a special token is (or would be added), else 0."""
        if already_has_special_tokens:
            special = set(self.all_special_ids)
            return [1 if i in special else 0 for i in token_ids_0]
        mask = [1] + [0] * len(token_ids_0) + [1]
        return mask if token_ids_1 is None else mask + [0] * len(token_ids_1) + [1]


def clean_up_tokenization(text):
    """transformers' `clean_up_tokenization`: remove spaces before punctuation."""
    for old, new in ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"),
                     (" n't", "n't"), (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"),
                     (" 're", "'re")):
        text = text.replace(old, new)
    return text
