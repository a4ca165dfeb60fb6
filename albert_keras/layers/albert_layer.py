"""AlbertLayer: attention followed by the feed-forward block (ffn -> act -> ffn_output, LayerNorm)."""

import keras

from albert_keras.layers.attention import AlbertAttention
from albert_keras.layers.fusible_dense import FusibleDense
from albert_keras.layers.initializers import normal_initializer
from albert_keras.layers.layer_norm import LayerNorm


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertLayer(keras.layers.Layer):
    """One ALBERT transformer block: self-attention, then a post-LayerNorm FFN.

    Note: transformers' PyTorch `AlbertLayer` defines a dropout for the FFN output
    but never applies it (`ff_chunk` has none); we follow the reference, so the
    only dropouts are those inside the attention block.

    Args:
        hidden_size: int. H.
        num_attention_heads: int. Heads of the attention block.
        intermediate_size: int. Width of the feed-forward block.
        hidden_act: str. Activation name (see `albert_keras.activations`).
        layer_norm_eps: float. Defaults to 1e-12.
        hidden_dropout: float. Dropout on the attention output. Defaults to 0.
        attention_dropout: float. Dropout on attention probabilities. Defaults to 0.
        initializer_range: float. Defaults to 0.02.

    Call arguments:
        hidden_states: (batch, seq, H); attention_mask: additive (batch, 1, 1, seq) or None;
        head_mask: per-head multiplier or None; training: bool.

    Returns:
        `(output, attention_probabilities)`.

    Example:
    >>> import numpy as np
    >>> layer = AlbertLayer(hidden_size=32, num_attention_heads=4, intermediate_size=37,
    ...                     hidden_act="gelu_new")
    >>> tuple(layer(np.zeros((1, 3, 32), "float32"))[0].shape)
    (1, 3, 32)
    """

    def __init__(self, hidden_size, num_attention_heads, intermediate_size, hidden_act,
                 layer_norm_eps=1e-12, hidden_dropout=0.0, attention_dropout=0.0,
                 initializer_range=0.02, **kwargs):
        super().__init__(**kwargs)
        # === Layers ===
        self.attention = AlbertAttention(
            hidden_size, num_attention_heads, layer_norm_eps=layer_norm_eps,
            attention_dropout=attention_dropout, output_dropout=hidden_dropout,
            initializer_range=initializer_range, name="attention", dtype=self.dtype_policy)
        # The activation runs inside `ffn`: on TensorFlow, oneDNN fuses it into the product.
        dense = lambda units, name, **kwargs: FusibleDense(
            units, kernel_initializer=normal_initializer(initializer_range), name=name,
            dtype=self.dtype_policy, **kwargs)
        self.ffn = dense(intermediate_size, "ffn", hidden_act=hidden_act)
        self.ffn_output = dense(hidden_size, "ffn_output")
        self.full_layer_layer_norm = LayerNorm(
            epsilon=layer_norm_eps, name="full_layer_layer_norm", dtype=self.dtype_policy)
        # === Config ===
        self.hidden_size = hidden_size
        self.num_attention_heads = num_attention_heads
        self.intermediate_size = intermediate_size
        self.hidden_act = hidden_act
        self.layer_norm_eps = layer_norm_eps
        self.hidden_dropout = hidden_dropout
        self.attention_dropout = attention_dropout
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        self.attention.build()
        self.ffn.build((None, None, self.hidden_size))
        self.ffn_output.build((None, None, self.intermediate_size))
        self.full_layer_layer_norm.build((None, None, self.hidden_size))
        self.built = True

    def call(self, hidden_states, attention_mask=None, head_mask=None, training=False):
        attention_output, probabilities = self.attention(
            hidden_states, attention_mask=attention_mask, head_mask=head_mask, training=training)
        ffn_output = self.ffn_output(self.ffn(attention_output))
        return self.full_layer_layer_norm(ffn_output + attention_output), probabilities

    def get_config(self):
        config = super().get_config()
        config.update({
            "hidden_size": self.hidden_size,
            "num_attention_heads": self.num_attention_heads,
            "intermediate_size": self.intermediate_size,
            "hidden_act": self.hidden_act,
            "layer_norm_eps": self.layer_norm_eps,
            "hidden_dropout": self.hidden_dropout,
            "attention_dropout": self.attention_dropout,
            "initializer_range": self.initializer_range,
        })
        return config
