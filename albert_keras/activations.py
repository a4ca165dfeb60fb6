"""The feed-forward activations transformers' ALBERT accepts, by its `hidden_act` names."""

import math

from keras import ops


def _gelu(x):
    """Exact GELU with erf (transformers' "gelu")."""
    return 0.5 * x * (1.0 + ops.erf(x / math.sqrt(2.0)))


def _gelu_new(x):
    """Tanh-approximate GELU (transformers' "gelu_new", used by every ALBERT v2)."""
    return 0.5 * x * (1.0 + ops.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * ops.power(x, 3))))


def _gelu_fast(x):
    """transformers' "gelu_fast": the tanh approximation with folded constants."""
    return 0.5 * x * (1.0 + ops.tanh(x * 0.7978845608 * (1.0 + 0.044715 * x * x)))


def _quick_gelu(x):
    """transformers' "quick_gelu": x * sigmoid(1.702 x)."""
    return x * ops.sigmoid(1.702 * x)


# Name -> function; every name is one transformers' ACT2FN accepts with the same formula.
ACTIVATIONS = {
    "gelu": _gelu,
    "gelu_python": _gelu,
    "gelu_new": _gelu_new,
    "gelu_pytorch_tanh": _gelu_new,
    "gelu_accurate": _gelu_new,
    "gelu_fast": _gelu_fast,
    "quick_gelu": _quick_gelu,
    "relu": ops.relu,
    "relu6": ops.relu6,
    "silu": ops.silu,
    "swish": ops.silu,
    "tanh": ops.tanh,
    "sigmoid": ops.sigmoid,
    "mish": lambda x: x * ops.tanh(ops.softplus(x)),
    "linear": lambda x: x,
}


def get_activation(name: str):
    """The activation function called `name`; a ValueError lists the known names."""
    if name not in ACTIVATIONS:
        raise ValueError(f"hidden_act={name!r} is not supported; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
