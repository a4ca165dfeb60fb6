"""The token features checked at the model boundary: shapes, ids in range, a 0/1 mask; eagerly in
numpy, in a traced graph by asserts, and under XLA by NaN outputs for the invalid examples."""

import keras
import numpy as np
import tensorflow as tf

from albert_keras.config import check_id_range, check_mask_values

SHAPED_LIKE_IDS = ("attention_mask", "token_type_ids", "position_ids")


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
    checks = _value_checks(features, config) if values else []
    if tf.executing_eagerly():
        for key, what, limit, field in checks:
            if limit is None:
                check_mask_values(np.asarray(features[key]), key)
            else:
                check_id_range(np.asarray(features[key]), what, limit, field, key)
        return features, None
    return _check_in_graph(features, name, checks, config.max_position_embeddings)


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
        if value is None or not value.dtype.is_floating:
            return value
        keep = tf.reshape(valid, [-1] + [1] * (len(value.shape) - 1))
        return tf.where(keep, value, tf.constant(float("nan"), value.dtype))
    return {k: poison(v) for k, v in outputs.items()}


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


def _in_xla():
    """True while tracing a function XLA compiles.

    TensorFlow has no public way to ask. It matters because XLA compiles Assert to a
    no-op (tensorflow/compiler/tf2xla/kernels/assert_op.cc) and cannot compile the
    string ops that build the messages.
    """
    from tensorflow.python.ops import control_flow_util

    return control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())


def _check_in_graph(features, name, checks, max_positions):
    """Shape and value checks as graph ops: asserts, or under XLA a per-example validity."""
    want = tf.shape(features[name])
    want = want[:-1] if name == "inputs_embeds" else want
    xla = _in_xla()
    batch_ok = tf.less_equal(want[-1], max_positions)  # a scalar for the whole batch
    asserts = [] if xla else [_assert(batch_ok, lambda: tf.strings.join(
        ["sequence length ", tf.strings.as_string(want[-1]),
         f" > max_position_embeddings {max_positions}; truncate the input"]))]
    for key in SHAPED_LIKE_IDS:
        if features[key] is None:
            continue
        got = tf.shape(features[key])
        same = tf.equal(got, want)
        if key == "position_ids":  # (1, seq) broadcasts over the batch
            same = same | tf.concat([tf.equal(got[:-1], 1), [False]], 0)
        ok = tf.reduce_all(same)
        batch_ok = batch_ok & ok
        if not xla:
            asserts.append(_assert(ok, lambda got=got, key=key: tf.strings.join(
                [f"{key} shape ", _as_list(got), f" != {name} shape ", _as_list(want)])))
    valid = tf.fill(tf.shape(features[name])[:1], True)  # (batch,)
    with tf.control_dependencies(asserts):  # shapes first: the value messages index by them
        for key, what, limit, field in checks:
            value = tf.convert_to_tensor(features[key])
            if value.dtype == tf.bool:
                continue
            if limit is None:
                bad = tf.not_equal(value, 0) & tf.not_equal(value, 1)
                message = _mask_message(value, bad, key)
            else:
                bad = value < 0
                if limit <= value.dtype.max:
                    bad = bad | (value >= limit)
                message = _range_message(value, bad, what, limit, field, key)
            if xla:
                per_example = tf.reduce_any(tf.reshape(bad, [tf.shape(bad)[0], -1]), axis=1)
                # position_ids of (1, seq) belong to every example
                valid = valid & tf.logical_not(per_example if key != "position_ids"
                                               else tf.reduce_any(per_example))
            else:
                asserts.append(_assert(tf.logical_not(tf.reduce_any(bad)), message))
    if xla:
        return features, valid & batch_ok
    with tf.control_dependencies(asserts):
        features = {k: (v if v is None else tf.identity(v)) for k, v in features.items()}
    return features, None


def _assert(ok, message):
    """tf.debugging.Assert whose message is built only when the check fails."""
    text = tf.cond(ok, lambda: tf.constant(""), message)
    return tf.debugging.Assert(ok, [text])


def _as_list(vector):
    """An int vector as the string "[2, 7]"."""
    return tf.strings.join(["[", tf.strings.reduce_join(tf.strings.as_string(vector),
                                                        separator=", "), "]"])


def _first_bad(bad):
    """The first True position of `bad`, and it as the string "0, 5"."""
    index = tf.where(bad)[0]
    return index, tf.strings.reduce_join(tf.strings.as_string(index), separator=", ")


def _range_message(values, bad, what, limit, field, key):
    """Builds `token id 99 >= vocab_size 99 (input_ids[0, 5])` for the first bad id."""
    def message():
        index, text = _first_bad(bad)
        value = tf.gather_nd(values, index)
        relation = tf.where(value >= 0, f" >= {field} {limit} (", " < 0 (")
        return tf.strings.join([f"{what} ", tf.strings.as_string(value), relation,
                                f"{key}[", text, "])"])
    return message


def _mask_message(mask, bad, key):
    """Builds `attention_mask values must be 0 or 1, got -1 (attention_mask[1, 3])`."""
    def message():
        index, text = _first_bad(bad)
        value = tf.cast(tf.gather_nd(mask, index), tf.float64)
        return tf.strings.join([f"{key} values must be 0 or 1, got ",
                                tf.strings.as_string(value, shortest=True),
                                f" ({key}[", text, "])"])
    return message
