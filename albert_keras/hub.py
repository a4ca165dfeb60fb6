"""Resolve a hub name or a local folder to local files via huggingface_hub (cache, offline, clear errors)."""

import functools
import logging
import os

from albert_keras.presets import HUB_REPOS
from albert_keras.shipped import shipped_path

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


def repo_id(name: str) -> str:
    """The hub repository of a name: presets map to `albert/<name>`, others pass through."""
    return HUB_REPOS.get(name, name)


def resolve_file(path_or_name: str, filename: str, required: bool = True):
    """Local path of `filename` in a folder or a hub repository (downloaded or cached).

    Raises:
        FileNotFoundError: the folder lacks the file, or the hub cannot be reached
            and the file is not in the local cache (the message says which).
    """
    if not os.path.isdir(path_or_name):
        path_or_name = shipped_path(path_or_name) or path_or_name  # bundled models by name
    if os.path.isdir(path_or_name):
        path = os.path.join(path_or_name, filename)
        if os.path.isfile(path):
            return path
        if required:
            raise FileNotFoundError(f"{path_or_name} has no {filename}")
        return None
    if os.path.exists(path_or_name) or path_or_name.startswith(("/", ".", "~")):
        raise FileNotFoundError(f"{path_or_name} is not a folder in the hub layout")
    return _hub_download(path_or_name, filename, required)


def _hub_download(name, filename, required):
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
        return hf_hub_download(repo, filename, local_files_only=bool(offline))
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
    import requests
    from huggingface_hub.utils import get_session

    try:
        get_session().head(endpoint, timeout=timeout, allow_redirects=False)
    except requests.RequestException:
        return False
    return True


def resolve_weights(path_or_name: str):
    """(file name, local path) of the first weight file present, in transformers' order."""
    for filename in WEIGHT_FILES:
        path = resolve_file(path_or_name, filename, required=False)
        if path is not None:
            return filename, path
    where = path_or_name if os.path.isdir(path_or_name) else f"hub repository {repo_id(path_or_name)}"
    raise FileNotFoundError(f"No ALBERT weights in {where}: expected one of {list(WEIGHT_FILES)}")
