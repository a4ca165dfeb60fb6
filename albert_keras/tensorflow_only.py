"""The one error of the pieces that run on Keras' TensorFlow backend only.

The SavedModel and TFLite exporters and the in-graph tokenizer layer build TensorFlow graphs;
the models, pipelines and training run on every backend, and weights saved on any backend
(`save_pretrained`, `.keras`) load on TensorFlow for export.
"""


def require_tensorflow_backend(what):
    """Raises RuntimeError naming `what` and the backend unless Keras runs on TensorFlow."""
    import keras  # here: importing the exporters' names loads neither Keras nor TensorFlow

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{what} runs on Keras' TensorFlow backend only, and Keras runs on {backend!r} "
            f"here (KERAS_BACKEND={backend}); run it in a process started with "
            "KERAS_BACKEND=tensorflow (weights saved with save_pretrained or .keras on any "
            "backend load there)")
