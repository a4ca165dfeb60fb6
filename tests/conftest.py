"""Shared fixtures: tiny odd-sized configs whose every dimension differs, so a swap fails.

Default (non-slow) tests read nothing beside the repository: an audit hook fails any
that opens or lists a path under the repository's parent outside it (temporary
folders, the Python installation and caches excepted). The slow learning tests read
the full data sets from $ALBERT_KERAS_DATA, which the rest of the suite never sees.
"""

import os
import pathlib
import sys
import tempfile

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never reach a model hub

# Before anything imports TensorFlow, as in a user's program: albert_keras then sets TensorFlow's
# oneDNN default (albert_keras/__init__.py), so the parity tests run on the kernels users get.
import albert_keras  # noqa: F401

# vocab 99, E 16, H 32, heads 4 (head 8), intermediate 37, 4 layers in 2 groups x 2 inner.
TINY = {"vocab_size": 99, "embedding_size": 16, "hidden_size": 32, "num_hidden_layers": 4,
        "num_hidden_groups": 2, "inner_group_num": 2, "num_attention_heads": 4,
        "intermediate_size": 37, "max_position_embeddings": 23, "type_vocab_size": 2,
        "hidden_act": "gelu_new", "hidden_dropout_prob": 0.0,
        "attention_probs_dropout_prob": 0.0, "num_labels": 3}

ARCHITECTURES = {
    "groups2x2": TINY,
    "e_equals_h": dict(TINY, embedding_size=32, num_hidden_layers=3, num_hidden_groups=1,
                       inner_group_num=1, hidden_act="gelu"),
    "single_layer": dict(TINY, num_hidden_layers=1, num_hidden_groups=1, inner_group_num=1,
                         hidden_act="relu", num_attention_heads=2),
}


REPO = pathlib.Path(__file__).resolve().parents[1]
FULL_DATA = os.environ.pop("ALBERT_KERAS_DATA", None)  # for tests/training/test_learning.py
OUTSIDE_READS = []  # paths beside the repository that the running default test touched
_WATCHING = [False]
_ALLOWED = {str(pathlib.Path(p).resolve()) for p in (
    tempfile.gettempdir(), sys.prefix, sys.base_prefix, sys.exec_prefix,
    os.environ.get("HF_HOME", pathlib.Path.home() / ".cache"), *sys.path) if p}
# What lay beside the repository when the run began (CI's data folder, a sibling clone, ...),
# less the Python installation, caches and temporary files (a clone may live in /tmp).
_BESIDE = tuple(str(REPO.parent / name) + os.sep for name in os.listdir(REPO.parent)
                if name != REPO.name and str(REPO.parent / name) not in _ALLOWED
                and not name.startswith(("pytest-of-", "tmp", "__autograph", "__pycache__")))


def outside_repo(path):
    """True for a path in something that lay beside the repository when the run began
    (not the Python installation, a cache or a temporary file)."""
    return (os.path.abspath(os.fsdecode(path)) + os.sep).startswith(_BESIDE)


def _audit(event, args):
    if _WATCHING[0] and event in ("open", "os.listdir", "os.scandir") and args and \
            isinstance(args[0], (str, bytes, os.PathLike)) and outside_repo(args[0]):
        OUTSIDE_READS.append(os.fsdecode(args[0]))


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _reads_inside_the_repo(request):
    """Fails a default test that read beside the repository (a data folder beside the clone)."""
    OUTSIDE_READS.clear()
    _WATCHING[0] = request.node.get_closest_marker("slow") is None
    yield
    _WATCHING[0] = False
    if OUTSIDE_READS:
        pytest.fail(f"this default test read outside the repository: {OUTSIDE_READS[:3]}; "
                    "ship a sample in tests/data, or mark it slow and read $ALBERT_KERAS_DATA",
                    pytrace=False)


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state, so a learning test cannot flake."""
    import keras

    keras.utils.set_random_seed(0)


@pytest.fixture
def tiny_config_kwargs():
    return dict(TINY)
