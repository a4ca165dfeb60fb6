"""AlbertTokenizer: SentencePiece tokenizer with transformers' slow AlbertTokenizer behaviour."""

import logging
from typing import ClassVar

import numpy as np

from albert_keras.tokenization import encoding as enc
from albert_keras.tokenization import files, normalization, offsets
from albert_keras.tokenization import special_tokens as st
from albert_keras.tokenization.pieces import split_digit_comma

logger = logging.getLogger(__name__)


class AlbertTokenizer(st.SpecialTokens):
    """ALBERT's SentencePiece tokenizer, identical to transformers' `AlbertTokenizer`.

    Text is split on the special tokens, preprocessed by the rule table in
    `normalization.py` (spaces, quotes, accents, case), cut into pieces by
    SentencePiece, and pieces like `9,` are re-split as the original ALBERT code
    does. Calls, argument names and outputs follow transformers 4.57.1
    (`__call__`, `encode`, `decode`, `from_pretrained`, ...), with
    `return_offsets_mapping` (spans in the original text) and overflow windows
    as `AlbertTokenizerFast` gives them. Reference: arXiv:1909.11942.

    Args:
        vocab_file: str. Path of the `spiece.model` SentencePiece model.
        do_lower_case: bool. Lower-case the text. Defaults to True.
        remove_space: bool. Strip and collapse whitespace. Defaults to True.
        keep_accents: bool. If False, NFKD and drop accents. Defaults to False.
        bos_token, eos_token, unk_token, sep_token, pad_token, cls_token,
            mask_token: str. The special tokens; `[CLS]`, `[SEP]`, `<unk>`,
            `[SEP]`, `<pad>`, `[CLS]`, `[MASK]` by default.
        model_max_length: int. Length used by `truncation=True` without
            `max_length`. Defaults to no limit.
        clean_up_tokenization_spaces: bool. Default for `decode`. Defaults to False.
        sp_model_kwargs: dict. Passed to `SentencePieceProcessor`. Defaults to {}.

    Example:
    >>> import io, sentencepiece as spm
    >>> text = ["the quick brown fox jumps over the lazy dog"] * 20
    >>> proto = io.BytesIO()
    >>> spm.SentencePieceTrainer.train(sentence_iterator=iter(text), model_writer=proto,
    ...     vocab_size=40, pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
    ...     control_symbols=["[CLS]", "[SEP]", "[MASK]"], hard_vocab_limit=False,
    ...     minloglevel=2)
    >>> tokenizer = AlbertTokenizer(proto.getvalue())
    >>> tokenizer("The lazy dog", "a [MASK]")["token_type_ids"][-3:]
    [1, 1, 1]
    """

    vocab_files_names: ClassVar[dict] = {"vocab_file": "spiece.model"}
    model_input_names: ClassVar[list] = ["input_ids", "token_type_ids", "attention_mask"]

    def __init__(
        self,
        vocab_file,
        do_lower_case=True,
        remove_space=True,
        keep_accents=False,
        bos_token="[CLS]",
        eos_token="[SEP]",
        unk_token="<unk>",
        sep_token="[SEP]",
        pad_token="<pad>",
        cls_token="[CLS]",
        mask_token="[MASK]",
        model_max_length=enc.VERY_LARGE_INTEGER,
        clean_up_tokenization_spaces=False,
        sp_model_kwargs=None,
        **kwargs,
    ):
        if kwargs:
            logger.info("AlbertTokenizer ignores arguments %s", sorted(kwargs))
        self.vocab_file = vocab_file
        self.sp_model_kwargs = dict(sp_model_kwargs or {})
        self.sp_model = _load_sentencepiece(vocab_file, self.sp_model_kwargs)
        self.do_lower_case = do_lower_case
        self.remove_space = remove_space
        self.keep_accents = keep_accents
        self.model_max_length = model_max_length
        self.clean_up_tokenization_spaces = clean_up_tokenization_spaces
        super().__init__(bos_token, eos_token, unk_token, sep_token, pad_token, cls_token,
                         mask_token)

    @property
    def vocab_size(self):
        """Number of SentencePiece pieces."""
        return self.sp_model.get_piece_size()

    def __len__(self):
        return self.vocab_size

    def get_vocab(self):
        """Piece -> id for the whole vocabulary."""
        return {self.sp_model.id_to_piece(i): i for i in range(self.vocab_size)}

    def normalize(self, text):
        """ALBERT's preprocessing of one string with this tokenizer's flags."""
        return normalization.normalize(text, **self.normalization_flags)

    @property
    def normalization_flags(self):
        """do_lower_case / remove_space / keep_accents as a dict."""
        return {"do_lower_case": self.do_lower_case, "remove_space": self.remove_space,
                "keep_accents": self.keep_accents}

    # ----------------------------------------------------------------- tokens
    def _encode_pieces(self, text):
        """SentencePiece pieces of an already preprocessed string."""
        return self.sp_model.encode(text, out_type=str)

    def _pieces_of_chunks(self, chunks):
        """Pieces for a list of preprocessed chunks, digit-comma rule applied."""
        out = []
        for pieces in self.sp_model.encode(chunks, out_type=str):
            fixed = []
            for piece in pieces:
                sub = split_digit_comma(piece, self._encode_pieces)
                fixed.extend([piece] if sub is None else sub)
            out.append(fixed)
        return out

    def _tokenize_batch(self, texts):
        """Token strings (special tokens included) of each text, in one SentencePiece call."""
        layout, chunks = [], []
        for index, text in enumerate(texts):
            parts = []
            for chunk, special, _, _ in self.split_special(_check_text(text, index)):
                if special is not None:
                    parts.append(special)
                else:
                    parts.append(len(chunks))
                    chunks.append(self.normalize(chunk))
            layout.append(parts)
        pieces = self._pieces_of_chunks(chunks) if chunks else []
        return [[t for p in parts for t in ([p] if isinstance(p, str) else pieces[p])]
                for parts in layout]

    def tokenize(self, text, **kwargs):
        """Token strings of `text` (special tokens in the text kept whole)."""
        return self._tokenize_batch([text])[0]

    def convert_tokens_to_ids(self, tokens):
        """Id of a token string, or ids of a list of them (unknown -> unk id)."""
        if isinstance(tokens, str):
            return self.sp_model.piece_to_id(tokens)
        return [self.sp_model.piece_to_id(t) for t in tokens]

    def convert_ids_to_tokens(self, ids, skip_special_tokens=False):
        """Token string of an id, or of a list of ids."""
        if isinstance(ids, int):
            return self.sp_model.id_to_piece(ids)
        skip = set(self.all_special_ids) if skip_special_tokens else set()
        return [self.sp_model.id_to_piece(int(i)) for i in ids if int(i) not in skip]

    def _ids_and_offsets(self, texts, with_offsets):
        """(ids, offsets or None) for each text."""
        if with_offsets:
            return [offsets.encode_with_offsets(self, _check_text(t, i)) for i, t in enumerate(texts)]
        return [(self.sp_model.piece_to_id(toks) if toks else [], None)
                for toks in self._tokenize_batch(texts)]

    # ---------------------------------------------------------------- encode
    def __call__(self, text, text_pair=None, add_special_tokens=True, padding=False,
                 truncation=None, max_length=None, stride=0, pad_to_multiple_of=None,
                 return_tensors=None, return_token_type_ids=None, return_attention_mask=None,
                 return_overflowing_tokens=False, return_special_tokens_mask=False,
                 return_offsets_mapping=False, return_length=False, **kwargs):
        """Encode a text, a pair, or batches of them, as transformers' `__call__`.

        Returns:
            `BatchEncoding` (a dict) with `input_ids`, `token_type_ids`,
            `attention_mask` (+ `special_tokens_mask`, `offset_mapping`, `length`,
            `overflow_to_sample_mapping` when asked): lists for one text, lists of
            lists for a batch, or "np"/"tf" tensors of shape (batch, seq).
        """
        if kwargs:
            raise TypeError(f"AlbertTokenizer.__call__ got unexpected arguments {sorted(kwargs)}")
        batched = isinstance(text, (list, tuple))
        texts = list(text) if batched else [text]
        pairs = None
        if text_pair is not None:
            if batched != isinstance(text_pair, (list, tuple)) or (batched and len(text_pair) != len(texts)):
                raise ValueError("text_pair must match text: both strings, or lists of the same length.")
            pairs = list(text_pair) if batched else [text_pair]
        padding, truncation = enc.resolve_strategies(padding, truncation, max_length)
        if max_length is None and (truncation != "do_not_truncate" or padding == "max_length"):
            max_length = self.model_max_length
        if (truncation != "do_not_truncate" and padding != "do_not_pad" and pad_to_multiple_of
                and max_length is not None and max_length % pad_to_multiple_of):
            raise ValueError(
                f"Truncation and padding are both activated but truncation length ({max_length}) "
                f"is not a multiple of pad_to_multiple_of ({pad_to_multiple_of}).")
        firsts = self._ids_and_offsets(texts, return_offsets_mapping)
        seconds = self._ids_and_offsets(pairs, return_offsets_mapping) if pairs else None
        features, sample_map = [], []
        for i, first in enumerate(firsts):
            second = None if seconds is None else seconds[i]
            if not add_special_tokens:
                feats = [_plain_feature(first, second)]
            else:
                feats = enc.build_features(first, second, (self.cls_token_id, self.sep_token_id),
                                           truncation, max_length, stride, return_overflowing_tokens)
            features.extend(feats)
            sample_map.extend([i] * len(feats))
        lengths = [len(f["input_ids"]) for f in features]  # before padding, as transformers
        enc.pad_features(features, padding, max_length, pad_to_multiple_of, self.pad_token_id)
        wanted = {"input_ids": True, "token_type_ids": return_token_type_ids is not False,
                  "attention_mask": return_attention_mask is not False,
                  "special_tokens_mask": return_special_tokens_mask,
                  "offset_mapping": return_offsets_mapping}
        out = enc.BatchEncoding({k: [f[k] for f in features] for k, w in wanted.items() if w})
        if return_length:
            out["length"] = lengths
        if return_overflowing_tokens:
            out["overflow_to_sample_mapping"] = sample_map
        elif not batched:
            out = enc.BatchEncoding({k: v[0] for k, v in out.items()})
            if return_tensors is not None:
                out = enc.BatchEncoding({k: [v] for k, v in out.items()})
        return enc.to_tensors(out, return_tensors)

    def encode(self, text, text_pair=None, add_special_tokens=True, **kwargs):
        """Ids of one text (pair), with `[CLS]`/`[SEP]` unless told otherwise."""
        return self(text, text_pair, add_special_tokens=add_special_tokens, **kwargs)["input_ids"]

    def batch_encode_plus(self, batch_text_or_text_pairs, **kwargs):
        """transformers' older batch API: a list of texts or of (text, pair) tuples."""
        items = list(batch_text_or_text_pairs)
        if items and isinstance(items[0], (list, tuple)):
            return self([a for a, _ in items], [b for _, b in items], **kwargs)
        return self(items, **kwargs)

    # ---------------------------------------------------------------- decode
    def convert_tokens_to_string(self, tokens):
        """Join tokens into text; special tokens are not decoded by SentencePiece."""
        out, current, prev_special = "", [], False
        for token in tokens:
            if token in self.all_special_tokens:
                if not prev_special:
                    out += " "
                out += self.sp_model.decode(current) + token
                prev_special, current = True, []
            else:
                current.append(token)
                prev_special = False
        return (out + self.sp_model.decode(current)).strip()

    def decode(self, token_ids, skip_special_tokens=False, clean_up_tokenization_spaces=None,
               **kwargs):
        """Text of a list of ids (or a 1-D tensor), as transformers' `decode`."""
        if hasattr(token_ids, "numpy"):
            token_ids = token_ids.numpy()
        # One id (an int, or a 0-d array such as argmax returns) decodes as a list of one.
        token_ids = [int(token_ids)] if np.ndim(token_ids) == 0 else [int(i) for i in token_ids]
        tokens = self.convert_ids_to_tokens(token_ids, skip_special_tokens=skip_special_tokens)
        text = self.convert_tokens_to_string(tokens)
        if clean_up_tokenization_spaces is None:
            clean_up_tokenization_spaces = self.clean_up_tokenization_spaces
        return st.clean_up_tokenization(text) if clean_up_tokenization_spaces else text

    def batch_decode(self, sequences, **kwargs):
        """`decode` for each row of `sequences`."""
        if hasattr(sequences, "numpy"):
            sequences = sequences.numpy()
        return [self.decode(seq, **kwargs) for seq in sequences]

    # ----------------------------------------------------------------- files
    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, **kwargs):
        """Load from a folder (hub layout), a `spiece.model` file, or a hub name."""
        return files.load_tokenizer(cls, pretrained_model_name_or_path, **kwargs)

    def save_pretrained(self, save_directory):
        """Write `spiece.model`, `tokenizer_config.json`, `special_tokens_map.json`."""
        return files.save_tokenizer(self, save_directory)


