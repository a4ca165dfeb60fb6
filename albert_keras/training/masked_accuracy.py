"""`MaskedAccuracy`: accuracy over the labels that are scored (not -100), for the MLM and SOP heads.

Example:
>>> import numpy as np
>>> metric = MaskedAccuracy()
>>> metric.update_state(np.array([[1, -100, 0]]), np.array([[[0., 1.], [1., 0.], [0., 1.]]]))
>>> float(metric.result())
0.5
"""

import keras
from keras import ops


class MaskedAccuracy(keras.metrics.Metric):
    """Accuracy of argmax(logits) over the labels that are not -100."""

    def __init__(self, name="masked_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable((), initializer="zeros", name="correct")
        self.count = self.add_variable((), initializer="zeros", name="count")

    def update_state(self, labels, logits, sample_weight=None):
        labels = ops.cast(labels, "int32")
        keep = ops.not_equal(labels, -100)
        hits = ops.logical_and(keep, ops.equal(ops.cast(ops.argmax(logits, -1), "int32"), labels))
        self.correct.assign_add(ops.sum(ops.cast(hits, "float32")))
        self.count.assign_add(ops.sum(ops.cast(keep, "float32")))

    def result(self):
        return self.correct / ops.maximum(self.count, 1.0)
