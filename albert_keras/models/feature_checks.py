"""The token features checked at the model boundary: shapes, ids in range, a 0/1 mask; eagerly in
numpy, in a traced TensorFlow graph by asserts, and where a compiler drops asserts (XLA, JAX's
jit) by NaN outputs for the invalid examples. Backend-neutral: TensorFlow is imported only on
the TensorFlow backend."""

import contextlib
import contextvars

import keras
import numpy as np
from keras import ops

from albert_keras.config import check_id_range, check_mask_values

SHAPED_LIKE_IDS = ("attention_mask", "token_type_ids", "position_ids")
_VALUES_CHECKED = contextvars.ContextVar("albert_keras_values_checked", default=False)


@contextlib.contextmanager
def values_checked_by_caller():
    """Within it, a model checks the features' shapes and dtypes but not their values.

    For a caller that checked the values itself, eagerly and with a message naming the
    place (the pipelines' Keras runtime does, before its traced forward pass): the graph
    then holds no second range check.
    """
    token = _VALUES_CHECKED.set(True)
    try:
        yield
    finally:
        _VALUES_CHECKED.reset(token)


def check_features(features, config, values=True):
    """Clear errors for inputs transformers would reject, or that would be silently wrong.

    Out-of-range ids would be clamped by a graph's gather (a wrong answer, no error), a
    mask of shape (1, 1) would broadcast over every token, and a mask of -1 or 0.5 gives
    NaN or a half-attended token; all are refused here.

    - Shapes and dtypes: checked whenever they are known (also on symbolic Keras tensors).
    - Values, eagerly: in numpy, a ValueError naming the value and its place, e.g.
      `token id 30001 >= vocab_size 30000 (input_ids[0, 5])`.
    - Values and unknown shapes in a traced graph (`tf.function`, a SavedModel
      signature): `tf.debugging.Assert`s that the features then depend on; the call
      fails with an InvalidArgumentError carrying the same message.
    - Under XLA (`jit_compile=True`) asserts are compiled away and no error can be
      raised, so `valid` is a (batch,) bool tensor instead: the caller sets every float
      output of an invalid example to NaN (`poison_invalid`), visibly wrong rather than
      a plausible answer from clamped ids. A shape mismatch poisons the whole batch.
      The same on JAX under `jit` (traced values cannot raise) and on torch under
      `torch.compile`.

    Args:
        features: dict of the call's features (`input_ids`, `attention_mask`, ...).
        config: `AlbertConfig`. The vocabularies and `max_position_embeddings`.
        values: bool. Also check the values (False: shapes only, for a head that
            hands the features to a backbone which checks them). Defaults to True.

    Returns:
        `(features, valid)`: the features (made to depend on the asserts in a graph;
        lists become arrays) and, under XLA only, the per-example validity, else None.
    """
    ids, embeds = features["input_ids"], features["inputs_embeds"]
    if (ids is None) == (embeds is None):
        raise ValueError("Specify exactly one of input_ids and inputs_embeds")
    features = {k: (v if v is None or hasattr(v, "shape") else np.asarray(v))
                for k, v in features.items()}
    name = "input_ids" if features["input_ids"] is not None else "inputs_embeds"
    shape = tuple(features[name].shape)
    shape = shape if name == "input_ids" else shape[:-1]  # (batch, [choices,] seq)
    seq_len = shape[-1] if shape else None
    if seq_len is not None and seq_len > config.max_position_embeddings:
        raise ValueError(f"sequence length {seq_len} > max_position_embeddings "
                         f"{config.max_position_embeddings}; truncate the input")
    _check_dtypes(features)
    for key in SHAPED_LIKE_IDS:
        if features[key] is not None:
            check_static_shape(key, tuple(features[key].shape), name, shape)
    if any(keras.backend.is_keras_tensor(v) for v in features.values() if v is not None):
        return features, None  # symbolic (functional API): no values yet
    checks = _value_checks(features, config) if values and not _VALUES_CHECKED.get() else []
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf  # the TensorFlow backend only

        if not tf.executing_eagerly():
            # local: TensorFlow, on the TensorFlow backend only
            from albert_keras.models.graph_feature_checks import check_in_graph

            return check_in_graph(features, name, checks, config.max_position_embeddings)
    elif _traced(features.values()):
        return features, _valid_examples(features, checks)
    for key, what, limit, field in checks:
        value = ops.convert_to_numpy(features[key])
        if limit is None:
            check_mask_values(value, key)
        else:
            check_id_range(value, what, limit, field, key)
    return features, None


