"""`AlbertConfig`: transformers' field names and defaults, validation, `config.json` I/O;
`check_id_range` / `check_mask_values`: token features against the config's vocabularies.
The size bounds (`MAX_PARAMETERS`, `parameter_count`) live in `config_bounds`."""

import dataclasses
import json
import math
import os
import re
from typing import Any

import numpy as np

from albert_keras import hub
from albert_keras.activations import ACTIVATIONS
from albert_keras.config_bounds import (  # noqa: F401 (their home before config_bounds.py)
    MAX_CONFIG_BYTES, MAX_LABELS, MAX_LAYERS, MAX_PARAMETERS, check_size, format_bytes,
    parameter_count)
from albert_keras.presets import preset_config

_PROBLEM_TYPES = (None, "regression", "single_label_classification", "multi_label_classification")
_COUNTS = ("vocab_size", "embedding_size", "hidden_size", "num_hidden_layers", "num_hidden_groups",
           "num_attention_heads", "intermediate_size", "inner_group_num",
           "max_position_embeddings", "type_vocab_size")
_INTEGER_KEY = re.compile(r"[0-9]+")

class ConfigFileError(ValueError):
    """A config file that cannot be read as an ALBERT config (its path is in the message)."""


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _label_id(key, where):
    """An int label id from an int or an integer string ("0", "1" as JSON writes them)."""
    if _is_int(key):
        return key
    if isinstance(key, str) and _INTEGER_KEY.fullmatch(key.strip()):
        return int(key)
    raise ValueError(f"{where} has {key!r}, which is not a label id (an int >= 0, or a string "
                     "of digits as config.json writes it)")


