"""Runs for tests/test_backend_distribution.py, each in a process of its own.

`python -m tests.helpers.backend_distribution distribute FOLDER RUN...` (JAX, two host devices
from XLA_FLAGS): the same SGD steps for each RUN, `one_device`, `data_parallel` or
`model_parallel` (a LayoutMap) -> `<RUN>.npz` (losses, weights, each variable's sharding).
`... mixed FOLDER POLICY...`: float32 logits, then each mixed policy's logits on the same
weights and a fit with no loss -> `<policy>.npz`.
The runs record what happened; the test compares them.
"""

import os
import sys

import numpy as np

TASK = "AlbertForSequenceClassification"


def _config():
    from tests.conftest import TINY

    return dict(TINY, num_labels=2)


def _model():
    import keras

    import albert_keras

    keras.utils.set_random_seed(0)
    return albert_keras.AlbertForSequenceClassification(albert_keras.AlbertConfig(**_config()))


def _batch():
    from tests.helpers.reference import make_batch

    inputs, labels = make_batch(TASK, _config(), batch=8, seq=8)
    return {k: v.astype("int32") for k, v in inputs.items()}, labels["labels"].astype("int32")


def _layout_map(keras, mesh):
    """Shards the embedding table and every dense kernel of the shared layer groups."""
    layout = keras.distribution.LayoutMap(mesh)
    layout[".*word_embeddings/embeddings"] = (None, "model")
    layout[".*attention/(query|key|value)/kernel"] = (None, "model")
    layout[".*attention/(query|key|value)/bias"] = ("model",)
    layout[".*attention/dense/kernel"] = ("model", None)
    layout[".*ffn/kernel"] = ("model", None)  # (H, I): I is odd in TINY, H is not
    layout[".*ffn_output/kernel"] = (None, "model")
    return layout


def _distribution(keras, name):
    devices = keras.distribution.list_devices()
    if name == "one_device":
        return None
    if name == "data_parallel":
        return keras.distribution.DataParallel(devices=devices)
    mesh = keras.distribution.DeviceMesh((1, len(devices)), ["batch", "model"], devices)
    return keras.distribution.ModelParallel(layout_map=_layout_map(keras, mesh),
                                            batch_dim_name="batch")


def distribute(folder, *names):
    import keras

    devices = keras.distribution.list_devices()
    inputs, labels = _batch()
    for name in names:
        keras.distribution.set_distribution(_distribution(keras, name))
        model = _model()
        model.compile(optimizer=keras.optimizers.SGD(0.1))
        history = model.fit(inputs, labels, batch_size=4, epochs=2, shuffle=False, verbose=0)
        variables = model.trainable_variables
        np.savez(os.path.join(folder, f"{name}.npz"), losses=history.history["loss"],
                 devices=len(devices), paths=[v.path for v in variables],
                 specs=[str(getattr(v.value.sharding, "spec", "")) for v in variables],
                 spans=[len(v.value.sharding.device_set) for v in variables],
                 **{f"w{i}": keras.ops.convert_to_numpy(v) for i, v in enumerate(variables)})
    keras.distribution.set_distribution(None)


def mixed(folder, *policies):
    import keras

    inputs, labels = _batch()
    reference = _model()
    np.save(os.path.join(folder, "float32.npy"),
            keras.ops.convert_to_numpy(reference(**inputs).logits))
    for policy in policies:
        keras.mixed_precision.set_global_policy(policy)
        model = _model()
        model(**inputs)  # builds it
        model.set_weights(reference.get_weights())
        logits = model(**inputs).logits
        model.compile(optimizer=keras.optimizers.Adam(3e-3))
        history = model.fit(inputs, labels, batch_size=8, epochs=8, verbose=0)
        np.savez(os.path.join(folder, f"{policy}.npz"),
                 logits=keras.ops.convert_to_numpy(keras.ops.cast(logits, "float32")),
                 logits_dtype=keras.backend.standardize_dtype(logits.dtype),
                 variable_dtypes=sorted({v.dtype for v in model.weights}),
                 compute_dtypes=sorted({layer.compute_dtype for layer in model._flatten_layers()}),
                 losses=history.history["loss"], optimizer=type(model.optimizer).__name__)
    keras.mixed_precision.set_global_policy("float32")


if __name__ == "__main__":
    {"distribute": distribute, "mixed": mixed}[sys.argv[1]](*sys.argv[2:])
