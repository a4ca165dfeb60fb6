"""The token feature checks as TensorFlow graph ops (`tf.function`, SavedModel signatures, XLA).

TensorFlow only: `feature_checks.check_features` imports this module when it traces a
TensorFlow graph, so the other Keras backends never import TensorFlow for it.
"""

import tensorflow as tf
from tensorflow.python.ops import control_flow_util  # private: see _in_xla

from albert_keras.models.feature_checks import SHAPED_LIKE_IDS


def _in_xla():
    """True while tracing a function XLA compiles.

    TensorFlow has no public way to ask. It matters because XLA compiles Assert to a
    no-op (tensorflow/compiler/tf2xla/kernels/assert_op.cc) and cannot compile the
    string ops that build the messages.
    """
    return control_flow_util.GraphOrParentsInXlaContext(tf.compat.v1.get_default_graph())


def check_in_graph(features, name, checks, max_positions):
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