@dataclasses.dataclass
class AlbertConfig:
    """Hyper-parameters of an ALBERT model, field for field as `transformers.AlbertConfig`.

    ALBERT (Lan et al., 2019, https://arxiv.org/abs/1909.11942) factorizes the
    embedding (a `vocab_size x embedding_size` table projected to `hidden_size`) and
    shares the transformer layers: `num_hidden_layers` layer applications reuse
    `num_hidden_groups` groups of `inner_group_num` layers each.

    Args:
        vocab_size: int. Size of the SentencePiece vocabulary. Defaults to 30000.
        embedding_size: int. Width E of the factorized embedding. Defaults to 128.
        hidden_size: int. Width H of the encoder. Defaults to 4096.
        num_hidden_layers: int. Number of layer applications. Defaults to 12.
        num_hidden_groups: int. Number of groups of shared parameters. Defaults to 1.
        num_attention_heads: int. Attention heads; must divide `hidden_size`. Defaults to 64.
        intermediate_size: int. Width of the feed-forward block. Defaults to 16384.
        inner_group_num: int. Layers inside each group. Defaults to 1.
        hidden_act: str. Feed-forward activation, one of `ACTIVATIONS`. Defaults to "gelu_new".
        hidden_dropout_prob: float. Dropout on embeddings and block outputs. Defaults to 0.
        attention_probs_dropout_prob: float. Dropout on attention probabilities. Defaults to 0.
        max_position_embeddings: int. Longest sequence. Defaults to 512.
        type_vocab_size: int. Number of token types (segments). Defaults to 2.
        initializer_range: float. Stddev of the truncated-normal initializer. Defaults to 0.02.
        layer_norm_eps: float. LayerNorm epsilon. Defaults to 1e-12.
        classifier_dropout_prob: float. Dropout before classification heads. Defaults to 0.1.
        position_embedding_type: str. Only "absolute" is supported. Defaults to "absolute".
        pad_token_id, bos_token_id, eos_token_id: int. Special token ids. Default to 0, 2, 3.
        num_labels: int. Output width of classification heads. Defaults to 2 (or
            `len(id2label)` when `id2label` is given).
        id2label / label2id: dict. Label names; keys of `id2label` are ints.
        problem_type: str or None. "regression", "single_label_classification" or
            "multi_label_classification"; None lets the loss infer it from the labels.
        output_hidden_states / output_attentions: bool. What a call that does not say
            returns (transformers' call defaults). Default to False.
        return_dict: bool. Whether such a call returns the output class (True, the
            default) or a tuple.
        max_parameters: int or None. Refuse configs whose `parameter_count` is larger
            (checked before anything is allocated); None lifts it and the bounds on
            layers and labels. Not a field: never written to `config.json`. Defaults
            to `MAX_PARAMETERS`.

    Example:
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_attention_heads=4, intermediate_size=37)
    >>> config.num_hidden_layers
    12
    >>> AlbertConfig.from_preset("albert-base-v2").hidden_size
    768
    """

    vocab_size: int = 30000
    embedding_size: int = 128
    hidden_size: int = 4096
    num_hidden_layers: int = 12
    num_hidden_groups: int = 1
    num_attention_heads: int = 64
    intermediate_size: int = 16384
    inner_group_num: int = 1
    hidden_act: str = "gelu_new"
    hidden_dropout_prob: float = 0.0
    attention_probs_dropout_prob: float = 0.0
    max_position_embeddings: int = 512
    type_vocab_size: int = 2
    initializer_range: float = 0.02
    layer_norm_eps: float = 1e-12
    classifier_dropout_prob: float | None = 0.1
    position_embedding_type: str = "absolute"
    pad_token_id: int | None = 0
    bos_token_id: int | None = 2
    eos_token_id: int | None = 3
    num_labels: int | None = None
    id2label: dict[int, str] | None = None
    label2id: dict[str, int] | None = None
    problem_type: str | None = None
    # transformers' PretrainedConfig defaults for the call: a call that leaves these as None
    # reads them here, so `from_pretrained(..., output_hidden_states=True)` takes effect.
    output_hidden_states: bool = False
    output_attentions: bool = False
    return_dict: bool = True

    max_parameters: dataclasses.InitVar[int | None] = MAX_PARAMETERS

    def __post_init__(self, max_parameters=MAX_PARAMETERS):
        if max_parameters is not None and (not _is_int(max_parameters) or max_parameters < 1):
            raise ValueError(f"max_parameters must be a positive int or None, got "
                             f"{max_parameters!r}")
        self.max_parameters = max_parameters  # not a field: never written to config.json
        self._check_counts()
        self._normalise_labels()
        self.validate()

    def _check_counts(self):
        """Every count a positive int within the size bounds; before anything is built."""
        for name in _COUNTS + ("num_labels",):
            value = getattr(self, name)
            if isinstance(value, np.integer):
                value = int(value)
                setattr(self, name, value)
            if name == "num_labels":
                continue
            if not _is_int(value) or value < 1:
                raise ValueError(f"AlbertConfig.{name} must be a positive int, got {value!r}")
        if self.num_labels is not None and (not _is_int(self.num_labels) or self.num_labels < 1):
            raise ValueError(f"AlbertConfig.num_labels must be a positive int, got "
                             f"{self.num_labels!r}")
        check_size(self)

    def _normalise_labels(self):
        """Labels as transformers' PretrainedConfig has them: id2label wins, keys become ints."""
        for name in ("id2label", "label2id"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, dict):
                raise ValueError(f"{name} must be a dict, got {type(value).__name__}")
        if self.id2label is not None:
            id2label = {}
            for key, label in self.id2label.items():
                index = _label_id(key, "id2label")
                if not isinstance(label, str):
                    raise ValueError(f"id2label[{key!r}] = {label!r} must be a string")
                if index in id2label:
                    raise ValueError(f"id2label has label id {index} twice")
                id2label[index] = label
            self.id2label = id2label
            if self.num_labels is None:
                self.num_labels = len(self.id2label)
        if self.num_labels is None:
            self.num_labels = 2
        # A num_labels that disagrees with id2label (an override such as num_labels=5 for a new
        # head) gets fresh names, as transformers' num_labels setter does.
        if self.id2label is None or len(self.id2label) != self.num_labels:
            self.id2label = {i: f"LABEL_{i}" for i in range(self.num_labels)}
        if set(self.id2label) != set(range(self.num_labels)):
            stray = min(set(self.id2label) - set(range(self.num_labels)))
            raise ValueError(f"id2label has label id {stray}; with num_labels={self.num_labels} "
                             f"the ids are 0..{self.num_labels - 1}")
        if self.label2id is not None and len(self.label2id) == self.num_labels:
            label2id = {}
            for label, value in self.label2id.items():
                if not isinstance(label, str):
                    raise ValueError(f"label2id key {label!r} must be a string")
                index = _label_id(value, f"label2id[{label!r}]")
                if index >= self.num_labels:
                    raise ValueError(f"label2id[{label!r}] = {index} >= num_labels "
                                     f"{self.num_labels}")
                label2id[label] = index
            self.label2id = label2id
        else:
            self.label2id = {v: k for k, v in self.id2label.items()}

    def validate(self):
        """Raises a ValueError naming the first invalid field."""
        self._check_counts()
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"hidden_size={self.hidden_size} must be divisible by "
                f"num_attention_heads={self.num_attention_heads}"
            )
        if self.num_hidden_layers % self.num_hidden_groups:
            raise ValueError(
                f"num_hidden_layers={self.num_hidden_layers} must be divisible by "
                f"num_hidden_groups={self.num_hidden_groups}"
            )
        if not isinstance(self.hidden_act, str) or self.hidden_act not in ACTIVATIONS:
            raise ValueError(
                f"hidden_act={self.hidden_act!r} is not supported; "
                f"choose one of {sorted(ACTIVATIONS)}"
            )
        for name in ("hidden_dropout_prob", "attention_probs_dropout_prob",
                     "classifier_dropout_prob"):
            value = getattr(self, name)
            if name == "classifier_dropout_prob" and value is None:
                continue
            if not _is_number(value) or not 0.0 <= value < 1.0:
                raise ValueError(f"{name}={value!r} must be a number in [0, 1)")
        for name, low in (("initializer_range", ">= 0"), ("layer_norm_eps", "> 0")):
            value = getattr(self, name)
            if (not _is_number(value) or not math.isfinite(value) or value < 0
                    or (low == "> 0" and value == 0)):
                raise ValueError(f"{name}={value!r} must be a finite number {low}")
        if self.position_embedding_type != "absolute":
            raise ValueError(
                f"position_embedding_type={self.position_embedding_type!r}: only 'absolute' "
                "is supported (the only type any published ALBERT uses)"
            )
        if self.problem_type not in _PROBLEM_TYPES:
            raise ValueError(f"problem_type={self.problem_type!r} must be one of {_PROBLEM_TYPES}")
        for name in ("pad_token_id", "bos_token_id", "eos_token_id"):
            value = getattr(self, name)
            if value is not None and (not _is_int(value) or value < 0):
                raise ValueError(f"{name} must be an int >= 0 or None, got {value!r}")

    # ---------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        """Plain dict in `config.json` form (id2label keys as strings, as the hub has them)."""
        data = dataclasses.asdict(self)
        data["id2label"] = {str(k): v for k, v in self.id2label.items()}
        data["model_type"] = "albert"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any], max_parameters=MAX_PARAMETERS) -> "AlbertConfig":
        """Builds a config from a dict; keys transformers writes but ALBERT ignores are dropped."""
        if not isinstance(data, dict):
            raise ValueError(f"an ALBERT config is a dict (a JSON object), got "
                             f"{type(data).__name__}")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known},
                   max_parameters=max_parameters)

    def to_json_string(self) -> str:
        """The config as the hub's `config.json` text."""
        return json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n"

    def to_json_file(self, path: str, architectures=None):
        """Writes `config.json`; `architectures` (e.g. ["AlbertForMaskedLM"]) as transformers does."""
        data = self.to_dict()
        if architectures:
            data["architectures"] = list(architectures)
        with open(path, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2, sort_keys=True)
            f.write("\n")

    @classmethod
    def from_json_file(cls, path: str, max_parameters=MAX_PARAMETERS) -> "AlbertConfig":
        """Reads a hub `config.json` (or the original Google `albert_config.json`).

        A file that is not a JSON object of valid fields raises `ConfigFileError` naming it.
        """
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No ALBERT config file at {path}")
        if os.path.getsize(path) > MAX_CONFIG_BYTES:
            raise ConfigFileError(f"{path} is {format_bytes(os.path.getsize(path))}, too large "
                                  f"for a config.json (the limit is "
                                  f"{format_bytes(MAX_CONFIG_BYTES)})")
        try:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
        except UnicodeDecodeError as e:
            raise ConfigFileError(f"{path} is not UTF-8 text: {e}") from None
        except json.JSONDecodeError as e:
            raise ConfigFileError(f"{path} is not valid JSON: {e}") from None
        except RecursionError:
            raise ConfigFileError(f"{path} is not valid JSON: nested too deeply") from None
        if not isinstance(data, dict):
            raise ConfigFileError(f"{path} holds a JSON {type(data).__name__}, not the JSON "
                                  "object of an ALBERT config")
        try:
            return cls.from_dict(data, max_parameters=max_parameters)
        except (TypeError, ValueError) as e:
            raise ConfigFileError(f"{path}: {e}") from None

    @classmethod
    def from_pretrained(cls, path_or_name: str, max_parameters=MAX_PARAMETERS,
                        **overrides) -> "AlbertConfig":
        """Config of a preset name, a hub id, or a folder holding `config.json`."""
        if hub.locate(path_or_name).kind == "preset":
            try:
                path = hub.resolve_file(path_or_name, "config.json")
            except OSError:
                # Offline with nothing cached: the published numbers are in our table.
                return cls.from_preset(path_or_name, **overrides)
        else:
            path = hub.resolve_file(path_or_name, "config.json")
        config = cls.from_json_file(path, max_parameters=max_parameters)
        if overrides:
            return dataclasses.replace(config, max_parameters=max_parameters, **overrides)
        return config

    @classmethod
    def from_preset(cls, name: str, **overrides) -> "AlbertConfig":
        """One of the 8 published architectures, e.g. `albert-base-v2`."""
        data = dict(preset_config(name), **overrides)
        return cls(**data)

    def save_pretrained(self, directory: str):
        """Writes `directory/config.json`."""
        os.makedirs(directory, exist_ok=True)
        self.to_json_file(os.path.join(directory, "config.json"))


