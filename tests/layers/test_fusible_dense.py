"""FusibleDense: Keras' Dense values, and on TensorFlow a graph oneDNN fuses with bias and GELU."""

import os
import platform
import subprocess
import sys

import keras
import numpy as np
import pytest

from albert_keras.activations import get_activation
from albert_keras.layers.fusible_dense import FusibleDense


def _pair(hidden_act, units=6):
    keras.utils.set_random_seed(3)
    ours = FusibleDense(units, hidden_act=hidden_act, bias_initializer="random_normal")
    reference = keras.layers.Dense(units, activation=hidden_act and get_activation(hidden_act))
    ours.build((None, None, 5))
    reference.build((None, None, 5))
    reference.set_weights(ours.get_weights())
    return ours, reference


@pytest.mark.parametrize("hidden_act", [None, "gelu_new", "gelu", "relu"])
@pytest.mark.parametrize("shape", [(2, 3, 5), (3, 5), (1, 2, 4, 5)])
def test_values_are_keras_dense_values(hidden_act, shape):
    ours, reference = _pair(hidden_act)
    x = np.random.default_rng(0).normal(size=shape).astype("float32") * 3
    got = keras.ops.convert_to_numpy(ours(x))
    assert got.shape == shape[:-1] + (6,)
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(reference(x)), atol=2e-6)


def test_dynamic_batch_and_length_keep_the_static_width():
    tf = pytest.importorskip("tensorflow")
    if keras.backend.backend() != "tensorflow":
        pytest.skip("the 2-D form is the TensorFlow backend's")
    ours, reference = _pair(None)
    function = tf.function(ours, input_signature=[tf.TensorSpec((None, None, 5), tf.float32)])
    graph_output = function.get_concrete_function().outputs[0]
    assert graph_output.shape.as_list() == [None, None, 6]
    x = np.ones((4, 7, 5), "float32")
    np.testing.assert_allclose(function(x).numpy(), reference(x).numpy(), atol=2e-6)


def test_serializes_with_its_activation_by_name():
    ours, _ = _pair("gelu_new")
    copy = keras.layers.deserialize(keras.layers.serialize(ours))
    assert isinstance(copy, FusibleDense) and copy.hidden_act == "gelu_new"
    copy.set_weights(ours.get_weights())  # serialize keeps the built shape, not the weights
    x = np.linspace(-3, 3, 30, dtype="float32").reshape(1, 6, 5)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(copy(x)),
                               keras.ops.convert_to_numpy(ours(x)), atol=1e-6)


def test_an_unknown_activation_name_is_refused():
    with pytest.raises(ValueError, match="hidden_act='gelu_fancy' is not supported"):
        FusibleDense(4, hidden_act="gelu_fancy")


def test_weights_and_paths_are_keras_dense_ones():
    ours, reference = _pair(None)
    assert [v.path.split("/")[-1] for v in ours.weights] == ["kernel", "bias"]
    assert [tuple(v.shape) for v in ours.weights] == [tuple(v.shape) for v in reference.weights]


# Runs an AlbertLayer under ONEDNN_VERBOSE and counts the oneDNN products with GELU fused in.
_ONEDNN_PROBE = """
from albert_keras.layers import AlbertLayer
import numpy as np, tensorflow as tf
layer = AlbertLayer(hidden_size=32, num_attention_heads=4, intermediate_size=64,
                    hidden_act="gelu_new")
forward = tf.function(lambda x: layer(x)[0])
forward(np.ones((2, 8, 32), "float32"))
"""


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                    reason="oneDNN's fused kernels are TensorFlow's x86 default")
def test_tensorflow_runs_the_feed_forward_gelu_inside_the_onednn_product():
    env = {**os.environ, "ONEDNN_VERBOSE": "1", "KERAS_BACKEND": "tensorflow"}
    env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    done = subprocess.run([sys.executable, "-c", _ONEDNN_PROBE], env=env, capture_output=True,
                          text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    products = [line for line in done.stdout.splitlines()
                if line.startswith("onednn_verbose") and ",exec," in line
                and ("inner_product" in line or "matmul" in line)]
    assert products, done.stdout[-2000:]
    assert any("eltwise_gelu_tanh" in line for line in products), products[:5]
