"""AlbertTokenizerLayer: raw strings -> ALBERT inputs inside the TF graph (tensorflow-text)."""

import os

import keras
import tensorflow as tf
import tensorflow_text as tf_text

from albert_keras.tensorflow_only import require_tensorflow_backend
from albert_keras.tokenization import normalization
from albert_keras.tokenization.files import load_sentencepiece
from albert_keras.tokenization.special_tokens import SpecialTokens
from albert_keras.tokenization.tokenizer import AlbertTokenizer

_SPIECE = "spiece.model"
_UNDERLINE = "\u2581"
_NUL_STAND_IN = "\U000f0000"  # plane-15 private use: NFKC-stable, in no ALBERT vocabulary


def _positions(rt):
    """Index of each value inside its row, for a 2-D RaggedTensor."""
    rows = rt.value_rowids()
    return tf.range(tf.size(rows, out_type=rows.dtype)) - tf.gather(rt.row_starts(), rows)


def _replace_rows(rows, mask, new_rows):
    """Rows of `rows` where `mask` is False, the next row of `new_rows` where True."""
    n = rows.nrows(out_type=tf.int32)
    order = tf.cumsum(tf.cast(mask, tf.int32)) - 1
    select = tf.where(mask, n + order, tf.range(n))
    return tf.gather(tf.concat([rows, new_rows], axis=0), select)


def _head(rt, lengths):
    """First `lengths[i]` values of row i of a 2-D RaggedTensor."""
    keep = _positions(rt) < tf.gather(tf.cast(lengths, rt.row_splits.dtype), rt.value_rowids())
    return tf.ragged.boolean_mask(rt, rt.with_flat_values(keep))