def as_config(config):
    """An AlbertConfig from an AlbertConfig, a dict, or a preset name."""
    if isinstance(config, AlbertConfig):
        return config
    if isinstance(config, dict):
        return AlbertConfig.from_dict(config)
    if isinstance(config, str):
        return AlbertConfig.from_preset(config)
    if callable(getattr(config, "to_dict", None)):  # transformers.AlbertConfig and the like
        return AlbertConfig.from_dict(config.to_dict())
    raise TypeError(f"config must be an AlbertConfig, a dict, a preset name or an object with "
                    f"to_dict() (transformers.AlbertConfig), got {type(config)}")


def check_id_range(values, what, limit, field, name=None):
    """Raises a ValueError naming the first id outside [0, limit), and where it is.

    Checked on the values as given, before any narrowing cast (2**33 + 5 is not 5).
    `check_id_range(ids, "token id", 30000, "vocab_size", "input_ids")` raises
    `token id 30001 >= vocab_size 30000 (input_ids[0, 5])` or `token id -1 < 0 (...)`.
    """
    array = np.asarray(values)
    if array.size == 0:
        return
    name = name or what.replace(" ", "_") + "s"
    if array.dtype == object or array.dtype.kind not in "iub":
        if array.dtype.kind == "f" and np.all(np.isfinite(array)) and \
                np.all(array == np.floor(array)):
            pass  # whole numbers in a float array: ranged below
        else:
            raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    bad = (array < 0) | (array >= limit)
    if not bad.any():
        return
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    value = array[index]
    value = int(value) if array.dtype.kind != "f" else value
    where = f"({name}[{', '.join(map(str, index))}])"
    if value >= limit:
        raise ValueError(f"{what} {value} >= {field} {limit} {where}")
    raise ValueError(f"{what} {value} < 0 {where}")


def check_mask_values(mask, name="attention_mask"):
    """Raises a ValueError naming the first mask value other than 0 or 1, and where it is."""
    array = np.asarray(mask)
    if array.size == 0 or array.dtype == bool:
        return
    if array.dtype == object or array.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold numbers 0 or 1, got dtype {array.dtype}")
    bad = (array != 0) & (array != 1)
    if bad.any():
        index = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} values must be 0 or 1, got {array[index].item():g} "
                         f"({name}[{', '.join(map(str, index))}])")
