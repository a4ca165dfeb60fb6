"""TFLiteConverter settings per mode: fixed sequence length, batch 1, builtin ops only."""

import contextlib
import os
import tempfile

import keras
import tensorflow as tf

from albert_keras.models import albert_model

from . import signatures


def tflite_function(model, task, sequence_length, num_choices):
    """(function, input signature) of the TFLite graph: int32 `ids`/`mask`/`segment_ids`.

    Batch 1 and a fixed length, as the Task Library's BertNLClassifier and
    BertQuestionAnswerer require (static inputs, the same length for all three).
    """
    shape = signatures.input_shape(task, sequence_length, num_choices, batch_size=1)
    spec = [tf.TensorSpec(shape, tf.int32, name=n) for n in signatures.TFLITE_INPUTS]

    def serve(ids, mask, segment_ids):
        return signatures.tflite_outputs(model, task, ids, mask, segment_ids)

    return serve, spec


def convert(model, task, mode, sequence_length, num_choices=None, calibration=None):
    """Converts a Keras task model to a TFLite flatbuffer in one quantization mode.

    The graph goes through `keras.export.ExportArchive` (which tracks every weight) and
    `TFLiteConverter.from_saved_model`: TF 2.21's default lowering of a concrete function
    or of a plain `tf.saved_model.save` loses the Keras 3 weights (a 0.34 MB file that
    outputs NaN), and `from_keras_model` fails on this model.

    Args:
        model: albert_keras task model.
        task: str. Pipeline task name.
        mode: `quantization.Mode`.
        sequence_length: int. Fixed token length.
        num_choices: int. Choices per example (multiple-choice only).
        calibration: dict of int32 arrays keyed by `ids`/`mask`/`segment_ids`, each
            (examples, ...) without the batch axis of 1: the representative set for
            `int8`/`int16x8`.

    Returns:
        bytes of the .tflite file (no metadata yet).
    """
    from .quantization import representative_dataset

    serve, spec = tflite_function(model, task, sequence_length, num_choices)
    with tempfile.TemporaryDirectory(prefix="albert-tflite-") as tmp:
        path = os.path.join(tmp, "saved_model")
        with quantizable_graph(mode):  # tracing happens in write_out
            archive = keras.export.ExportArchive()
            archive.track(model)
            archive.add_endpoint("serving_default", serve, input_signature=spec)
            archive.write_out(path, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(path, ["serving_default"])
        dataset = None
        if mode.calibrate and calibration is not None:
            order = saved_model_input_order(path)
            dataset = representative_dataset(calibration, order)
        mode.configure(converter, dataset)
        return converter.convert()


def saved_model_input_order(path):
    """Input names in the order the converter feeds the representative dataset."""
    loaded = tf.saved_model.load(path)
    _, kwargs = loaded.signatures["serving_default"].structured_input_signature
    # The converter orders signature inputs by name (as the SignatureDef map does).
    return sorted(kwargs)


@contextlib.contextmanager
def quantizable_graph(mode):
    """Traces the calibrated modes with two float-equivalent substitutions.

    1. A -1e4 additive attention mask. `AlbertModel` adds float32's minimum (-3.4e38,
       transformers parity) at padding. In float that equals -1e4 (exp underflows to 0
       either way), but full-integer quantization puts the mask and the scores into one
       int8/int16 range: calibrated over [-3.4e38, 0] the LiteRT kernels abort (SIGABRT).
    2. For int16 activations, LayerNorm's variance as mean(d * d) with d = x - mean (SUB,
       MUL) instead of TF's SQUARED_DIFFERENCE: the 16x8 quantizer marks
       SQUARED_DIFFERENCE int16, but LiteRT has no int16 kernel for it ("SquaredDifference
       only supports FLOAT32 and INT32") and the file fails at run time.
    """
    if not mode.calibrate:
        yield
        return
    from keras.src.backend.tensorflow import nn as tf_nn

    saved_mask, saved_moments = albert_model._MASK_MIN["float32"], tf_nn.moments
    albert_model._MASK_MIN["float32"] = -10000.0
    if mode.int16_activations:
        tf_nn.moments = _moments_without_squared_difference
    try:
        yield
    finally:
        albert_model._MASK_MIN["float32"], tf_nn.moments = saved_mask, saved_moments


def _moments_without_squared_difference(x, axes, keepdims=False, synchronized=False):
    """`tf.nn.moments` built from SUB and MUL (the same values in float32)."""
    mean = tf.reduce_mean(x, axes, keepdims=True)
    centered = x - mean
    variance = tf.reduce_mean(centered * centered, axes, keepdims=True)
    if not keepdims:
        mean, variance = tf.squeeze(mean, axes), tf.squeeze(variance, axes)
    return mean, variance
