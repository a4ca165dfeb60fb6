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


def _write(folder, names, replace=False):
    with atomic_directory(str(folder), replace=replace) as tmp:
        for name in names:
            with open(os.path.join(tmp, name), "w") as handle:
                handle.write(name)


def test_replace_swaps_the_whole_folder(tmp_path):
    _write(tmp_path / "model", ["config.json", "spiece.model", "pytorch_model.bin"])
    _write(tmp_path / "model", ["config.json", "model.safetensors"], replace=True)
    assert sorted(os.listdir(tmp_path / "model")) == ["config.json", "model.safetensors"]
    assert os.listdir(tmp_path) == ["model"]  # nothing left aside


def test_without_replace_other_files_stay(tmp_path):
    """save_pretrained into a folder that holds the user's other files keeps them."""
    _write(tmp_path / "model", ["config.json", "notes.txt"])
    _write(tmp_path / "model", ["config.json", "model.safetensors"])
    assert sorted(os.listdir(tmp_path / "model")) == ["config.json", "model.safetensors",
                                                      "notes.txt"]


def test_a_failed_swap_puts_the_old_folder_back(tmp_path, monkeypatch):
    _write(tmp_path / "model", ["config.json", "old.bin"])
    rename, calls = os.rename, []

    def rename_failing_the_new_folder(src, dst):
        calls.append(src)
        if len(calls) == 2:  # 1: the old folder aside, 2: the new one in, 3: the old one back
            raise OSError("disk full")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", rename_failing_the_new_folder)
    with pytest.raises(OSError, match="disk full"):
        _write(tmp_path / "model", ["config.json", "new.bin"], replace=True)
    monkeypatch.undo()
    assert len(calls) == 3
    assert sorted(os.listdir(tmp_path / "model")) == ["config.json", "old.bin"]
    assert os.listdir(tmp_path) == ["model"]


_KILLED_WRITER = """
import os, sys, time
from albert_keras.checkpoints.atomic import atomic_directory
with atomic_directory(sys.argv[1]) as tmp:
    open(os.path.join(tmp, "model.safetensors"), "wb").write(b"x" * 1000)
    print(tmp, flush=True)
    time.sleep(60)
"""


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_write(tmp_path):
    import signal
    import subprocess
    import sys

    target = tmp_path / "model"
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    leftover = writer.stdout.readline().strip()
    assert os.path.isdir(leftover)
    # A live writer's folder is not touched by another write of the same name.
    atomic_write_bytes(str(tmp_path / "other"), b"y")
    _write(tmp_path / "unrelated", ["config.json"])
    assert os.path.isdir(leftover)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    assert os.path.isdir(leftover)  # SIGKILL: nothing could clean up
    _write(target, ["config.json"])
    assert not os.path.exists(leftover)
    assert sorted(os.listdir(tmp_path)) == ["model", "other", "unrelated"]


def test_a_live_writers_temporary_folder_is_kept(tmp_path):
    from albert_keras.checkpoints.atomic import remove_stale_temporaries, temporary_prefix

    live = tmp_path / (temporary_prefix(str(tmp_path / "model")) + "abc")
    live.mkdir()
    assert remove_stale_temporaries(str(tmp_path / "model")) == []
    assert live.is_dir()
