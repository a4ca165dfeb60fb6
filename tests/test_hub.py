"""albert_keras.hub: a name that is neither a folder nor on the hub fails at once, in words."""

import os
import subprocess
import sys
import time

import pytest

from albert_keras import hub

RESOLVE = """
from albert_keras import hub
try:
    hub.resolve_file("albert-base-v2", "config.json")
except FileNotFoundError as error:
    print(error)
"""


@pytest.mark.parametrize("name", ["no/such/folder", "nosuchfolder/"])
def test_a_missing_folder_is_no_such_folder(name):
    with pytest.raises(FileNotFoundError, match="no such folder") as error:
        hub.resolve_file(name, "config.json")
    assert "HFValidationError" not in str(error.value)


@pytest.mark.parametrize("env, reason", [
    ({"HF_HUB_OFFLINE": "1"}, "HF_HUB_OFFLINE is set"),
    ({"HF_ENDPOINT": "http://127.0.0.1:9"}, "http://127.0.0.1:9 cannot be reached"),
])
def test_offline_or_unreachable_hub_fails_fast_and_quietly(tmp_path, env, reason):
    """huggingface_hub alone retries each request for about 24 s, logging each retry."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HF_")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RESOLVE], capture_output=True, text=True,
                          timeout=120, check=False, env=dict(clean, HF_HOME=str(tmp_path), **env))
    seconds = time.perf_counter() - start
    assert done.returncode == 0, done.stderr[-2000:]
    assert "neither a local folder nor in the Hugging Face cache" in done.stdout
    assert reason in done.stdout
    assert "Retrying" not in done.stderr and done.stderr.strip() == "", done.stderr[-2000:]
    assert seconds < 5, seconds


def test_locate_is_the_one_answer_to_what_a_name_means(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"")
    assert hub.locate(str(tmp_path)) == hub.ModelName(str(tmp_path), "folder", path=str(tmp_path))
    assert hub.locate(tmp_path / "weights.bin").kind == "file"
    shipped = hub.locate("albert-tiny-en")
    assert shipped.kind == "shipped" and os.path.isfile(os.path.join(shipped.path, "config.json"))
    assert hub.locate("albert-base-v2").repo == "albert/albert-base-v2"
    assert hub.locate("albert/albert-base-v2").kind == "preset"
    assert hub.locate("someone/albert-base-v2") == hub.ModelName(
        "someone/albert-base-v2", "hub", repo="someone/albert-base-v2")
    for missing in (str(tmp_path / "nowhere"), "./model", "~/model", "a/b/c", "nosuchfolder/"):
        with pytest.raises(FileNotFoundError, match="does not exist.*not a Hugging Face hub name"):
            hub.locate(missing)


def test_a_local_folder_wins_over_a_shipped_name(tmp_path, monkeypatch):
    (tmp_path / "albert-tiny-en").mkdir()
    monkeypatch.chdir(tmp_path)
    assert hub.locate("albert-tiny-en").kind == "folder"
    with pytest.raises(FileNotFoundError, match="albert-tiny-en has no config.json"):
        hub.resolve_file("albert-tiny-en", "config.json")


def test_load_of_a_missing_folder_says_so():
    import albert_keras

    with pytest.raises(FileNotFoundError, match=r"^no/such/folder does not exist \(no such folder"):
        albert_keras.load("no/such/folder")
