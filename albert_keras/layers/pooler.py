"""AlbertPooler: tanh dense on the [CLS] position."""

import keras

from albert_keras.layers.initializers import normal_initializer


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertPooler(keras.layers.Dense):
    """`tanh(W h_[CLS] + b)`: the sentence vector the classification heads read.

    A Dense layer (transformers' `albert.pooler` is a bare Linear) applied to the
    first position only.

    Args:
        hidden_size: int. H.
        initializer_range: float. Defaults to 0.02.

    Example:
    >>> import numpy as np
    >>> tuple(AlbertPooler(32)(np.zeros((2, 5, 32), "float32")).shape)
    (2, 32)
    """

    def __init__(self, hidden_size, initializer_range=0.02, **kwargs):
        kwargs.pop("units", None)
        kwargs.pop("activation", None)
        kwargs.pop("kernel_initializer", None)
        super().__init__(hidden_size, activation="tanh",
                         kernel_initializer=normal_initializer(initializer_range), **kwargs)
        self.hidden_size = hidden_size
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        super().build((None, self.hidden_size))

    def call(self, sequence_output):
        return super().call(sequence_output[:, 0])  # (batch, H)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.hidden_size)

    def get_config(self):
        config = super().get_config()
        config.update({"hidden_size": self.hidden_size,
                       "initializer_range": self.initializer_range})
        return config
