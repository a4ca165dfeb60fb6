"""AlbertSOPHead: dropout + classifier on the pooled output (sentence-order prediction)."""

import keras

from albert_keras.layers.initializers import normal_initializer


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertSOPHead(keras.layers.Layer):
    """Sentence-order-prediction head: is segment B really after segment A?

    Transformers sizes this classifier by `config.num_labels` (2 for pre-training).

    Args:
        hidden_size: int. H.
        num_labels: int. Output width. Defaults to 2.
        dropout: float. Dropout before the classifier. Defaults to 0.1.
        initializer_range: float. Defaults to 0.02.

    Example:
    >>> import numpy as np
    >>> tuple(AlbertSOPHead(32)(np.zeros((4, 32), "float32")).shape)
    (4, 2)
    """

    def __init__(self, hidden_size, num_labels=2, dropout=0.1, initializer_range=0.02, **kwargs):
        super().__init__(**kwargs)
        self.dropout = keras.layers.Dropout(dropout, dtype=self.dtype_policy)
        self.classifier = keras.layers.Dense(
            num_labels, kernel_initializer=normal_initializer(initializer_range),
            name="classifier", dtype=self.dtype_policy)
        self.hidden_size = hidden_size
        self.num_labels = num_labels
        self.dropout_rate = dropout
        self.initializer_range = initializer_range

    def build(self, input_shape=None):
        self.classifier.build((None, self.hidden_size))
        self.built = True

    def call(self, pooled_output, training=False):
        return self.classifier(self.dropout(pooled_output, training=training))

    def get_config(self):
        config = super().get_config()
        config.update({"hidden_size": self.hidden_size, "num_labels": self.num_labels,
                       "dropout": self.dropout_rate, "initializer_range": self.initializer_range})
        return config
