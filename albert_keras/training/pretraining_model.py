"""`AlbertPretrainingModel`: AlbertForPreTraining as `pretrain` trains it, with MLM / SOP metrics
and the masked-LM head run only at the scored positions (`prediction_positions`).

As in Google's ALBERT, the masked-LM head runs only at the positions that are scored
(`max_predictions_per_seq`), not at every token: the loss and metrics are the same, and the
step is faster (benchmarks/README.md has the times).
"""

import keras
import tensorflow as tf
from keras import ops

from albert_keras.models import AlbertForPreTraining
from albert_keras.models.losses import IGNORE_INDEX, masked_cross_entropy
from albert_keras.training.masked_accuracy import MaskedAccuracy


def prediction_positions(labels, count):
    """(batch, count) positions to run the masked-LM head at: each row's scored positions
    (label != -100) in order, then unscored ones (whose label -100 is ignored) as filler.

    Example:
    >>> import numpy as np
    >>> prediction_positions(np.array([[-100, 7, -100, 9, -100]]), 3).numpy().tolist()
    [[1, 3, 0]]
    """
    labels = ops.convert_to_tensor(labels)
    order = ops.arange(ops.shape(labels)[1], dtype="int32")
    key = ops.where(ops.not_equal(labels, IGNORE_INDEX), order, order + ops.shape(labels)[1])
    return ops.top_k(-key, count)[1]  # the `count` smallest keys, ascending


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertPretrainingModel(AlbertForPreTraining):
    """AlbertForPreTraining that reports `mlm_accuracy`, `mlm_loss`, `sop_accuracy`, `sop_loss`.

    Same weights and outputs as AlbertForPreTraining (`save_pretrained` writes an
    AlbertForPreTraining checkpoint). Its loss is divided by the replicas in sync,
    as Keras' own losses are, so N replicas step exactly like one on the global batch.

    With `max_predictions_per_seq` set and `labels` among the inputs (as `pretrain`
    feeds them), the masked-LM head runs only at `prediction_positions(labels, N)`:
    `prediction_logits` is (batch, N, vocab) and the loss and metrics score the same
    labels as the full (batch, seq, vocab) logits would. No row may score more than N
    positions (`pretrain` checks its data).

    Example:
    >>> import numpy as np
    >>> from albert_keras.training.tiny import tiny_config
    >>> model = AlbertPretrainingModel(tiny_config(99), max_predictions_per_seq=2)
    >>> labels = np.full((1, 6), -100); labels[0, 2] = 17
    >>> out = model({"input_ids": np.array([[2, 15, 16, 3, 18, 3]]), "labels": labels})
    >>> tuple(out.prediction_logits.shape)
    (1, 2, 99)
    """

    loss_scaled_for_distribution = True  # its compute_loss divides by the replica count

    def __init__(self, config, max_predictions_per_seq=None, **kwargs):
        super().__init__(config, **kwargs)
        if max_predictions_per_seq is not None and max_predictions_per_seq < 1:
            raise ValueError(f"max_predictions_per_seq must be >= 1, got {max_predictions_per_seq}")
        self.max_predictions_per_seq = max_predictions_per_seq

    def _create_layers(self, config):
        super()._create_layers(config)
        # Here, not in __init__: the model is built (and locked) at the end of __init__.
        self.mlm_accuracy = MaskedAccuracy(name="mlm_accuracy")
        self.sop_accuracy = MaskedAccuracy(name="sop_accuracy")
        self.mlm_loss = keras.metrics.Mean(name="mlm_loss")
        self.sop_loss = keras.metrics.Mean(name="sop_loss")
        self._positions = [None]  # set for the length of one call, read by _head

    def get_config(self):
        return {**super().get_config(), "max_predictions_per_seq": self.max_predictions_per_seq}

    def call(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None,
             head_mask=None, inputs_embeds=None, output_attentions=None,
             output_hidden_states=None, return_dict=None, training=False, **labels):
        given = input_ids.get("labels") if isinstance(input_ids, dict) else labels.get("labels")
        if given is not None and self._gathers(ops.convert_to_tensor(given).shape[1]):
            self._positions[0] = prediction_positions(given, self.max_predictions_per_seq)
        try:
            return super().call(input_ids, attention_mask, token_type_ids, position_ids,
                                head_mask, inputs_embeds, output_attentions,
                                output_hidden_states, return_dict, training, **labels)
        finally:
            self._positions[0] = None

    def _gathers(self, seq_len):
        # Gathering as many positions as there are tokens would only reorder them.
        count = self.max_predictions_per_seq
        return bool(count) and (seq_len is None or count < seq_len)

    def _head(self, backbone, training):
        positions = self._positions[0]
        if positions is not None:
            gathered = ops.take_along_axis(backbone["last_hidden_state"],
                                           ops.expand_dims(positions, -1), axis=1)
            backbone = {**backbone, "last_hidden_state": gathered}
        return super()._head(backbone, training)

    def _scored(self, labels, outputs):
        """`labels` at the positions the head ran at, when it ran at fewer than all."""
        mlm = labels.get("labels")
        if mlm is None or outputs["prediction_logits"].shape[1] == mlm.shape[1]:
            return labels
        positions = prediction_positions(mlm, self.max_predictions_per_seq)
        return {**labels, "labels": ops.take_along_axis(mlm, positions, axis=1)}

    def _loss(self, labels, outputs):
        return super()._loss(self._scored(labels, outputs), outputs)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self._loss(self._labels_from(x, y), y_pred)
        if self.losses:
            loss = loss + ops.sum(self.losses)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return loss / replicas if replicas > 1 else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        labels = self._scored(self._labels_from(x, y), y_pred)
        if "labels" in labels:
            self.mlm_accuracy.update_state(labels["labels"], y_pred["prediction_logits"])
            self.mlm_loss.update_state(masked_cross_entropy(labels["labels"],
                                                            y_pred["prediction_logits"]))
        if "sentence_order_label" in labels:
            self.sop_accuracy.update_state(labels["sentence_order_label"], y_pred["sop_logits"])
            self.sop_loss.update_state(masked_cross_entropy(labels["sentence_order_label"],
                                                            y_pred["sop_logits"]))
        return super().compute_metrics(x, y, y_pred, sample_weight)
