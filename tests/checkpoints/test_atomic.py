"""Atomic writes: all or nothing, and files readable as a plain write would leave them."""

import os
import stat

import pytest

from albert_keras.checkpoints.atomic import atomic_directory, atomic_write_bytes


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_written_files_and_folders_get_the_umask_mode(tmp_path):
    umask = os.umask(0o022)
    try:
        atomic_write_bytes(str(tmp_path / "a.bin"), b"x")
        with atomic_directory(str(tmp_path / "model")) as tmp:
            with open(os.path.join(tmp, "config.json"), "w") as handle:
                handle.write("{}")
    finally:
        os.umask(umask)
    assert _mode(tmp_path / "a.bin") == 0o644  # mkstemp alone gives 0600
    assert _mode(tmp_path / "model") == 0o755  # mkdtemp alone gives 0700
    assert (tmp_path / "a.bin").read_bytes() == b"x"


def test_a_failed_write_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError):
        with atomic_directory(str(tmp_path / "model")) as tmp:
            with open(os.path.join(tmp, "model.safetensors"), "wb") as handle:
                handle.write(b"half")
            raise RuntimeError("crash")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("max_shard_size", [None, "4KB"])
def test_saved_weights_get_the_umask_mode(tmp_path, max_shard_size):
    """safetensors' save_file alone writes 0600: a model folder shared with other users (or
    shipped in a package) must be readable as any other file."""
    from albert_keras import AlbertConfig, AlbertModel

    model = AlbertModel(AlbertConfig(vocab_size=100, embedding_size=8, hidden_size=16,
                                     num_attention_heads=2, intermediate_size=32,
                                     max_position_embeddings=16))
    umask = os.umask(0o022)
    try:
        model.save_pretrained(str(tmp_path / "model"), max_shard_size=max_shard_size)
    finally:
        os.umask(umask)
    weights = [n for n in os.listdir(tmp_path / "model") if n.endswith(".safetensors")]
    assert (len(weights) == 1) == (max_shard_size is None) and weights
    assert {n: _mode(tmp_path / "model" / n) for n in weights} == {n: 0o644 for n in weights}
