"""The TensorFlow-only pieces refuse other backends with one error naming the backend.

On TensorFlow the backend check is pointed at "jax"; tests/test_backends.py runs this file on
the real JAX and torch backends too.
"""

import keras
import pytest

import albert_keras
from albert_keras import export
from albert_keras.shipped import shipped_path


@pytest.fixture
def other_backend(monkeypatch):
    backend = keras.backend.backend()
    if backend == "tensorflow":
        backend = "jax"
        monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    return backend


def _spiece():
    with open(shipped_path("albert-tiny-en") + "/spiece.model", "rb") as file:
        return file.read()


@pytest.mark.parametrize("what, call", [
    ("export_tflite", lambda out: export.export_tflite("albert-tiny-en-sst2", out,
                                                       "text-classification")),
    ("export_saved_model", lambda out: export.export_saved_model("albert-tiny-en-sst2", out,
                                                                 "text-classification")),
    ("AlbertTokenizerLayer", lambda out: albert_keras.AlbertTokenizerLayer(_spiece())),
])
def test_tensorflow_only_pieces_name_the_backend(what, call, other_backend, tmp_path):
    with pytest.raises(RuntimeError, match=rf"{what} .*runs on Keras' TensorFlow backend only, "
                                           rf"and Keras runs on '{other_backend}'"):
        call(str(tmp_path / "out"))
    assert not (tmp_path / "out").exists()  # refused before writing anything
