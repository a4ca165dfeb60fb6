"""AlbertForMaskedLM: the MLM head (tied to the word table) on the sequence output."""

import keras

from albert_keras.layers import AlbertMLMHead
from albert_keras.models.losses import masked_cross_entropy
from albert_keras.models.outputs import MaskedLMOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForMaskedLM(AlbertTaskModel):
    """ALBERT with a masked-language-model head (no pooler, as in transformers).

    Labels: `labels` (batch, seq) token ids, -100 where no prediction is scored.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForMaskedLM
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
    >>> tuple(AlbertForMaskedLM(config)(np.array([[2, 4, 3]])).logits.shape)
    (1, 3, 99)
    """

    output_class = MaskedLMOutput
    architecture = "AlbertForMaskedLM"
    add_pooling_layer = False

    def _create_head(self, config):
        self.predictions = AlbertMLMHead(
            config.vocab_size, config.embedding_size, config.hidden_size, config.hidden_act,
            layer_norm_eps=config.layer_norm_eps, initializer_range=config.initializer_range,
            name="predictions", dtype=self.dtype_policy)

    def _build_weights(self):
        self.predictions.build()

    def _head(self, backbone, training):
        table = self.albert.embeddings.word_embeddings.embeddings
        return {"logits": self.predictions(backbone["last_hidden_state"], table)}

    def _loss(self, labels, outputs):
        return masked_cross_entropy(labels["labels"], outputs["logits"])
