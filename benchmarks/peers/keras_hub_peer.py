"""keras-hub: `AlbertTextClassifier` from a preset folder holding the same weights."""

import numpy as np

from benchmarks.peers import require_keras_backend
from benchmarks.peers.timing import keras_fit_step_seconds, keras_step_stamps, step_intervals


class KerasHub:
    """keras-hub's classifier; `jit_compile` picks XLA for forward and `fit`."""

    def __init__(self, jit_compile):
        self.jit_compile = jit_compile

    def load(self, where):
        import keras_hub
        import tensorflow as tf

        self.preset = str(where["keras_hub"])
        self.classifier = classifier = keras_hub.models.AlbertTextClassifier.from_preset(
            self.preset, preprocessor=None)
        self._forward = tf.function(
            lambda ids, mask: classifier({"token_ids": ids, "padding_mask": mask,
                                          "segment_ids": tf.zeros_like(ids)}),
            jit_compile=self.jit_compile)

    def forward(self, input_ids, attention_mask):
        return self._forward(input_ids, attention_mask).numpy()

    def classify(self, sentences, batch_size):
        """As keras-hub's guide does: a preprocessor on the classifier, `predict` on strings.

        keras-hub's default sequence length for this preset is 512; 128 is what a
        user sets for short text (0.9 sentences/s at 512 here).
        """
        import keras_hub

        if not hasattr(self, "_text_classifier"):
            preprocessor = keras_hub.models.AlbertTextClassifierPreprocessor.from_preset(
                self.preset, sequence_length=128)
            self._text_classifier = keras_hub.models.AlbertTextClassifier.from_preset(
                self.preset, preprocessor=preprocessor)
            self._text_classifier.compile(jit_compile=self.jit_compile)
        logits = self._text_classifier.predict(sentences, batch_size=batch_size, verbose=0)
        return np.argmax(logits, axis=-1)

    def train_step_seconds(self, batch, seq, steps):
        """Seconds per `fit` step: Adam, sparse cross-entropy on logits, token-id inputs."""
        import keras
        import tensorflow as tf

        from benchmarks.workload import token_batch

        ids, mask = token_batch(batch * steps, seq, 30000)
        labels = (np.arange(batch * steps) % 2).astype("int32")
        data = tf.data.Dataset.from_tensor_slices((
            {"token_ids": ids, "padding_mask": mask, "segment_ids": np.zeros_like(ids)},
            labels)).batch(batch)
        self.classifier.compile(
            optimizer=keras.optimizers.Adam(2e-5), jit_compile=self.jit_compile,
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        stamps = keras_step_stamps()
        self.classifier.fit(data, epochs=1, verbose=0, callbacks=[stamps])
        return step_intervals(stamps.times)


class KerasHubBackend:
    """keras-hub's classifier on the Keras backend `backend`, as `AlbertKerasBackend` runs ours.

    `compile()` with Keras' default compilation (XLA on JAX, eager on PyTorch),
    `predict_on_batch` for inference, `fit` on NumPy arrays.
    """

    def __init__(self, backend):
        self.backend = backend

    def load(self, where):
        require_keras_backend(self.backend)
        import keras_hub

        self.classifier = keras_hub.models.AlbertTextClassifier.from_preset(
            str(where["keras_hub"]), preprocessor=None)
        self.classifier.compile()

    def forward(self, input_ids, attention_mask):
        return self.classifier.predict_on_batch({"token_ids": input_ids,
                                                 "padding_mask": attention_mask,
                                                 "segment_ids": np.zeros_like(input_ids)})

    def train_step_seconds(self, batch, seq, steps):
        """Seconds per `fit` step: Adam, sparse cross-entropy on logits, token-id inputs."""
        import keras

        from benchmarks.workload import token_batch

        ids, mask = token_batch(batch * steps, seq, self.classifier.backbone.vocabulary_size)
        features = {"token_ids": ids, "padding_mask": mask, "segment_ids": np.zeros_like(ids)}
        self.classifier.compile(optimizer=keras.optimizers.Adam(2e-5),
                                loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return keras_fit_step_seconds(self.classifier, features,
                                      (np.arange(batch * steps) % 2).astype("int32"), batch)
