"""LayerNorm: Keras' LayerNormalization, with a NEG-free form that the int8/int16 TFLite export traces."""

import contextlib
import contextvars

import keras
from keras import ops

# Set by `mean_first_form()` for the calls in its block (this thread / task only).
_MEAN_FIRST_FORM = contextvars.ContextVar("albert_keras_layer_norm_mean_first", default=False)


@contextlib.contextmanager
def mean_first_form():
    """Every `LayerNorm` called inside the block computes its subtract-mean-first form.

    What the int8/int16 TFLite export traces under; a context (not a walk over the model's
    layers) so that no Keras-private layer traversal is needed to reach each LayerNorm.
    """
    token = _MEAN_FIRST_FORM.set(True)
    try:
        yield
    finally:
        _MEAN_FIRST_FORM.reset(token)


@keras.saving.register_keras_serializable(package="albert_keras")
class LayerNorm(keras.layers.LayerNormalization):
    """`keras.layers.LayerNormalization` over the last axis, plus an integer-friendly form.

    By default it is Keras' layer, value for value (the transformers parity tests run
    at 1e-5 on full-size models, where a different float32 rounding order is already
    visible). The weights (`gamma`, `beta`), variable paths and config are Keras', so
    checkpoints and `.keras` files load unchanged.

    With `subtract_mean_first = True`, or inside `mean_first_form()` (which
    `albert_keras.export` enters only while it traces the full-integer TFLite graphs), it
    computes `(x - mean) * (rsqrt(var + eps) * gamma)
    + beta` with `var = mean((x - mean)^2)`, the same values within ~1e-6. Keras' form
    `x * inv + (-mean * inv + beta)` from `tf.nn.moments` lowers to NEG and
    SQUARED_DIFFERENCE: int8 has no NEG kernel (each LayerNorm fell back to float
    through a DEQUANTIZE/QUANTIZE pair) and LiteRT has no int16 SQUARED_DIFFERENCE
    kernel. This form is MEAN, SUB, MUL, ADD and RSQRT only.

    Args:
        epsilon: float. Added to the variance. Defaults to 1e-3 (Keras' default; the
            ALBERT blocks pass `layer_norm_eps`).
        **kwargs: the other `keras.layers.LayerNormalization` arguments; only `axis=-1`
            without `rms_scaling` is supported.

    Call arguments:
        inputs: (..., features) float tensor.

    Returns:
        The normalised tensor, same shape, in the layer's compute dtype.

    Example:
    >>> import numpy as np
    >>> layer = LayerNorm(epsilon=1e-12)
    >>> x = np.array([[1.0, 2.0, 3.0]], "float32")
    >>> np.round(np.asarray(layer(x), "float64"), 4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    >>> with mean_first_form():
    ...     np.round(np.asarray(layer(x), "float64"), 4).tolist()
    [[-1.2247, 0.0, 1.2247]]
    """

    def __init__(self, epsilon=1e-3, **kwargs):
        super().__init__(epsilon=epsilon, **kwargs)
        if self.axis not in (-1, [-1]) or self.rms_scaling:
            raise ValueError(f"LayerNorm supports axis=-1 without rms_scaling, got "
                             f"axis={self.axis}, rms_scaling={self.rms_scaling}")
        self.subtract_mean_first = False  # a tracing switch, not configuration

    def call(self, inputs):
        if not (self.subtract_mean_first or _MEAN_FIRST_FORM.get()):
            return super().call(inputs)
        # At least float32, as Keras' layer_normalization does for half-precision inputs.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        mean = ops.mean(x, axis=-1, keepdims=True)  # (..., 1)
        centered = x - mean
        variance = ops.mean(centered * centered, axis=-1, keepdims=True)  # (..., 1)
        scale = ops.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            scale = scale * ops.cast(self.gamma, x.dtype)  # (..., features)
        outputs = centered * scale
        if self.beta is not None:
            outputs = outputs + ops.cast(self.beta, x.dtype)
        return ops.cast(outputs, self.compute_dtype)
