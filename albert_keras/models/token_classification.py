"""AlbertForTokenClassification: dropout + dense on every token."""

import keras

from albert_keras.layers.initializers import normal_initializer
from albert_keras.models.losses import masked_cross_entropy
from albert_keras.models.outputs import TokenClassifierOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForTokenClassification(AlbertTaskModel):
    """ALBERT with a per-token classifier (NER, POS); no pooler, as in transformers.

    Labels: `labels` (batch, seq), -100 on tokens that are not scored (sub-words
    after the first, special tokens, padding).

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForTokenClassification
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4,
    ...                       intermediate_size=37, num_labels=5)
    >>> tuple(AlbertForTokenClassification(config)(np.array([[2, 9, 3]])).logits.shape)
    (1, 3, 5)
    """

    output_class = TokenClassifierOutput
    architecture = "AlbertForTokenClassification"
    add_pooling_layer = False

    def _create_head(self, config):
        rate = config.classifier_dropout_prob
        if rate is None:
            rate = config.hidden_dropout_prob
        self.dropout = keras.layers.Dropout(rate, dtype=self.dtype_policy)
        self.classifier = keras.layers.Dense(
            config.num_labels, kernel_initializer=normal_initializer(config.initializer_range),
            name="classifier", dtype=self.dtype_policy)

    def _build_weights(self):
        self.classifier.build((None, None, self.config.hidden_size))

    def _head(self, backbone, training):
        sequence = self.dropout(backbone["last_hidden_state"], training=training)
        return {"logits": self.classifier(sequence)}

    def _loss(self, labels, outputs):
        return masked_cross_entropy(labels["labels"], outputs["logits"])
