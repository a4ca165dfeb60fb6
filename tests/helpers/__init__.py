"""Shared test helpers: reference parity against transformers, Keras contract checks."""
