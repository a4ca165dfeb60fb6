"""What a model name means (folder, file, shipped model, preset, hub id), and its files on disk.

`locate(name)` is the one place that tells them apart; the loaders of configs, weights,
tokenizers and checkpoints all ask it. Files of hub names come through huggingface_hub
(cache, offline, clear errors).

Example:
>>> from albert_keras.hub import locate
>>> locate("albert-base-v2").kind, locate("albert-base-v2").repo
('preset', 'albert/albert-base-v2')
>>> locate("albert-tiny-en").kind, locate("google/my-albert").kind
('shipped', 'hub')
"""

import dataclasses
import functools
import json
import logging
import os
import re

from albert_keras.presets import HUB_REPOS, PRESETS
from albert_keras.shipped import SHIPPED_MODELS, shipped_path

logger = logging.getLogger(__name__)

# Weight files in the order transformers prefers them.
WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
    "tf_model.h5",
    "tf_model.h5.index.json",
)


# A hub id: `name` or `owner/name`, letters, digits, `_`, `.` and `-` (huggingface_hub's
# validate_repo_id refuses the rest of its corner cases, `--` and `..`, when asked).
_HUB_ID = re.compile(r"[\w.-]+(/[\w.-]+)?")


@dataclasses.dataclass(frozen=True)
class ModelName:
    """What a model name means.

    Args:
        name: str. The name as given.
        kind: str. "folder" or "file" (it exists here), "shipped" (a model inside the
            package, `albert_keras.shipped`), "preset" (one of the 8 published ALBERTs,
            `albert_keras.presets`, on the hub) or "hub" (any other hub id).
        path: str or None. The local folder or file (folder, file, shipped).
        repo: str or None. The hub repository (preset, hub).
    """

    name: str
    kind: str
    path: str = None
    repo: str = None


def locate(name) -> ModelName:
    """What `name` means: a local folder or file first, then a shipped model, a preset, a hub id.

    Raises:
        FileNotFoundError: it does not exist here and cannot be a hub id.
    """
    name = os.fspath(name)
    if os.path.isdir(name):
        return ModelName(name, "folder", path=name)
    if os.path.exists(name):
        return ModelName(name, "file", path=name)
    if name in SHIPPED_MODELS:
        return ModelName(name, "shipped", path=shipped_path(name))
    if _HUB_ID.fullmatch(name) and not name.startswith("."):
        kind = "preset" if name in PRESETS or name in HUB_REPOS.values() else "hub"
        return ModelName(name, kind, repo=repo_id(name))
    raise FileNotFoundError(f"{name} does not exist (no such folder or file, and it is not a "
                            "Hugging Face hub name)")


def repo_id(name: str) -> str:
    """The hub repository of a name: presets map to `albert/<name>`, others pass through."""
    return HUB_REPOS.get(name, name)


def resolve_file(path_or_name: str, filename: str, required: bool = True):
    """Local path of `filename` in a folder or a hub repository (downloaded or cached).

    Raises:
        FileNotFoundError: the folder lacks the file, or the hub cannot be reached
            and the file is not in the local cache (the message says which).
    """
    where = locate(path_or_name)
    if where.kind == "file":
        raise FileNotFoundError(f"{path_or_name} is not a folder in the hub layout")
    if where.path is not None:  # a folder, or a shipped model's
        path = os.path.join(where.path, filename)
        if os.path.isfile(path):
            return path
        if required:
            raise FileNotFoundError(f"{where.path} has no {filename}")
        return None
    return _hub_download(path_or_name, filename, required)


