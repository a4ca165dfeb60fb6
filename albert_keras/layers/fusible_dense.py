"""FusibleDense: Keras' Dense, written on TensorFlow so that oneDNN fuses its bias and activation."""

import keras

from albert_keras.activations import get_activation


@keras.saving.register_keras_serializable(package="albert_keras")
class FusibleDense(keras.layers.Dense):
    """`keras.layers.Dense` whose TensorFlow graph is one 2-D `MatMul` + `BiasAdd`.

    Keras' Dense on a (batch, seq, features) input lowers to `BatchMatMulV2` + `AddV2`, which
    TensorFlow's graph optimizer leaves alone. Written on a 2-D view as `MatMul` + `BiasAdd`,
    the optimizer fuses the bias and a following `gelu(approximate=True)` into the oneDNN
    matrix product, instead of running them as separate element-wise passes. The weights,
    their paths and Keras' config keys are Keras' own, so checkpoints load unchanged.

    On JAX and PyTorch, for quantized or LoRA layers and for inputs of rank 2, it is
    Keras' Dense call, then `hidden_act`.

    Args:
        units: int. Output width.
        hidden_act: str or None. An `albert_keras.activations` name (transformers'
            `hidden_act`, e.g. "gelu_new") applied after the bias; kept by name in the
            config, so the layer serializes. Defaults to None.
        **kwargs: the other `keras.layers.Dense` arguments.

    Example:
    >>> import numpy as np
    >>> layer = FusibleDense(4, kernel_initializer="ones")
    >>> layer(np.ones((2, 3, 5), "float32")).numpy()[0, 0].tolist()
    [5.0, 5.0, 5.0, 5.0]
    """

    def __init__(self, units, hidden_act=None, **kwargs):
        super().__init__(units, **kwargs)
        self.hidden_act = hidden_act
        self._hidden_activation = get_activation(hidden_act) if hidden_act else None

    def _activate(self, outputs):
        return self._hidden_activation(outputs) if self._hidden_activation else outputs

    def call(self, inputs, training=None):
        if (keras.backend.backend() != "tensorflow" or self.quantization_mode is not None
                or self.lora_enabled or self.bias is None or len(inputs.shape) < 3):
            return self._activate(super().call(inputs, training=training))
        import tensorflow as tf  # local: this layer also runs on JAX and PyTorch without TF

        static_shape = inputs.shape
        flat = tf.reshape(inputs, (-1, static_shape[-1]))  # (batch * seq, features)
        outputs = tf.nn.bias_add(tf.matmul(flat, tf.cast(self.kernel, flat.dtype)),
                                 tf.cast(self.bias, flat.dtype))
        if self.activation is not None:
            outputs = self.activation(outputs)
        outputs = self._activate(outputs)
        dynamic_shape = tf.shape(inputs)
        return tf.reshape(outputs, [dim if dim is not None else dynamic_shape[i]
                                    for i, dim in enumerate(static_shape[:-1])] + [self.units])

    def get_config(self):
        config = super().get_config()
        config["hidden_act"] = self.hidden_act
        return config
