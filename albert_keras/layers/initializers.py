"""The weight initializer ALBERT uses everywhere: a normal of stddev `initializer_range`."""

import keras


def normal_initializer(stddev):
    """transformers initialises Linear and Embedding weights from N(0, stddev)."""
    return keras.initializers.RandomNormal(stddev=stddev)
