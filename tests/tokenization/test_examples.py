"""The `Example:` blocks in the tokenization docstrings run and give what they show."""

import doctest
import importlib

import pytest


@pytest.mark.parametrize("module", ["tokenizer", "special_tokens", "graph_tokenizer",
                                    "task_library_spiece"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(f"albert_keras.tokenization.{module}")
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0
