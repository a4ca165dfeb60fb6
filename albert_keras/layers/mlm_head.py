"""AlbertMLMHead: dense -> act -> LayerNorm -> logits tied to the word-embedding table (+ output bias)."""

import keras
from keras import ops

from albert_keras.layers.fusible_dense import FusibleDense
from albert_keras.layers.initializers import normal_initializer
from albert_keras.layers.layer_norm import LayerNorm
from albert_keras.layers.vocabulary_resize import resize_rows


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertMLMHead(keras.layers.Layer):
    """Masked-language-model head whose decoder is the transposed word-embedding table.

    The head owns `dense` (H -> E), `LayerNorm` and the output `bias`; the decoder
    matrix is the model's `word_embeddings` table, passed in at call time so the
    weight exists once (transformers ties `predictions.decoder.weight` the same way).

    Args:
        vocab_size: int. V.
        embedding_size: int. E.
        hidden_size: int. H.
        hidden_act: str. Activation name.
        layer_norm_eps: float. Defaults to 1e-12.
        initializer_range: float. Defaults to 0.02.

    Call arguments:
        hidden_states: (batch, seq, H).
        embedding_table: (V, E) word-embedding matrix.

    Returns:
        (batch, seq, V) logits.

    Example:
    >>> import numpy as np
    >>> head = AlbertMLMHead(99, 16, 32, "gelu_new")
    >>> tuple(head(np.zeros((1, 3, 32), "float32"), np.zeros((99, 16), "float32")).shape)
    (1, 3, 99)
    """

    def __init__(self, vocab_size, embedding_size, hidden_size, hidden_act, layer_norm_eps=1e-12,
                 initializer_range=0.02, **kwargs):
        super().__init__(**kwargs)
        # === Layers ===
        self.dense = FusibleDense(  # the activation inside: oneDNN fuses it on TensorFlow
            embedding_size, hidden_act=hidden_act,
            kernel_initializer=normal_initializer(initializer_range), name="dense",
            dtype=self.dtype_policy)
        self.LayerNorm = LayerNorm(
            epsilon=layer_norm_eps, name="LayerNorm", dtype=self.dtype_policy)
        # === Config ===
        self.vocab_size = vocab_size
        self.embedding_size = embedding_size
        self.hidden_size = hidden_size
        self.hidden_act = hidden_act
        self.layer_norm_eps = layer_norm_eps
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        self.dense.build((None, None, self.hidden_size))
        self.LayerNorm.build((None, None, self.embedding_size))
        self.bias = self.add_weight(name="bias", shape=(self.vocab_size,), initializer="zeros")
        self.built = True

    def resize_vocabulary(self, new_size):
        """Grows or cuts the output bias to `new_size` (new tokens get bias 0, as in transformers)."""
        resize_rows(self, "bias", new_size, keras.initializers.Zeros())
        self.vocab_size = int(new_size)

    def call(self, hidden_states, embedding_table):
        hidden_states = self.LayerNorm(self.dense(hidden_states))  # (batch, seq, E)
        table = ops.cast(embedding_table, hidden_states.dtype)
        logits = ops.matmul(hidden_states, ops.transpose(table))  # (batch, seq, V)
        return logits + ops.cast(self.bias, logits.dtype)

    def get_config(self):
        config = super().get_config()
        config.update({
            "vocab_size": self.vocab_size,
            "embedding_size": self.embedding_size,
            "hidden_size": self.hidden_size,
            "hidden_act": self.hidden_act,
            "layer_norm_eps": self.layer_norm_eps,
            "initializer_range": self.initializer_range,
        })
        return config