def _plain_feature(first, second):
    """A feature without special tokens (`add_special_tokens=False`)."""
    ids = list(first[0]) + ([] if second is None else list(second[0]))
    types = [0] * len(first[0]) + ([] if second is None else [1] * len(second[0]))
    feature = {"input_ids": ids, "token_type_ids": types, "attention_mask": [1] * len(ids),
               "special_tokens_mask": [0] * len(ids)}
    if first[1] is not None:
        feature["offset_mapping"] = list(first[1]) + ([] if second is None else list(second[1]))
    return feature


def _check_text(text, index):
    """Raise a TypeError naming the item when `text` is not a str, a ValueError when it
    is not valid Unicode (lone surrogates: undecodable bytes kept by `surrogateescape`)."""
    if not isinstance(text, str):
        raise TypeError(
            f"AlbertTokenizer expects str inputs, but item {index} is "
            f"{type(text).__name__}: {text!r:.80}"
        )
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"item {index} is not valid Unicode: {text[error.start]!r} at character "
            f"{error.start} is a lone surrogate (bytes that were not UTF-8?); decode the "
            f"bytes with errors='replace' first") from None
    return text


def _load_sentencepiece(vocab_file, sp_model_kwargs):
    """A SentencePieceProcessor from a path or serialized bytes; errors name the file."""
    return files.load_sentencepiece(vocab_file, **sp_model_kwargs)[0]
