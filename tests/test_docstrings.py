"""Every `Example:` in the core modules runs as written (doctest)."""

import doctest
import importlib

import pytest

MODULES = [
    "albert_keras.config", "albert_keras.layers.embeddings",
    "albert_keras.layers.attention", "albert_keras.layers.albert_layer",
    "albert_keras.layers.transformer", "albert_keras.layers.pooler",
    "albert_keras.layers.mlm_head", "albert_keras.layers.sop_head",
    "albert_keras.layers.layer_norm",
    "albert_keras.models.outputs", "albert_keras.models.albert_model",
    "albert_keras.models.pretraining", "albert_keras.models.masked_lm",
    "albert_keras.models.sequence_classification", "albert_keras.models.multiple_choice",
    "albert_keras.models.token_classification", "albert_keras.models.question_answering",
    "albert_keras.checkpoints.atomic", "albert_keras.pipelines.runtimes",
    "albert_keras.metrics.masked_lm", "albert_keras.tasks", "albert_keras.hub",
    "albert_keras.training.optimization",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0, f"{name} has no example"
    assert result.failed == 0
