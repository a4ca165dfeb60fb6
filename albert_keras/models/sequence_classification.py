"""AlbertForSequenceClassification: dropout + dense on the pooled output."""

import keras

from albert_keras.layers.initializers import normal_initializer
from albert_keras.models.losses import (sequence_classification_loss,
                                        sequence_classification_losses)
from albert_keras.models.outputs import SequenceClassifierOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForSequenceClassification(AlbertTaskModel):
    """ALBERT with a classification (or regression) head on the pooled [CLS] vector.

    `config.num_labels` sets the width; the loss follows `config.problem_type`
    ("regression", "single_label_classification", "multi_label_classification"),
    or is inferred as transformers does when it is None. `out.loss` has one loss
    per example, (batch,), as transformers' TF head; a row labelled -100 gets 0.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForSequenceClassification
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4,
    ...                       intermediate_size=37, num_labels=3)
    >>> tuple(AlbertForSequenceClassification(config)(np.array([[2, 9, 3]])).logits.shape)
    (1, 3)
    """

    output_class = SequenceClassifierOutput
    architecture = "AlbertForSequenceClassification"

    def _create_head(self, config):
        self.dropout = keras.layers.Dropout(config.classifier_dropout_prob,
                                            dtype=self.dtype_policy)
        self.classifier = keras.layers.Dense(
            config.num_labels, kernel_initializer=normal_initializer(config.initializer_range),
            name="classifier", dtype=self.dtype_policy)

    def _build_weights(self):
        self.classifier.build((None, self.config.hidden_size))

    def _head(self, backbone, training):
        pooled = self.dropout(backbone["pooler_output"], training=training)
        return {"logits": self.classifier(pooled)}

    def _loss(self, labels, outputs):
        return sequence_classification_loss(labels["labels"], outputs["logits"],
                                            self.config.num_labels, self.config.problem_type)

    def _output_loss(self, labels, outputs):
        return sequence_classification_losses(labels["labels"], outputs["logits"],
                                              self.config.num_labels, self.config.problem_type)
