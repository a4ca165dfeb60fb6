"""albert-keras: the Keras model (tf.function, optionally XLA; or on the JAX / PyTorch backend),
its TFLite files, its pipelines."""

import os

import numpy as np

from benchmarks.peers import require_keras_backend
from benchmarks.peers.timing import keras_fit_step_seconds, keras_step_stamps, step_intervals


def _label_ids(results, id2label):
    index = {name: i for i, name in id2label.items()}
    return np.array([index[r["label"]] for r in results])


class AlbertKeras:
    """`AlbertForSequenceClassification.from_pretrained` called in a `tf.function`.

    With `dtype="bfloat16"`, the bfloat16 twin `pipeline(..., dtype="bfloat16")` runs
    (`albert_keras.pipelines.runtimes.with_dtype`).
    """

    def __init__(self, jit_compile, dtype="float32"):
        self.jit_compile = jit_compile
        self.dtype = dtype

    def load(self, where):
        import tensorflow as tf

        from albert_keras import AlbertForSequenceClassification
        from albert_keras.pipelines.runtimes import with_dtype

        self.model = model = with_dtype(
            AlbertForSequenceClassification.from_pretrained(where["model"]), self.dtype)
        self._forward = tf.function(
            lambda ids, mask: tf.cast(model(ids, attention_mask=mask,
                                            token_type_ids=tf.zeros_like(ids)).logits,
                                      tf.float32), jit_compile=self.jit_compile)

    def forward(self, input_ids, attention_mask):
        return self._forward(input_ids, attention_mask).numpy()

    def train_step_seconds(self, batch, seq, steps):
        """Seconds per `fit` step (Adam, transformers' loss, labels in the features dict)."""
        import keras
        import tensorflow as tf

        from benchmarks.workload import token_batch

        ids, mask = token_batch(batch * steps, seq, self.model.config.vocab_size)
        labels = (np.arange(batch * steps) % 2).astype("int32")
        data = tf.data.Dataset.from_tensor_slices(
            {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids),
             "labels": labels}).batch(batch)
        self.model.compile(optimizer=keras.optimizers.Adam(2e-5), jit_compile=self.jit_compile)
        stamps = keras_step_stamps()
        self.model.fit(data, epochs=1, verbose=0, callbacks=[stamps])
        return step_intervals(stamps.times)


class AlbertKerasBackend:
    """`AlbertForSequenceClassification.from_pretrained` on the Keras backend `backend`.

    Written as a user of any backend writes it: `compile()` with Keras' default compilation
    (`jit_compile="auto"`: XLA on JAX, eager on PyTorch), `predict_on_batch` for inference,
    `fit` on NumPy arrays for training (no tf.data).
    """

    def __init__(self, backend):
        self.backend = backend

    def load(self, where):
        require_keras_backend(self.backend)
        from albert_keras import AlbertForSequenceClassification

        self.model = AlbertForSequenceClassification.from_pretrained(where["model"])
        self.model.compile()

    def forward(self, input_ids, attention_mask):
        return self.model.predict_on_batch({"input_ids": input_ids,
                                            "attention_mask": attention_mask,
                                            "token_type_ids": np.zeros_like(input_ids)})["logits"]

    def train_step_seconds(self, batch, seq, steps):
        """Seconds per `fit` step (Adam, transformers' loss, labels in the features dict)."""
        import keras

        from benchmarks.workload import token_batch

        ids, mask = token_batch(batch * steps, seq, self.model.config.vocab_size)
        features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids),
                    "labels": (np.arange(batch * steps) % 2).astype("int32")}
        self.model.compile(optimizer=keras.optimizers.Adam(2e-5))
        return keras_fit_step_seconds(self.model, features, batch_size=batch)


class AlbertTFLite:
    """Our exported `.tflite` file in LiteRT (XNNPACK), batch 1 per invoke, 2 threads."""

    def __init__(self, mode, num_threads=None):
        self.mode = mode
        self.num_threads = num_threads or os.cpu_count()
        self._interpreters = {}

    def load(self, where):
        self.folder = where["tflite"]

    def _interpreter(self, seq):
        if seq not in self._interpreters:
            from ai_edge_litert.interpreter import Interpreter

            path = self.folder / str(seq) / f"albert-text-classification-{self.mode}.tflite"
            if not path.is_file():
                raise FileNotFoundError(f"{path}: no {self.mode} file at length {seq} "
                                        "(the export may have failed: see its report)")
            interpreter = Interpreter(model_path=str(path), num_threads=self.num_threads)
            interpreter.allocate_tensors()
            inputs = {d["name"].split(":")[0].removeprefix("serving_default_"): d["index"]
                      for d in interpreter.get_input_details()}
            self._interpreters[seq] = (interpreter, inputs,
                                       interpreter.get_output_details()[0]["index"])
        return self._interpreters[seq]

    def forward(self, input_ids, attention_mask):
        interpreter, inputs, output = self._interpreter(input_ids.shape[1])
        rows = []
        for ids, mask in zip(input_ids, attention_mask):
            interpreter.set_tensor(inputs["ids"], ids[None])
            interpreter.set_tensor(inputs["mask"], mask[None])
            interpreter.set_tensor(inputs["segment_ids"], np.zeros_like(ids[None]))
            interpreter.invoke()
            rows.append(interpreter.get_tensor(output)[0])
        return np.log(np.stack(rows))  # probabilities -> log-probabilities (logits up to a shift)


class AlbertPipeline:
    """`albert_keras.pipeline("text-classification", model=...)` on one runtime."""

    def __init__(self, runtime, dtype="float32"):
        self.runtime = runtime
        self.dtype = dtype

    def load(self, where):
        import albert_keras

        source = {"keras": where["model"],
                  "saved_model": where["saved_model"] / "classifier" / "1",
                  "float32": where["tflite"] / "any"
                  / "albert-text-classification-float32-any-length.tflite",
                  "dynamic": where["tflite"] / "any"
                  / "albert-text-classification-dynamic-any-length.tflite",
                  }[self.runtime]
        self._make = lambda batch_size: albert_keras.pipeline(
            "text-classification", model=str(source), batch_size=batch_size,
            **({"dtype": self.dtype} if self.dtype != "float32" else {}))
        self._pipelines = {}
        self._pipeline(8)  # the model is read here, so "after load" memory includes it

    def forward(self, input_ids, attention_mask):
        """Token ids through the runtime `pipeline()` built (memory: the library's own path)."""
        runtime = next(iter(self._pipelines.values())).runtime
        return runtime({"input_ids": input_ids, "attention_mask": attention_mask,
                        "token_type_ids": np.zeros_like(input_ids)})["logits"]

    def _pipeline(self, batch_size):
        if batch_size not in self._pipelines:
            self._pipelines[batch_size] = self._make(batch_size)
        return self._pipelines[batch_size]

    def classify(self, sentences, batch_size):
        classifier = self._pipeline(batch_size)
        return _label_ids(classifier(sentences), classifier.config.id2label)
