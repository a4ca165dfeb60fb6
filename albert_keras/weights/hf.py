"""The Hugging Face hub layout, both directions: `config.json` + `model.safetensors` (or .bin / .h5 / shards)."""

import dataclasses
import json
import logging
import os

import numpy as np
from safetensors.numpy import save_file

from albert_keras import hub
from albert_keras.config import AlbertConfig, as_config
from albert_keras.weights.assign import assign_weights
from albert_keras.weights.atomic import atomic_directory, default_permissions
from albert_keras.weights.names import resolve
from albert_keras.weights.readers import read_tensors

logger = logging.getLogger(__name__)


def rows_for(model):
    """The weight-name rows of a model instance: those it declares (`weight_rows()`)."""
    class_name(model)  # a TypeError for anything else
    return model.weight_rows()


def class_name(model):
    """The ALBERT class a model is (or derives from), as its class declares it
    (`architecture`: AlbertModel or one of the six heads)."""
    name = getattr(type(model), "architecture", None)
    if not isinstance(name, str):
        raise TypeError(f"{type(model).__name__} is not an ALBERT model")
    return name


def load_model(cls, path_or_name, config=None, **overrides):
    """`cls.from_pretrained`: build the model from the folder's config, then load its weights.

    A hub name is resolved once into its local snapshot (`hub.snapshot`); the config and the
    weights are then read from that folder.
    """
    folder = hub.snapshot(path_or_name, vocabulary=False)
    if config is None:
        config = AlbertConfig.from_json_file(hub.resolve_file(folder, "config.json"))
    else:  # an AlbertConfig, a dict, or transformers.AlbertConfig (anything with to_dict)
        config = as_config(config)
    if overrides:
        config = AlbertConfig.from_dict(dict(config.to_dict(), **overrides))
    filename, path = hub.resolve_weights(folder)
    tensors = read_tensors(path)
    model = cls(config)
    tensors = match_prefix(tensors, model)
    model.loading_info = assign_weights(model, tensors, rows_for(model), source=path)
    return model


def match_prefix(tensors, model):
    """Adds or strips transformers' `albert.` base prefix so the keys fit the model.

    A bare AlbertModel checkpoint has no prefix; every head model's has `albert.`,
    and transformers loads either into either. We do the same.
    """
    has_prefix = any(k.startswith("albert.") for k in tensors)
    if not model.weight_prefix:  # a bare AlbertModel
        if has_prefix:
            return {k[len("albert."):]: v for k, v in tensors.items() if k.startswith("albert.")}
        return tensors
    if has_prefix:
        return tensors
    heads = ("predictions.", "sop_classifier.", "classifier.", "qa_outputs.")
    return {(k if k.startswith(heads) else "albert." + k): v for k, v in tensors.items()}


def state_dict(model):
    """`{transformers key: numpy array}` of a model, in transformers' layouts."""
    tensors = {}
    for row in rows_for(model):
        value = np.asarray(resolve(model, row.path).numpy())
        tensors[row.hf_key] = np.ascontiguousarray(value.T if row.transpose else value)
    return tensors


def _save_safetensors(tensors, path):
    """One safetensors file as transformers writes it, readable by others like a plain write."""
    save_file(tensors, path, metadata={"format": "pt"})
    default_permissions(path)


def save_model(model, directory, max_shard_size=None):
    """Writes `config.json` and `model.safetensors` (or shards plus an index) atomically.

    Args:
        max_shard_size: int bytes or a string such as "200MB"; None writes one file.
    """
    tensors = state_dict(model)
    shards = _shard(tensors, _parse_size(max_shard_size))
    with atomic_directory(directory) as tmp:
        if len(shards) == 1:
            _save_safetensors(tensors, os.path.join(tmp, "model.safetensors"))
        else:
            weight_map = {}
            for n, shard in enumerate(shards, 1):
                name = f"model-{n:05d}-of-{len(shards):05d}.safetensors"
                _save_safetensors(shard, os.path.join(tmp, name))
                weight_map.update({k: name for k in shard})
            index = {"metadata": {"total_size": int(sum(v.nbytes for v in tensors.values()))},
                     "weight_map": dict(sorted(weight_map.items()))}
            with open(os.path.join(tmp, "model.safetensors.index.json"), "w") as f:
                json.dump(index, f, indent=2)
        config = dataclasses.replace(model.config)
        config.to_json_file(os.path.join(tmp, "config.json"), architectures=[class_name(model)])
    logger.info("Saved %s to %s", type(model).__name__, directory)


def _parse_size(size):
    if size is None or isinstance(size, int):
        return size
    units = {"KB": 10**3, "MB": 10**6, "GB": 10**9, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30}
    text = str(size).strip().upper()
    for unit, factor in sorted(units.items(), key=lambda kv: -len(kv[0])):
        if text.endswith(unit):
            return int(float(text[: -len(unit)]) * factor)
    raise ValueError(f"max_shard_size={size!r}: use bytes or a size such as '200MB'")


def _shard(tensors, max_bytes):
    """Greedy split in key order, never above `max_bytes` unless one tensor is larger."""
    if max_bytes is None:
        return [tensors]
    shards, current, size = [], {}, 0
    for key, value in tensors.items():
        if current and size + value.nbytes > max_bytes:
            shards.append(current)
            current, size = {}, 0
        current[key] = value
        size += value.nbytes
    shards.append(current)
    return shards
