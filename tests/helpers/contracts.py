"""Contract checks that make each layer / model test one line (keras-hub's run_*_test idea)."""

import inspect
import os

import keras
import numpy as np
import tensorflow as tf


def to_numpy(value):
    """A tensor or variable of any Keras backend as numpy (a torch tensor may require grad)."""
    return keras.ops.convert_to_numpy(value)


def check_layer(cls, kwargs, args, expected_shape):
    """Config round trip (every __init__ argument in get_config) and the output shape."""
    layer = cls(**kwargs)
    output = layer(*args)
    first = output[0] if isinstance(output, (tuple, list)) else output
    assert tuple(first.shape) == tuple(expected_shape)
    config = layer.get_config()
    init_args = set(inspect.signature(cls.__init__).parameters) - {"self", "kwargs",
                                                                   "layer_kwargs"}
    assert init_args <= set(config), f"get_config lacks {init_args - set(config)}"
    clone = cls.from_config(config)
    clone(*args)
    clone.set_weights(layer.get_weights())
    again = clone(*args)
    again = again[0] if isinstance(again, (tuple, list)) else again
    np.testing.assert_allclose(to_numpy(again), to_numpy(first), atol=1e-6)
    return layer


def outputs_equal(a, b, atol=1e-6):
    assert list(a.keys()) == list(b.keys())
    for key in a:
        np.testing.assert_allclose(to_numpy(a[key]), to_numpy(b[key]), atol=atol,
                                   err_msg=key)


def check_task_model(cls, config, inputs, labels, tmp_path):
    """Config round trip, `.keras` round trip, variable length, and `fit` on a tf.data dataset."""
    model = cls(config)
    reference = model(**inputs)
    # get_config / from_config: same architecture, and the same outputs once weights are copied.
    clone = cls.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    outputs_equal(clone(**inputs), reference)
    # .keras: the saved file reloads to the same class and outputs.
    path = os.path.join(str(tmp_path), "model.keras")
    model.save(path)
    restored = keras.saving.load_model(path)
    assert type(restored) is cls
    outputs_equal(restored(**inputs), reference)
    # A shorter sequence runs (no shape baked in).
    short = {k: v[..., :-2] for k, v in inputs.items()}
    model(**short)
    # fit: compile without a loss -> transformers' loss on labels given as y.
    dataset = tf.data.Dataset.from_tensor_slices((inputs, labels)).batch(2).repeat()
    model.compile(optimizer=keras.optimizers.Adam(1e-3))
    before = [to_numpy(w).copy() for w in model.trainable_weights]
    history = model.fit(dataset, steps_per_epoch=3, epochs=2, verbose=0)
    losses = history.history["loss"]
    assert all(np.isfinite(losses)), losses
    after = model.trainable_weights
    assert any(not np.allclose(b, to_numpy(a)) for b, a in zip(before, after))
    return model, losses
