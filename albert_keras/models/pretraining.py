"""AlbertForPreTraining: MLM head + sentence-order head, summed loss."""

import keras

from albert_keras.layers import AlbertMLMHead, AlbertSOPHead
from albert_keras.models.losses import masked_cross_entropy
from albert_keras.models.outputs import AlbertForPreTrainingOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForPreTraining(AlbertTaskModel):
    """ALBERT with its two pre-training heads: masked LM and sentence-order prediction.

    Labels: `labels` (batch, seq) token ids with -100 where no prediction is scored,
    and `sentence_order_label` (batch,) with 0 = in order, 1 = swapped. The loss is
    the sum of both cross-entropies, as in transformers.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForPreTraining
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
    >>> out = AlbertForPreTraining(config)(np.array([[2, 15, 3, 16, 3]]))
    >>> tuple(out.prediction_logits.shape), tuple(out.sop_logits.shape)
    ((1, 5, 99), (1, 2))
    """

    output_class = AlbertForPreTrainingOutput
    architecture = "AlbertForPreTraining"
    label_names = ("labels", "sentence_order_label")
    main_output = "prediction_logits"

    def _create_head(self, config):
        self.predictions = AlbertMLMHead(
            config.vocab_size, config.embedding_size, config.hidden_size, config.hidden_act,
            layer_norm_eps=config.layer_norm_eps, initializer_range=config.initializer_range,
            name="predictions", dtype=self.dtype_policy)
        self.sop_classifier = AlbertSOPHead(
            config.hidden_size, config.num_labels, dropout=config.classifier_dropout_prob,
            initializer_range=config.initializer_range, name="sop_classifier",
            dtype=self.dtype_policy)

    def _build_weights(self):
        self.predictions.build()
        self.sop_classifier.build()

    def _head(self, backbone, training):
        table = self.albert.embeddings.word_embeddings.embeddings
        return {"prediction_logits": self.predictions(backbone["last_hidden_state"], table),
                "sop_logits": self.sop_classifier(backbone["pooler_output"], training=training)}

    def _loss(self, labels, outputs):
        loss = 0.0
        if "labels" in labels:
            loss = loss + masked_cross_entropy(labels["labels"], outputs["prediction_logits"])
        if "sentence_order_label" in labels:
            loss = loss + masked_cross_entropy(labels["sentence_order_label"],
                                               outputs["sop_logits"])
        return loss
