"""The weight initializer ALBERT uses everywhere: a normal of stddev `initializer_range`."""

import keras


def normal_initializer(stddev):
    """transformers initialises Linear and Embedding weights from N(0, stddev).

    Call it once per weight: Keras 3 gives an unseeded initializer one fixed seed, so an
    instance shared by several layers draws the same values for each of them (query, key
    and value kernels were equal, and TFLite's converter then merged their projections).
    """
    return keras.initializers.RandomNormal(stddev=stddev)
