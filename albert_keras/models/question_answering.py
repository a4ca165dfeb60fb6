"""AlbertForQuestionAnswering: start/end logits for extractive QA."""

import keras

from albert_keras.layers.initializers import normal_initializer
from albert_keras.models.losses import question_answering_loss, question_answering_losses
from albert_keras.models.outputs import QuestionAnsweringModelOutput
from albert_keras.models.task_model import AlbertTaskModel


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertForQuestionAnswering(AlbertTaskModel):
    """ALBERT with a span head: a start and an end score for every token (SQuAD).

    Labels: `start_positions` and `end_positions` (batch,) token indices; positions
    outside the sequence are ignored, as in transformers. `out.loss` is (batch,):
    each example's (start + end) / 2, an ignored position adding 0.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForQuestionAnswering
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
    >>> out = AlbertForQuestionAnswering(config)(np.array([[2, 9, 3, 7, 8, 3]]))
    >>> tuple(out.start_logits.shape), tuple(out.end_logits.shape)
    ((1, 6), (1, 6))
    """

    output_class = QuestionAnsweringModelOutput
    architecture = "AlbertForQuestionAnswering"
    label_names = ("start_positions", "end_positions")
    main_output = "start_logits"
    add_pooling_layer = False

    def _create_head(self, config):
        self.qa_outputs = keras.layers.Dense(
            config.num_labels, kernel_initializer=normal_initializer(config.initializer_range),
            name="qa_outputs", dtype=self.dtype_policy)

    def _build_weights(self):
        self.qa_outputs.build((None, None, self.config.hidden_size))

    def _head(self, backbone, training):
        logits = self.qa_outputs(backbone["last_hidden_state"])  # (batch, seq, 2)
        return {"start_logits": logits[..., 0], "end_logits": logits[..., 1]}

    def _loss(self, labels, outputs, loss=question_answering_loss):
        if set(labels) != set(self.label_names):
            raise ValueError("question answering needs both start_positions and end_positions")
        return loss(labels["start_positions"], labels["end_positions"],
                    outputs["start_logits"], outputs["end_logits"])

    def _output_loss(self, labels, outputs):
        return self._loss(labels, outputs, loss=question_answering_losses)

    def _labels_from(self, x, y):
        if y is not None and not isinstance(y, dict):
            # `fit(x, (start, end))`: a pair in label order.
            start, end = y
            return {"start_positions": start, "end_positions": end}
        return super()._labels_from(x, y)