def check_static_shape(key, got, name, want):
    """A ValueError when a feature's known shape differs from the ids' (position_ids: or 1)."""
    if len(got) != len(want):
        raise ValueError(f"{key} shape {got} != {name} shape {want}: the ranks differ")
    for i, (g, w) in enumerate(zip(got, want)):
        # position_ids of (1, seq) broadcast over the batch, as in transformers.
        if g is None or w is None or g == w or (key == "position_ids" and g == 1
                                                 and i < len(got) - 1):
            continue
        raise ValueError(f"{key} shape {got} != {name} shape {want}")


def poison_invalid(outputs, valid):
    """Each float output of an invalid example set to NaN (`valid`: (batch,) bool)."""
    def poison(value):
        if isinstance(value, (tuple, list)):
            return type(value)(poison(v) for v in value)
        if value is None or "float" not in keras.backend.standardize_dtype(value.dtype):
            return value
        keep = ops.reshape(valid, (-1,) + (1,) * (len(value.shape) - 1))
        return ops.where(keep, value, ops.full_like(value, float("nan")))
    return {k: poison(v) for k, v in outputs.items()}


def _traced(values):
    """True when a value is being traced by JAX's jit or torch.compile (it cannot raise)."""
    backend = keras.backend.backend()
    if backend == "jax":
        from jax.core import Tracer  # local: optional dependency, on the JAX backend only

        return any(isinstance(v, Tracer) for v in values)
    if backend == "torch":
        import torch  # local: optional dependency, on the torch backend only

        return torch.compiler.is_compiling()
    return False


def _valid_examples(features, checks):
    """(batch,) bool: True where an example's values pass every check (keras.ops)."""
    valid = None
    for key, _, limit, _ in checks:
        value = features[key]
        if keras.backend.standardize_dtype(value.dtype) == "bool":
            continue
        if limit is None:
            bad = ops.logical_and(ops.not_equal(value, 0), ops.not_equal(value, 1))
        else:
            bad = ops.logical_or(ops.less(value, 0), ops.greater_equal(value, limit))
        per_example = ops.any(ops.reshape(bad, (ops.shape(bad)[0], -1)), axis=1)
        if key == "position_ids":  # (1, seq) belongs to every example
            per_example = ops.any(per_example)
        ok = ops.logical_not(per_example)
        valid = ok if valid is None else ops.logical_and(valid, ok)
    return valid


def _check_dtypes(features):
    """A TypeError for ids that are not integers or a mask that is not numeric."""
    for key in ("input_ids", "token_type_ids", "position_ids", "attention_mask"):
        value = features[key]
        if value is None:
            continue
        dtype = "object" if str(value.dtype) == "object" else \
            keras.backend.standardize_dtype(value.dtype)
        if key != "attention_mask" and "int" not in dtype:
            raise TypeError(f"{key} must be an integer tensor, got dtype {dtype}")
        if key == "attention_mask" and not any(k in dtype for k in ("int", "float", "bool")):
            raise TypeError(f"attention_mask must be a numeric tensor, got dtype {dtype}")


def _value_checks(features, config):
    """(feature, what, limit, field) of each value check present; limit None: a 0/1 mask."""
    checks = [("input_ids", "token id", config.vocab_size, "vocab_size"),
              ("token_type_ids", "token type id", config.type_vocab_size, "type_vocab_size"),
              ("position_ids", "position id", config.max_position_embeddings,
               "max_position_embeddings"),
              ("attention_mask", None, None, None)]
    return [c for c in checks if features[c[0]] is not None]


