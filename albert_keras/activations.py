"""The feed-forward activations transformers' ALBERT accepts, by its `hidden_act` names.

Keras is imported when an activation first runs, not with this module, so that
`AlbertConfig` validates `hidden_act` without loading TensorFlow.
"""

import math


def _ops():
    """keras.ops, imported on first use."""
    from keras import ops  # local: Keras (TensorFlow); AlbertConfig checks hidden_act without it

    return ops


def _gelu(x):
    """Exact GELU with erf (transformers' "gelu")."""
    return 0.5 * x * (1.0 + _ops().erf(x / math.sqrt(2.0)))


def _gelu_new(x):
    """Tanh-approximate GELU (transformers' "gelu_new", used by every ALBERT v2).

    Keras' `gelu(approximate=True)`, the same formula: one fused kernel on JAX and PyTorch; on
    TensorFlow `tf.nn.gelu`, the pattern the graph optimizer fuses into the preceding oneDNN
    matrix product (`FusibleDense`) and the TFLite converter turns into one GELU op.
    """
    return _ops().gelu(x, approximate=True)


def _gelu_fast(x):
    """transformers' "gelu_fast": the tanh approximation with folded constants."""
    return 0.5 * x * (1.0 + _ops().tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))


def _quick_gelu(x):
    """transformers' "quick_gelu": x * sigmoid(1.702 x)."""
    return x * _ops().sigmoid(1.702 * x)


def _keras_op(name):
    """The keras.ops function `name`, looked up when called."""
    return lambda x: getattr(_ops(), name)(x)


# Name -> function; every name is one transformers' ACT2FN accepts with the same formula.
ACTIVATIONS = {
    "gelu": _gelu,
    "gelu_python": _gelu,
    "gelu_new": _gelu_new,
    "gelu_pytorch_tanh": _gelu_new,
    "gelu_accurate": _gelu_new,
    "gelu_fast": _gelu_fast,
    "quick_gelu": _quick_gelu,
    "relu": _keras_op("relu"),
    "relu6": _keras_op("relu6"),
    "silu": _keras_op("silu"),
    "swish": _keras_op("silu"),
    "tanh": _keras_op("tanh"),
    "sigmoid": _keras_op("sigmoid"),
    "mish": lambda x: x * _ops().tanh(_ops().softplus(x)),
    "linear": lambda x: x,
}


def get_activation(name: str):
    """The activation function called `name`; a ValueError lists the known names."""
    if name not in ACTIVATIONS:
        raise ValueError(f"hidden_act={name!r} is not supported; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
