"""One predict interface over the places a model can live (a Keras model now; SavedModel / TFLite plug in)."""

import numpy as np
import tensorflow as tf


class KerasRuntime:
    """Runs a Keras ALBERT model on numpy features and returns numpy outputs.

    The forward pass is one `tf.function` with a fully dynamic signature
    (batch and sequence of any size), so batches of different lengths never
    retrace it.

    Args:
        model: an `AlbertPreTrainedModel`.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForMaskedLM
    >>> runtime = KerasRuntime(AlbertForMaskedLM(AlbertConfig(
    ...     vocab_size=99, embedding_size=16, hidden_size=32, num_hidden_layers=2,
    ...     num_attention_heads=4, intermediate_size=37)))
    >>> runtime({"input_ids": np.array([[2, 4, 3]]), "attention_mask": np.ones((1, 3)),
    ...          "token_type_ids": np.zeros((1, 3))})["logits"].shape
    (1, 3, 99)
    """

    def __init__(self, model):
        self.model = model
        self.config = model.config
        rank = 3 if type(model).__name__ == "AlbertForMultipleChoice" else 2
        spec = tf.TensorSpec([None] * rank, tf.int32)
        self._forward = tf.function(self._call, input_signature=[spec, spec, spec])

    def _call(self, input_ids, attention_mask, token_type_ids):
        return dict(self.model(input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids))

    def __call__(self, features):
        """`features`: dict of int arrays `input_ids`, `attention_mask`, `token_type_ids`."""
        self.model._check_range(np.asarray(features["input_ids"]), "token id",
                                self.config.vocab_size, "vocab_size")
        args = [tf.constant(np.asarray(features[k]), tf.int32)
                for k in ("input_ids", "attention_mask", "token_type_ids")]
        return {k: v.numpy() for k, v in self._forward(*args).items()}