def _hub_download(name, filename, required, revision=None):
    # local: huggingface_hub loads only when a hub name is fetched; folders and shipped
    # models (the LiteRT command line included) never need it
    from huggingface_hub import constants, hf_hub_download
    from huggingface_hub.utils import (EntryNotFoundError, HFValidationError,
                                       LocalEntryNotFoundError, validate_repo_id)

    repo = repo_id(name)
    try:
        validate_repo_id(repo)
    except HFValidationError:
        raise FileNotFoundError(f"no such folder: {name} (and it is not a Hugging Face hub "
                                "name)") from None
    # Offline or unreachable: the cache only, at once (huggingface_hub would retry each
    # request for about 24 s, logging every retry).
    offline = "HF_HUB_OFFLINE is set" if constants.HF_HUB_OFFLINE else (
        None if hub_reachable(constants.ENDPOINT) else f"{constants.ENDPOINT} cannot be reached")
    try:
        return hf_hub_download(repo, filename, revision=revision,
                               local_files_only=bool(offline))
    except LocalEntryNotFoundError:
        # Offline (or the hub unreachable) and the file is not in the local cache.
        if required:
            raise FileNotFoundError(
                f"Cannot get {filename} of {name!r}: it is neither a local folder nor in the "
                f"Hugging Face cache, and the hub ({repo}) cannot be reached "
                f"({offline or 'the request failed'}). Download it once online, or pass the "
                "path of a folder in the hub layout."
            ) from None
        return None
    except EntryNotFoundError:  # after its subclass LocalEntryNotFoundError
        if required:
            raise FileNotFoundError(f"hub repository {repo} has no {filename}") from None
        return None
    except Exception as error:  # repository not found, gated, HTTP errors
        if required:
            raise FileNotFoundError(f"Cannot get {filename} of {name!r} from the hub: "
                                    f"{type(error).__name__}: {error}") from None
        return None


@functools.lru_cache(maxsize=None)
def hub_reachable(endpoint, timeout=3.0):
    """True when `endpoint` answers an HTTP request within `timeout` seconds (asked once)."""
    # local: as in _hub_download, only when the hub is asked
    import requests
    from huggingface_hub.utils import get_session

    try:
        get_session().head(endpoint, timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return False
    return True


# The tokenizer files of the hub layout (`tokenization/files.py` reads them).
VOCABULARY_FILES = ("spiece.model", "tokenizer_config.json", "special_tokens_map.json")


def snapshot(path_or_name, weights=True, vocabulary=True) -> str:
    """A local folder holding a model name's files: resolved once, then read like any folder.

    A folder, file or shipped model is already local and comes back as its path. A preset or
    hub id is fetched through huggingface_hub (or its cache): `config.json`, the first weight
    file in transformers' order (every shard of a sharded index) when `weights`, and the
    tokenizer files present when `vocabulary`, all of one revision, so they share the
    snapshot folder the function returns. Models, tokenizers and converters then read that
    folder without asking the hub again.

    Raises:
        FileNotFoundError: the name cannot be a model (see `locate`), or a required file
            cannot be had (see `resolve_file`).

    Example:
    >>> import os
    >>> os.path.isfile(os.path.join(snapshot("albert-tiny-en"), "config.json"))
    True
    """
    where = locate(path_or_name)
    if where.path is not None:
        return where.path
    config = resolve_file(path_or_name, "config.json")
    folder = os.path.dirname(config)
    revision = os.path.basename(folder)  # the commit huggingface_hub stored the files under
    if weights:
        for filename in WEIGHT_FILES:
            path = _hub_download(path_or_name, filename, required=False, revision=revision)
            if path is not None:
                if filename.endswith(".index.json"):
                    for shard in _shards(path):
                        _hub_download(path_or_name, shard, required=True, revision=revision)
                break
        else:
            raise FileNotFoundError(f"No ALBERT weights in hub repository {where.repo}: "
                                    f"expected one of {list(WEIGHT_FILES)}")
    if vocabulary:
        for filename in VOCABULARY_FILES:
            _hub_download(path_or_name, filename, required=False, revision=revision)
    return folder


def _shards(index_path):
    """The shard file names a transformers `*.index.json` lists, checked to stay in its folder."""
    try:
        with open(index_path, encoding="utf-8") as f:
            weight_map = json.load(f)["weight_map"]
        shards = sorted(set(weight_map.values()))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise FileNotFoundError(f"{index_path} is not a weight index with a weight_map: "
                                f"{type(error).__name__}: {error}") from None
    for shard in shards:
        if not isinstance(shard, str) or os.path.basename(shard) != shard or shard in ("", ".", ".."):
            raise FileNotFoundError(f"{index_path} lists shard {shard!r}, which is not a file "
                                    "name beside the index")
    return shards


def resolve_weights(path_or_name: str):
    """(file name, local path) of the first weight file present, in transformers' order."""
    for filename in WEIGHT_FILES:
        path = resolve_file(path_or_name, filename, required=False)
        if path is not None:
            return filename, path
    located = locate(path_or_name)
    where = located.path or f"hub repository {located.repo}"
    raise FileNotFoundError(f"No ALBERT weights in {where}: expected one of {list(WEIGHT_FILES)}")
