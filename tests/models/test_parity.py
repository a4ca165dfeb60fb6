"""Reference parity: every task model against transformers' PyTorch twin, every output to 1e-5."""

import pytest

from tests.conftest import ARCHITECTURES
from tests.helpers.reference import TORCH_TASKS, assert_matches_transformers


@pytest.mark.parametrize("architecture", sorted(ARCHITECTURES))
@pytest.mark.parametrize("task", TORCH_TASKS)
def test_tiny_architectures_match_transformers(task, architecture, tmp_path):
    config = dict(ARCHITECTURES[architecture])
    if task == "AlbertForQuestionAnswering":
        config["num_labels"] = 2
    if task == "AlbertForPreTraining":
        config["num_labels"] = 2  # transformers' SOP loss views the logits as (-1, 2)
    assert_matches_transformers(task, config, tmp_path)
