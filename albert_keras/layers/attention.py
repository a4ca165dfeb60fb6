"""AlbertAttention: multi-head self-attention, output dense, residual LayerNorm."""

import math

import keras
from keras import ops

from albert_keras.layers.fusible_dense import FusibleDense
from albert_keras.layers.initializers import normal_initializer
from albert_keras.layers.layer_norm import LayerNorm


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertAttention(keras.layers.Layer):
    """Multi-head self-attention with ALBERT's post-LayerNorm residual.

    Computes `LayerNorm(x + dense(softmax(q k^T / sqrt(d) + mask) v))` exactly as
    transformers' eager `AlbertAttention`: scaling after the product, an additive
    mask, dropout on the probabilities, then an optional per-head multiplier.

    Args:
        hidden_size: int. H, input and output width.
        num_attention_heads: int. Number of heads; must divide H.
        layer_norm_eps: float. LayerNorm epsilon. Defaults to 1e-12.
        attention_dropout: float. Dropout on the attention probabilities. Defaults to 0.
        output_dropout: float. Dropout on the projected context. Defaults to 0.
        initializer_range: float. Stddev of the weight initializer. Defaults to 0.02.

    Call arguments:
        hidden_states: (batch, seq, H) float tensor.
        attention_mask: (batch, 1, 1, seq) additive float mask (0 keeps, a large
            negative value drops), or None.
        head_mask: (heads,) or broadcastable multiplier of the probabilities, or None.
        training: bool.

    Returns:
        `(output, probabilities)`: (batch, seq, H) and (batch, heads, seq, seq).

    Example:
    >>> import numpy as np
    >>> layer = AlbertAttention(hidden_size=32, num_attention_heads=4)
    >>> out, probs = layer(np.zeros((2, 5, 32), "float32"))
    >>> tuple(probs.shape)
    (2, 4, 5, 5)
    """

    def __init__(self, hidden_size, num_attention_heads, layer_norm_eps=1e-12,
                 attention_dropout=0.0, output_dropout=0.0, initializer_range=0.02, **kwargs):
        super().__init__(**kwargs)
        if hidden_size % num_attention_heads:
            raise ValueError(f"hidden_size={hidden_size} must be divisible by "
                             f"num_attention_heads={num_attention_heads}")
        # === Layers ===
        dense = lambda name: FusibleDense(
            hidden_size, kernel_initializer=normal_initializer(initializer_range), name=name,
            dtype=self.dtype_policy)
        self.query, self.key, self.value = dense("query"), dense("key"), dense("value")
        self.dense = dense("dense")
        self.attention_dropout = keras.layers.Dropout(attention_dropout, dtype=self.dtype_policy)
        self.output_dropout = keras.layers.Dropout(output_dropout, dtype=self.dtype_policy)
        self.LayerNorm = LayerNorm(
            epsilon=layer_norm_eps, name="LayerNorm", dtype=self.dtype_policy)
        # === Config ===
        self.hidden_size = hidden_size
        self.num_attention_heads = num_attention_heads
        self.head_size = hidden_size // num_attention_heads
        self.layer_norm_eps = layer_norm_eps
        self.attention_dropout_rate = attention_dropout
        self.output_dropout_rate = output_dropout
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        for layer in (self.query, self.key, self.value, self.dense, self.LayerNorm):
            layer.build((None, None, self.hidden_size))
        self.built = True

    def _split_heads(self, x, batch_size):
        """(batch, seq, H) -> (batch, heads, seq, head_size)."""
        x = ops.reshape(x, (batch_size, -1, self.num_attention_heads, self.head_size))
        return ops.transpose(x, (0, 2, 1, 3))

    def call(self, hidden_states, attention_mask=None, head_mask=None, training=False):
        batch_size = ops.shape(hidden_states)[0]
        query = self._split_heads(self.query(hidden_states), batch_size)
        key = self._split_heads(self.key(hidden_states), batch_size)
        value = self._split_heads(self.value(hidden_states), batch_size)

        scores = ops.matmul(query, ops.transpose(key, (0, 1, 3, 2)))  # (batch, heads, seq, seq)
        scores = scores / math.sqrt(self.head_size)
        if attention_mask is not None:
            scores = scores + ops.cast(attention_mask, scores.dtype)
        probabilities = ops.softmax(scores, axis=-1)
        probabilities = self.attention_dropout(probabilities, training=training)
        if head_mask is not None:
            probabilities = probabilities * ops.cast(head_mask, probabilities.dtype)

        context = ops.matmul(probabilities, value)  # (batch, heads, seq, head_size)
        context = ops.transpose(context, (0, 2, 1, 3))  # (batch, seq, heads, head_size)
        context = ops.reshape(context, (batch_size, -1, self.hidden_size))  # (batch, seq, H)
        projected = self.output_dropout(self.dense(context), training=training)
        return self.LayerNorm(hidden_states + projected), probabilities

    def get_config(self):
        config = super().get_config()
        config.update({
            "hidden_size": self.hidden_size,
            "num_attention_heads": self.num_attention_heads,
            "layer_norm_eps": self.layer_norm_eps,
            "attention_dropout": self.attention_dropout_rate,
            "output_dropout": self.output_dropout_rate,
            "initializer_range": self.initializer_range,
        })
        return config
