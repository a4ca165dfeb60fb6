"""The five TFLite quantization modes as data, and the representative dataset for calibration."""

import dataclasses

import numpy as np
import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class Mode:
    """One quantization mode: converter settings plus the verification bounds it must meet.

    Args:
        name: str. `float32`, `float16`, `dynamic`, `int8` or `int16x8`.
        optimize: bool. Sets `converter.optimizations = [tf.lite.Optimize.DEFAULT]`.
        supported_types: tuple of tf.DType. `target_spec.supported_types`.
        ops: tuple of tf.lite.OpsSet. `target_spec.supported_ops` (builtin ops only).
        calibrate: bool. Needs a representative dataset.
        max_abs_diff: float or None. Largest allowed |artifact - Keras| on any output.
        min_cosine: float. Smallest allowed cosine similarity of each output with Keras.
        min_label_agreement: float. Smallest allowed share of equal predicted labels.
        dense_weights_per_tensor: bool. One int8 scale per dense weight matrix instead of
            one per output channel. TF 2.21's per-channel dense weights make
            FULLY_CONNECTED version 12, which the TFLite runtime of the Task Library 0.4.4
            (Android `tensorflow-lite-task-text:0.4.4`) refuses; per tensor it is version 9.
            int16x8 needs it too: per channel, its quantizer fails on the MLM decoder tied
            to the word embeddings ("Mismatch between number of weight maxs and channels").
        mask_check: str or None. What a mask value other than 0 or 1 does in the file
            (`signatures.tflite_outputs`): `"nan"` (NaN outputs for that example),
            `"refuse"` (GATHER refuses it: int8's quantized outputs cannot be NaN), or None.
    """

    name: str
    optimize: bool = False
    supported_types: tuple = ()
    ops: tuple = (tf.lite.OpsSet.TFLITE_BUILTINS,)
    calibrate: bool = False
    max_abs_diff: float = None
    min_cosine: float = 0.0
    min_label_agreement: float = 0.0
    dense_weights_per_tensor: bool = False
    mask_check: str = "nan"

    @property
    def int16_activations(self):
        """True for 16x8 (int16 activations, int8 weights)."""
        return tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 in self.ops

    def configure(self, converter, representative_dataset=None):
        """Applies this mode's settings to a `tf.lite.TFLiteConverter`."""
        converter.target_spec.supported_ops = list(self.ops)
        if self.optimize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        if self.dense_weights_per_tensor:
            # Private converter flag: TFLiteConverter has no public option for per-tensor
            # dense weights since the converter made them per channel by default; this flag
            # is the switch TensorFlow's own tflite-micro points users to
            # (tensorflow/tflite-micro#2602; google-ai-edge/LiteRT#3596).
            converter._experimental_disable_per_channel_quantization_for_dense_layers = True
        if self.supported_types:
            converter.target_spec.supported_types = list(self.supported_types)
        if self.calibrate:
            if representative_dataset is None:
                raise ValueError(f"quantization mode {self.name!r} needs a representative "
                                 "dataset of real text (calibration_texts)")
            converter.representative_dataset = representative_dataset
        return converter


# Bounds are the export's own acceptance test: generous enough for a quantized model,
# tight enough that a weightless or NaN file (TF 2.21's default lowering) fails. float32 is
# the 1e-4 parity bound; the others lie below the lowest agreement and cosine measured on
# the shipped models over the default verification text, with a margin (figures in
# albert_keras/export/README.md, "Verification"); float16 and dynamic stay loose for random tiny models,
# whose labels sit within 1e-3 of a tie.
MODES = {
    "float32": Mode("float32", max_abs_diff=1e-4, min_cosine=0.99999, min_label_agreement=1.0),
    "float16": Mode("float16", optimize=True, supported_types=(tf.float16,), min_cosine=0.999,
                    min_label_agreement=0.9),
    "dynamic": Mode("dynamic", optimize=True, min_cosine=0.9, min_label_agreement=0.5,
                    dense_weights_per_tensor=True),
    "int8": Mode("int8", optimize=True, calibrate=True,
                 ops=(tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS),
                 min_cosine=0.98, min_label_agreement=0.7, mask_check="refuse"),
    "int16x8": Mode("int16x8", optimize=True, calibrate=True, ops=(
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8,
        tf.lite.OpsSet.TFLITE_BUILTINS), min_cosine=0.995, min_label_agreement=0.9,
        dense_weights_per_tensor=True, mask_check=None),  # no mask check: its calibration
    # failed on both ("Max and min for dynamic tensors should be recorded": the mask's REDUCE_MAX
    # for "nan", the int32 mask itself for "refuse")
}


def resolve_modes(quantize):
    """`"all"`, one mode name, or a list of names -> list of `Mode`."""
    names = list(MODES) if quantize in (None, "all") else (
        [quantize] if isinstance(quantize, str) else list(quantize))
    unknown = [n for n in names if n not in MODES]
    if unknown:
        raise ValueError(f"unknown quantization mode(s) {unknown}; choose from "
                         f"{list(MODES)} or 'all'")
    return [MODES[n] for n in names]


def representative_dataset(features, signature_key, limit=100):
    """A calibration generator over real tokenized text.

    Samples are `(signature_key, {input name: array})`, which the calibrator maps to the
    model's inputs by name. (A plain list is taken in the TFLite file's input order,
    which is not the signature's: a list in name order fed the all-zero `segment_ids`
    as the attention mask, and the quantized mask then masked nothing.)

    Args:
        features: dict of int32 arrays (num_examples, ...) keyed by the TFLite input
            names (`ids`, `mask`, `segment_ids`).
        signature_key: str. The converted signature, e.g. `serving_default`.
        limit: int. At most this many samples. Defaults to 100.

    Returns:
        A zero-argument callable yielding `(signature_key, dict of (1, ...) int32 arrays)`.
    """
    count = min(limit, len(next(iter(features.values()))))

    def generate():
        for i in range(count):
            yield signature_key, {name: np.asarray(values[i:i + 1], np.int32)
                                  for name, values in features.items()}

    return generate
