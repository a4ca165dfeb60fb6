"""AlbertForMultipleChoice: (batch, choices, seq) -> one score per choice."""

import keras
from keras import ops

from albert_keras.layers.initializers import normal_initializer
from albert_keras.models.losses import masked_cross_entropy, masked_cross_entropy_losses
from albert_keras.models.outputs import MultipleChoiceModelOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForMultipleChoice(AlbertTaskModel):
    """ALBERT scoring each (context, choice) pair with one number on its pooled vector.

    Inputs carry a choice axis, (batch, num_choices, seq); they are flattened to
    (batch * num_choices, seq) for the encoder, as in transformers (so hidden
    states and attentions come out flattened too). Labels: `labels` (batch,).
    `out.loss` is (batch,), one loss per example; a row labelled -100 gets 0.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForMultipleChoice
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
    >>> ids = np.array([[[2, 9, 3, 7, 3], [2, 9, 3, 8, 3]]])  # (batch 1, 2 choices, seq 5)
    >>> tuple(AlbertForMultipleChoice(config)(ids).logits.shape)
    (1, 2)
    """

    output_class = MultipleChoiceModelOutput
    architecture = "AlbertForMultipleChoice"
    input_rank = 3  # (batch, choices, seq)

    def _create_head(self, config):
        self.dropout = keras.layers.Dropout(config.classifier_dropout_prob,
                                            dtype=self.dtype_policy)
        self.classifier = keras.layers.Dense(
            1, kernel_initializer=normal_initializer(config.initializer_range),
            name="classifier", dtype=self.dtype_policy)

    def _build_weights(self):
        self.classifier.build((None, self.config.hidden_size))

    def _forward(self, features, training, output_attentions, output_hidden_states):
        reference = features["input_ids"]
        if reference is None:
            reference = features["inputs_embeds"]
        num_choices = ops.shape(reference)[1]
        flat = {}
        for name, value in features.items():
            if value is None or name == "head_mask":
                flat[name] = value
            elif name == "inputs_embeds":
                flat[name] = ops.reshape(value, (-1,) + tuple(ops.shape(value)[2:]))
            else:
                flat[name] = ops.reshape(value, (-1, ops.shape(value)[-1]))  # (b * c, seq)
        outputs = super()._forward(flat, training, output_attentions, output_hidden_states)
        outputs["logits"] = ops.reshape(outputs["logits"], (-1, num_choices))  # (b, c)
        return outputs

    def _head(self, backbone, training):
        pooled = self.dropout(backbone["pooler_output"], training=training)
        return {"logits": self.classifier(pooled)}  # (batch * choices, 1)

    def _loss(self, labels, outputs):
        return masked_cross_entropy(labels["labels"], outputs["logits"])

    def _output_loss(self, labels, outputs):
        return masked_cross_entropy_losses(labels["labels"], outputs["logits"])
