"""TFLiteConverter settings per mode: batch 1 at a fixed sequence length (or any batch and length), builtin ops only."""

import contextlib
import os
import tempfile

import keras
import tensorflow as tf

from albert_keras import models as albert_models
from albert_keras.layers.layer_norm import mean_first_form

from . import signatures
from .quantization import representative_dataset


def tflite_function(model, task, sequence_length, num_choices, mask_check="nan"):
    """(function, input signature) of the TFLite graph: int32 `ids`/`mask`/`segment_ids`.

    Batch 1 and a fixed length, as the Task Library's BertNLClassifier and
    BertQuestionAnswerer require (static inputs, the same length for all three). With
    `sequence_length=None` (an any-length file, which the Task Library does not read) the
    batch is free too, so a runtime can run a whole length-sorted batch in one call.
    `mask_check`: what an invalid mask does (`signatures.tflite_outputs`).
    """
    batch_size = None if sequence_length is None else 1
    shape = signatures.input_shape(task, sequence_length, num_choices, batch_size=batch_size)
    spec = [tf.TensorSpec(shape, tf.int32, name=n) for n in signatures.TFLITE_INPUTS]

    def serve(ids, mask, segment_ids):
        return signatures.tflite_outputs(model, task, ids, mask, segment_ids, mask_check)

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
    serve, spec = tflite_function(model, task, sequence_length, num_choices, mode.mask_check)
    with tempfile.TemporaryDirectory(prefix="albert-tflite-") as tmp:
        path = os.path.join(tmp, "saved_model")
        with quantizable_graph(model, mode):  # tracing happens in write_out
            archive = keras.export.ExportArchive()
            archive.track(model)
            archive.add_endpoint("serving_default", serve, input_signature=spec)
            archive.write_out(path, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(path, ["serving_default"])
        dataset = None
        if mode.calibrate and calibration is not None:
            dataset = representative_dataset(calibration, "serving_default")
        mode.configure(converter, dataset)
        return converter.convert()


# Added to padding scores in the calibrated modes (AlbertModel.attention_mask_value).
QUANTIZED_MASK_VALUE = -30.0


@contextlib.contextmanager
def quantizable_graph(model, mode):
    """Traces the calibrated modes with two float-equivalent substitutions.

    1. A -30 additive attention mask (`AlbertModel.attention_mask_value`). The model adds
       float32's minimum (-3.4e38, transformers parity) at padding; full-integer
       quantization puts the mask and the scores into one int8/int16 range, so that range
       must stay narrow: over [-3.4e38, 0] the LiteRT kernels abort, and over [-1e4, 0]
       an int8 step is 39, which rounds every real score to the same value (the figures
       are in export/README.md). exp(-30) < 1e-13, so padding keeps no weight.
    2. Every `albert_keras.layers.LayerNorm` in its `subtract_mean_first` form (MEAN, SUB,
       MUL, ADD, RSQRT; values within ~1e-6): Keras' form lowers to NEG, which has no int8
       kernel (a DEQUANTIZE -> NEG -> QUANTIZE float round trip in each LayerNorm), and to
       SQUARED_DIFFERENCE, which LiteRT has no int16 kernel for ("SquaredDifference only
       supports FLOAT32 and INT32": the 16x8 file failed at run time).
    """
    if not mode.calibrate:
        yield
        return
    backbone = model if isinstance(model, albert_models.AlbertModel) else model.albert
    # The backbone's own constructor argument, set for the trace and restored: a twin built
    # with `AlbertModel(attention_mask_value=-30)` would hold a second copy of every weight.
    saved_value = backbone.attention_mask_value
    backbone.attention_mask_value = QUANTIZED_MASK_VALUE
    try:
        with mean_first_form():
            yield
    finally:
        backbone.attention_mask_value = saved_value