def longest_first_lengths(len_a, len_b, budget):
    """Lengths kept by transformers' `longest_first`: one token at a time from the longer.

    Closed form of `truncate_sequences`' loop (ties take from the second).
    """
    excess = tf.maximum(len_a + len_b - budget, 0)
    gap = tf.abs(len_a - len_b)
    rest = tf.maximum(excess - gap, 0)
    a_cut = tf.where(len_a > len_b, tf.minimum(excess, gap), 0) + rest // 2
    b_cut = tf.where(len_a > len_b, 0, tf.minimum(excess, gap)) + rest - rest // 2
    return len_a - a_cut, len_b - b_cut


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertTokenizerLayer(keras.layers.Layer):
    """In-graph ALBERT tokenizer: strings -> `input_ids`, `attention_mask`, `token_type_ids`.

    The same preprocessing (the `normalization.RULES` table, in TF ops), special
    tokens, digit-comma rule and `[CLS] A [SEP] B [SEP]` layout as
    `AlbertTokenizer` (transformers' slow AlbertTokenizer), on
    `tensorflow_text.SentencepieceTokenizer`, so a SavedModel or `.keras` file
    takes raw text. The `spiece.model` bytes are saved as an asset (`.keras`)
    or inside the SavedModel, never in the JSON config.

    Args:
        proto: str, bytes or None. Path of a `spiece.model` or its bytes; None
            only while loading a `.keras` file (then `load_assets` sets it).
        sequence_length: int. Output length: padded with `<pad>`, truncated
            (`longest_first` for pairs). Defaults to 128.
        do_lower_case, remove_space, keep_accents: bool. As `AlbertTokenizer`.
        cls_token, sep_token, pad_token, unk_token, mask_token: str. Special tokens.

    Call arguments:
        inputs: string tensor (batch,) or list of str; or a pair `(a, b)` of them.
        pair: optional second batch of strings (sentence pairs).

    Returns:
        Dict of int32 tensors (batch, sequence_length): `input_ids`,
        `attention_mask`, `token_type_ids`.

    Example:
    >>> import io, sentencepiece as spm
    >>> text = ["the quick brown fox jumps over the lazy dog"] * 20
    >>> proto = io.BytesIO()
    >>> spm.SentencePieceTrainer.train(sentence_iterator=iter(text), model_writer=proto,
    ...     vocab_size=40, pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
    ...     control_symbols=["[CLS]", "[SEP]", "[MASK]"], hard_vocab_limit=False,
    ...     minloglevel=2)
    >>> layer = AlbertTokenizerLayer(proto.getvalue(), sequence_length=8)
    >>> out = layer(["The lazy dog"], ["a fox"])
    >>> out["token_type_ids"].numpy().tolist()
    [[0, 0, 0, 0, 0, 1, 1, 1]]
    """

    def __init__(self, proto=None, sequence_length=128, do_lower_case=True, remove_space=True,
                 keep_accents=False, cls_token="[CLS]", sep_token="[SEP]", pad_token="<pad>",
                 unk_token="<unk>", mask_token="[MASK]", **kwargs):
        require_tensorflow_backend("AlbertTokenizerLayer (the in-graph tokenizer)")
        kwargs.setdefault("trainable", False)
        super().__init__(**kwargs)
        # Strings in, ints out: no autocast or tensor conversion of the inputs (as keras-hub).
        self._convert_input_args = False
        self._allow_non_tensor_positional_args = True
        if int(sequence_length) < 3:
            raise ValueError(f"sequence_length={sequence_length} must be at least 3")
        self.sequence_length = int(sequence_length)
        self.do_lower_case = do_lower_case
        self.remove_space = remove_space
        self.keep_accents = keep_accents
        self._specials = SpecialTokens(cls_token, sep_token, unk_token, sep_token, pad_token,
                                       cls_token, mask_token)
        self._specials.do_lower_case = do_lower_case
        self.proto = None
        if proto is not None:
            self.set_proto(proto)

    def set_proto(self, proto):
        """Load the SentencePiece model from a path or serialized bytes."""
        # Validated by the Python library: tf-text only fails later, at run time.
        processor, proto = load_sentencepiece(proto)
        self.proto = proto
        self._sp_strings = tf_text.SentencepieceTokenizer(proto, out_type=tf.string)
        special = self._specials
        self._special_ids = {t: self._sp_strings.string_to_id(t) for t in special.all_special_tokens}
        # tf-text's ops stop at NUL, where SentencePiece gives an unknown piece (<unk>, merged
        # with unknown neighbours): a private-use character that is unknown too stands in.
        unk = processor.unk_id()
        self._nul = _NUL_STAND_IN if processor.piece_to_id("\x00") == unk and (
            processor.piece_to_id(_NUL_STAND_IN) == unk) else ""

    @classmethod
    def from_tokenizer(cls, tokenizer, **kwargs):
        """A layer with the model and flags of an `AlbertTokenizer`."""
        config = dict(tokenizer.normalization_flags)
        config.update({k: getattr(tokenizer, k) for k in
                       ("cls_token", "sep_token", "pad_token", "unk_token", "mask_token")})
        config.update(kwargs)
        return cls(tokenizer.sp_model.serialized_model_proto(), **config)

    @classmethod
    def from_pretrained(cls, name_or_path, **kwargs):
        """From a hub-layout folder, a `spiece.model` file or a hub name."""
        return cls.from_tokenizer(AlbertTokenizer.from_pretrained(name_or_path), **kwargs)

    # --------------------------------------------------------------- graph ops
    def _special_regex(self):
        """One RE2 pattern matching every special token (as `split_special`)."""
        space = normalization.re2_char_class("space") + "*"
        return "|".join(r for r, _ in self._specials.special_token_patterns(space=space))

    def _split_digit_commas(self, pieces):
        """Re-split pieces like "▁3.0," into "▁3.0" + "," (flat string pieces)."""
        digit = normalization.re2_char_class("digit")
        needs = tf.strings.regex_full_match(pieces, f"(?s).*{digit},")
        old = tf.boolean_mask(pieces, needs)
        length = tf.strings.length(old, "UTF8_CHAR")
        head = tf.strings.substr(old, tf.zeros_like(length), length - 1, "UTF8_CHAR")
        sub = self._sp_strings.tokenize(tf.strings.regex_replace(head, _UNDERLINE, ""))
        # A piece without "▁" must not gain one: drop a bare "▁", else strip it.
        fix = ~tf.strings.regex_full_match(old, f"{_UNDERLINE}(?s).*")
        first = tf.equal(_positions(sub), 0) & tf.gather(fix, sub.value_rowids())
        starts = tf.strings.regex_full_match(sub.flat_values, f"{_UNDERLINE}(?s).*") & first
        stripped = tf.strings.regex_replace(sub.flat_values, f"^{_UNDERLINE}", "")
        values = tf.where(starts, stripped, sub.flat_values)
        sub = tf.ragged.boolean_mask(
            sub.with_flat_values(values), sub.with_flat_values(~(starts & tf.equal(values, ""))))
        commas = tf.RaggedTensor.from_tensor(tf.fill([tf.shape(old)[0], 1], ","))
        rows = tf.RaggedTensor.from_tensor(tf.expand_dims(pieces, 1))
        return _replace_rows(rows, needs, tf.concat([sub, commas], axis=1))

    def _token_ids(self, texts):
        """RaggedTensor (batch, (tokens)) of int32 ids, special tokens in text kept."""
        pattern = self._special_regex()
        texts = tf.strings.regex_replace(texts, "\\x00", self._nul)
        chunks = tf_text.regex_split(texts, pattern, pattern)  # (batch, (chunks))
        flat = chunks.flat_values
        is_special = tf.strings.regex_full_match(flat, pattern)
        flags = {"do_lower_case": self.do_lower_case, "remove_space": self.remove_space,
                 "keep_accents": self.keep_accents}
        pieces = self._sp_strings.tokenize(normalization.normalize_tf(flat, **flags))
        per_piece = self._split_digit_commas(pieces.flat_values)  # (pieces, (1 or more))
        pieces = pieces.with_flat_values(per_piece).merge_dims(1, 2)  # (chunks, (pieces))
        canonical = tf.fill(tf.shape(flat), "")
        for regex, token in self._specials.special_token_patterns(
                space=normalization.re2_char_class("space") + "*"):
            canonical = tf.where(tf.strings.regex_full_match(flat, regex), token, canonical)
        specials = tf.RaggedTensor.from_tensor(tf.expand_dims(tf.boolean_mask(canonical, is_special), 1))
        pieces = _replace_rows(pieces, is_special, specials)
        ids = self._sp_strings.string_to_id(pieces)
        return chunks.with_flat_values(ids).merge_dims(1, 2)

    def call(self, inputs, pair=None):
        if pair is None and isinstance(inputs, (tuple, list)) and len(inputs) == 2 and all(
                tf.is_tensor(x) or isinstance(x, (tuple, list)) for x in inputs):
            inputs, pair = inputs
        if self.proto is None:
            raise ValueError("AlbertTokenizerLayer has no SentencePiece model: pass `proto`.")
        first = self._token_ids(_as_strings(inputs, "inputs"))
        batch = first.nrows(out_type=tf.int32)
        cls = tf.fill([batch, 1], self._special_ids[self._specials.cls_token])
        sep = tf.fill([batch, 1], self._special_ids[self._specials.sep_token])
        len_a = tf.cast(first.row_lengths(), tf.int32)
        if pair is None:
            parts = [cls, _head(first, tf.minimum(len_a, self.sequence_length - 2)), sep]
            types = [tf.zeros_like(p) for p in parts]
        else:
            second = self._token_ids(_as_strings(pair, "pair"))
            len_b = tf.cast(second.row_lengths(), tf.int32)
            keep_a, keep_b = longest_first_lengths(len_a, len_b, self.sequence_length - 3)
            a, b = _head(first, keep_a), _head(second, keep_b)
            parts = [cls, a, sep, b, sep]
            types = [tf.zeros_like(p) for p in parts[:3]] + [tf.ones_like(p) for p in parts[3:]]
        ids = tf.concat([_ragged(p) for p in parts], axis=1)
        shape = [None, self.sequence_length]
        pad_id = self._special_ids[self._specials.pad_token]
        return {
            "input_ids": ids.to_tensor(default_value=pad_id, shape=shape),
            "attention_mask": tf.ones_like(ids).to_tensor(shape=shape),
            "token_type_ids": tf.concat([_ragged(t) for t in types], 1).to_tensor(shape=shape),
        }

    def compute_output_spec(self, inputs, pair=None):
        spec = keras.KerasTensor((None, self.sequence_length), dtype="int32")
        return {"input_ids": spec, "attention_mask": spec, "token_type_ids": spec}

    # ---------------------------------------------------------- serialization
    def get_config(self):
        config = super().get_config()
        special = self._specials
        config.update({
            "proto": None,  # the bytes travel through save_assets/load_assets
            "sequence_length": self.sequence_length,
            "do_lower_case": self.do_lower_case,
            "remove_space": self.remove_space,
            "keep_accents": self.keep_accents,
            "cls_token": special.cls_token,
            "sep_token": special.sep_token,
            "pad_token": special.pad_token,
            "unk_token": special.unk_token,
            "mask_token": special.mask_token,
        })
        return config

    def save_assets(self, dir_path):
        with open(os.path.join(dir_path, _SPIECE), "wb") as handle:
            handle.write(self.proto)

    def load_assets(self, dir_path):
        self.set_proto(os.path.join(dir_path, _SPIECE))


def _ragged(x):
    """A 2-D RaggedTensor from a dense or ragged tensor."""
    return x if isinstance(x, tf.RaggedTensor) else tf.RaggedTensor.from_tensor(x)


def _as_strings(texts, name):
    """A 1-D tf.string tensor; Python items that are not str raise a TypeError."""
    if isinstance(texts, str):
        texts = [texts]
    if isinstance(texts, (list, tuple)):
        for index, item in enumerate(texts):
            if not isinstance(item, (str, bytes)):
                raise TypeError(
                    f"AlbertTokenizerLayer expects strings, but {name}[{index}] is "
                    f"{type(item).__name__}: {item!r:.80}"
                )
        texts = tf.constant(list(texts), dtype=tf.string, shape=[len(texts)])
    texts = tf.convert_to_tensor(texts)
    if texts.dtype != tf.string:
        raise TypeError(f"AlbertTokenizerLayer expects a tf.string tensor for {name}, got {texts.dtype}")
    if texts.shape.rank == 0:
        texts = tf.expand_dims(texts, 0)
    elif texts.shape.rank == 2 and texts.shape[-1] == 1:
        texts = tf.squeeze(texts, -1)  # keras.Input(shape=(1,), dtype="string")
    return texts
