"""AlbertEmbeddings: V x E word / position / token-type tables, LayerNorm, dropout, E -> H projection."""

import keras
from keras import ops

from albert_keras.layers.fusible_dense import FusibleDense
from albert_keras.layers.initializers import normal_initializer
from albert_keras.layers.layer_norm import LayerNorm
from albert_keras.layers.vocabulary_resize import resize_rows


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertEmbeddings(keras.layers.Layer):
    """ALBERT's factorized embedding (section 3.1 of https://arxiv.org/abs/1909.11942).

    Token, position and token-type vectors of width `embedding_size` (E) are summed,
    normalised, dropped out and projected to `hidden_size` (H), so the vocabulary
    table costs V x E instead of V x H. The projection is the module transformers
    calls `encoder.embedding_hidden_mapping_in`; it lives here because it is part
    of the factorization (the weight-name table records the one key that differs).

    Args:
        vocab_size: int. Rows of the word table.
        embedding_size: int. E, width of all three tables.
        hidden_size: int. H, width after the projection.
        max_position_embeddings: int. Rows of the position table.
        type_vocab_size: int. Rows of the token-type table.
        layer_norm_eps: float. LayerNorm epsilon. Defaults to 1e-12.
        dropout: float. Dropout after the LayerNorm. Defaults to 0.
        initializer_range: float. Stddev of the weight initializer. Defaults to 0.02.

    Call arguments:
        input_ids: int tensor (batch, seq) or None when `inputs_embeds` is given.
        token_type_ids: int tensor (batch, seq) or None (all zeros).
        position_ids: int tensor (batch or 1, seq) or None (0 .. seq-1).
        inputs_embeds: float tensor (batch, seq, E) replacing the word lookup.
        training: bool.

    Returns:
        (batch, seq, H) float tensor.

    Example:
    >>> import numpy as np
    >>> layer = AlbertEmbeddings(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                          max_position_embeddings=20, type_vocab_size=2)
    >>> tuple(layer(np.array([[5, 6, 7]])).shape)
    (1, 3, 32)
    """

    def __init__(self, vocab_size, embedding_size, hidden_size, max_position_embeddings,
                 type_vocab_size, layer_norm_eps=1e-12, dropout=0.0, initializer_range=0.02,
                 **kwargs):
        super().__init__(**kwargs)
        # === Layers ===
        init = lambda: normal_initializer(initializer_range)
        self.word_embeddings = keras.layers.Embedding(
            vocab_size, embedding_size, embeddings_initializer=init(), name="word_embeddings",
            dtype=self.dtype_policy)
        self.position_embeddings = keras.layers.Embedding(
            max_position_embeddings, embedding_size, embeddings_initializer=init(),
            name="position_embeddings", dtype=self.dtype_policy)
        self.token_type_embeddings = keras.layers.Embedding(
            type_vocab_size, embedding_size, embeddings_initializer=init(),
            name="token_type_embeddings", dtype=self.dtype_policy)
        self.LayerNorm = LayerNorm(
            epsilon=layer_norm_eps, name="LayerNorm", dtype=self.dtype_policy)
        self.dropout = keras.layers.Dropout(dropout, dtype=self.dtype_policy)
        self.embedding_hidden_mapping_in = FusibleDense(
            hidden_size, kernel_initializer=init(), name="embedding_hidden_mapping_in",
            dtype=self.dtype_policy)
        # === Config ===
        self.vocab_size = vocab_size
        self.embedding_size = embedding_size
        self.hidden_size = hidden_size
        self.max_position_embeddings = max_position_embeddings
        self.type_vocab_size = type_vocab_size
        self.layer_norm_eps = layer_norm_eps
        self.dropout_rate = dropout
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        # Every weight shape follows from the config, so building needs no input.
        for table in (self.word_embeddings, self.position_embeddings, self.token_type_embeddings):
            table.build(None)
        self.LayerNorm.build((None, None, self.embedding_size))
        self.embedding_hidden_mapping_in.build((None, None, self.embedding_size))
        self.built = True

    def call(self, input_ids=None, token_type_ids=None, position_ids=None, inputs_embeds=None,
             training=False):
        if inputs_embeds is None:
            inputs_embeds = self._lookup(self.word_embeddings, input_ids)  # (batch, seq, E)
        seq_length = ops.shape(inputs_embeds)[1]
        if position_ids is None:
            position_ids = ops.expand_dims(ops.arange(seq_length, dtype="int32"), 0)  # (1, seq)
        if token_type_ids is None:
            token_type_ids = ops.zeros_like(position_ids)
        # Same summation order as transformers: words + types, then positions.
        embeddings = inputs_embeds + self._lookup(self.token_type_embeddings, token_type_ids)
        embeddings = embeddings + self._lookup(self.position_embeddings, position_ids)
        embeddings = self.LayerNorm(embeddings)
        embeddings = self.dropout(embeddings, training=training)
        return self.embedding_hidden_mapping_in(embeddings)  # (batch, seq, H)

    @property
    def weight(self):
        """The word table (vocab_size, E), as transformers' TFAlbertEmbeddings names it."""
        return self.word_embeddings.embeddings

    def resize_vocabulary(self, new_size):
        """Grows or cuts the word table to `new_size` rows (kept rows unchanged); returns it."""
        table = resize_rows(self.word_embeddings, "_embeddings", new_size,
                            normal_initializer(self.initializer_range))
        self.word_embeddings.input_dim = self.vocab_size = int(new_size)
        return table

    def _lookup(self, table, ids):
        """Rows of an Embedding's table: a plain GATHER on the int32 ids.

        `keras.layers.Embedding` (`ops.take`) first maps negative ids with LESS / ADD /
        SELECT on the token ids; TFLite's 16x8 quantizer then asks for calibration ranges
        of the int32 input and fails. Ids are range-checked by the models, so no mapping
        is needed; the values are the same. Other backends take `ops.take`, which keeps
        their autograd graph (TensorFlow's gather would go through NumPy there).
        """
        ids = ops.cast(ids, "int32")
        if keras.backend.backend() == "tensorflow":
            import tensorflow as tf  # the TensorFlow backend only: keeps TF off the others

            rows = tf.gather(table.embeddings, ids)
        else:
            rows = ops.take(table.embeddings, ids, axis=0)
        return ops.cast(rows, table.compute_dtype)

    def compute_output_shape(self, input_shape=None):
        return tuple(input_shape or (None, None))[:2] + (self.hidden_size,)

    def get_config(self):
        config = super().get_config()
        config.update({
            "vocab_size": self.vocab_size,
            "embedding_size": self.embedding_size,
            "hidden_size": self.hidden_size,
            "max_position_embeddings": self.max_position_embeddings,
            "type_vocab_size": self.type_vocab_size,
            "layer_norm_eps": self.layer_norm_eps,
            "dropout": self.dropout_rate,
            "initializer_range": self.initializer_range,
        })
        return config
