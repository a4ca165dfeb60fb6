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


class FakeHub:
    """huggingface_hub's download, served from a local folder: records every file asked for."""

    commit = "0123456789abcdef0123456789abcdef01234567"

    def __init__(self, remote, cache):
        self.remote, self.cache, self.asked = remote, cache, []

    def download(self, repo, filename, revision=None, local_files_only=False):
        from huggingface_hub.utils import EntryNotFoundError

        assert revision in (None, self.commit), revision  # every file from one revision
        self.asked.append(filename)
        source = self.remote / filename
        if not source.is_file():
            raise EntryNotFoundError(f"{repo} has no {filename}")
        target = self.cache / "snapshots" / self.commit / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        return str(target)


@pytest.fixture
def fake_hub(tmp_path, monkeypatch):
    import huggingface_hub

    fake = FakeHub(tmp_path / "remote", tmp_path / "cache")
    fake.remote.mkdir()
    monkeypatch.setattr(huggingface_hub, "hf_hub_download", fake.download)
    monkeypatch.setattr(hub, "hub_reachable", lambda endpoint: True)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    return fake


def test_a_hub_name_is_resolved_once_into_one_snapshot_shards_included(fake_hub):
    """from_pretrained asks the hub for each file once, every shard of a sharded index too."""
    import numpy as np

    import albert_keras

    config = albert_keras.AlbertConfig(vocab_size=100, embedding_size=8, hidden_size=16,
                                       num_hidden_layers=2, num_attention_heads=2,
                                       intermediate_size=32, max_position_embeddings=32)
    model = albert_keras.AlbertModel(config)
    model.save_pretrained(str(fake_hub.remote), max_shard_size=2000)
    shards = sorted(p.name for p in fake_hub.remote.glob("model-*.safetensors"))
    assert len(shards) > 1

    loaded = albert_keras.AlbertModel.from_pretrained("someone/tiny-albert")
    assert fake_hub.asked == ["config.json", "model.safetensors",
                              "model.safetensors.index.json", *shards]
    ids = np.array([[2, 10, 11, 3]])
    np.testing.assert_allclose(loaded(ids)["last_hidden_state"], model(ids)["last_hidden_state"],
                               atol=1e-6)


def test_a_pipeline_reads_model_and_tokenizer_from_one_snapshot(fake_hub):
    import albert_keras

    shipped = hub.snapshot("albert-tiny-en")
    for name in ("config.json", "model.safetensors", "spiece.model", "tokenizer_config.json",
                 "special_tokens_map.json"):
        (fake_hub.remote / name).write_bytes(open(os.path.join(shipped, name), "rb").read())
    fill = albert_keras.pipeline("fill-mask", model="someone/albert-tiny")
    assert sorted(fake_hub.asked) == sorted(set(fake_hub.asked)), fake_hub.asked  # none twice
    assert {"config.json", "model.safetensors", "spiece.model"} <= set(fake_hub.asked)
    assert fill("The capital of France is [MASK].")[0]["token_str"]


def test_a_shard_name_outside_the_snapshot_is_refused(fake_hub):
    (fake_hub.remote / "config.json").write_text("{}")
    (fake_hub.remote / "model.safetensors.index.json").write_text(
        '{"weight_map": {"a": "../../elsewhere.safetensors"}}')
    with pytest.raises(FileNotFoundError, match="lists shard '../../elsewhere.safetensors', "
                                                "which is not a file name beside the index"):
        hub.snapshot("someone/evil-albert")
