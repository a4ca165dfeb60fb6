"""resize_rows: a built layer's vocabulary-sized weight grown or cut along its first axis."""

import numpy as np
from keras import ops


def resize_rows(layer, attribute, new_rows, initializer):
    """Replaces `layer.<attribute>` by a variable of `new_rows` rows; kept rows keep their values.

    Rows past the old size are drawn from `initializer`, as transformers'
    `resize_token_embeddings` initialises new tokens. A built Keras layer locks its
    state, so the variable is swapped the way Keras' own `Embedding.quantize` swaps
    its table: unlock the tracker, delete the attribute (which untracks it), add the
    new weight, lock again. An optimizer built before the swap still holds slots of
    the old shape: resize before `compile`.

    Returns the new variable.
    """
    old = getattr(layer, attribute)
    values = ops.convert_to_numpy(old)
    new_shape = (int(new_rows),) + tuple(values.shape[1:])
    fresh = np.asarray(ops.convert_to_numpy(initializer(new_shape, dtype=old.dtype)))
    keep = min(values.shape[0], new_shape[0])
    fresh[:keep] = values[:keep]
    name, trainable = old.name, old.trainable
    # Private Keras tracker: a built layer has no public way to replace one of its weights.
    layer._tracker.unlock()
    try:
        delattr(layer, attribute)
        variable = layer.add_weight(shape=new_shape, initializer="zeros", dtype=old.dtype,
                                    trainable=trainable, name=name)
        setattr(layer, attribute, variable)
    finally:
        layer._tracker.lock()
    variable.assign(fresh)
    return variable
