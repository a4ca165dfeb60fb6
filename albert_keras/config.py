"""`AlbertConfig`: transformers' field names and defaults, validation, `config.json` I/O;
`check_id_range`: token and token-type ids against the config's vocabularies."""

import dataclasses
import json
import os
from typing import Any

import numpy as np

from albert_keras.activations import ACTIVATIONS

_PROBLEM_TYPES = (None, "regression", "single_label_classification", "multi_label_classification")


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

    def __post_init__(self):
        # Labels follow transformers' PretrainedConfig: id2label wins, keys become ints.
        if self.id2label is not None:
            self.id2label = {int(k): v for k, v in self.id2label.items()}
            if self.num_labels is None:
                self.num_labels = len(self.id2label)
        if self.num_labels is None:
            self.num_labels = 2
        if self.id2label is None or len(self.id2label) != self.num_labels:
            self.id2label = {i: f"LABEL_{i}" for i in range(self.num_labels)}
        if self.label2id is None or len(self.label2id) != self.num_labels:
            self.label2id = {v: k for k, v in self.id2label.items()}
        self.label2id = {k: int(v) for k, v in self.label2id.items()}
        self.validate()

    def validate(self):
        """Raises a ValueError naming the first invalid field."""
        positive = ["vocab_size", "embedding_size", "hidden_size", "num_hidden_layers", "num_hidden_groups", "num_attention_heads", "intermediate_size", "inner_group_num", "max_position_embeddings", "type_vocab_size", "num_labels"]
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"AlbertConfig.{name} must be a positive int, got {value!r}")
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
        if self.hidden_act not in ACTIVATIONS:
            raise ValueError(
                f"hidden_act={self.hidden_act!r} is not supported; "
                f"choose one of {sorted(ACTIVATIONS)}"
            )
        for name in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
            value = getattr(self, name)
            if not 0.0 <= value < 1.0:
                raise ValueError(f"{name}={value!r} must be in [0, 1)")
        if self.classifier_dropout_prob is not None and not 0 <= self.classifier_dropout_prob < 1:
            raise ValueError(
                f"classifier_dropout_prob={self.classifier_dropout_prob!r} must be in [0, 1)"
            )
        if self.position_embedding_type != "absolute":
            raise ValueError(
                f"position_embedding_type={self.position_embedding_type!r}: only 'absolute' "
                "is supported (the only type any published ALBERT uses)"
            )
        if self.problem_type not in _PROBLEM_TYPES:
            raise ValueError(f"problem_type={self.problem_type!r} must be one of {_PROBLEM_TYPES}")
        if self.layer_norm_eps <= 0:
            raise ValueError(f"layer_norm_eps={self.layer_norm_eps!r} must be > 0")

    # ---------------------------------------------------------------- I/O
    def to_dict(self) -> dict[str, Any]:
        """Plain dict in `config.json` form (id2label keys as strings, as the hub has them)."""
        data = dataclasses.asdict(self)
        data["id2label"] = {str(k): v for k, v in self.id2label.items()}
        data["model_type"] = "albert"
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "AlbertConfig":
        """Builds a config from a dict; keys transformers writes but ALBERT ignores are dropped."""
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

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
    def from_json_file(cls, path: str) -> "AlbertConfig":
        """Reads a hub `config.json` (or the original Google `albert_config.json`)."""
        if not os.path.isfile(path):
            raise FileNotFoundError(f"No ALBERT config file at {path}")
        with open(path, encoding="utf-8") as f:
            try:
                data = json.load(f)
            except json.JSONDecodeError as e:
                raise ValueError(f"{path} is not valid JSON: {e}") from None
        return cls.from_dict(data)

    @classmethod
    def from_pretrained(cls, path_or_name: str, **overrides) -> "AlbertConfig":
        """Config of a preset name, a hub id, or a folder holding `config.json`."""
        from albert_keras import hub, presets

        if path_or_name in presets.PRESETS and not os.path.isdir(path_or_name):
            try:
                path = hub.resolve_file(path_or_name, "config.json")
            except OSError:
                # Offline with nothing cached: the published numbers are in our table.
                return cls.from_preset(path_or_name, **overrides)
        else:
            path = hub.resolve_file(path_or_name, "config.json")
        config = cls.from_json_file(path)
        return dataclasses.replace(config, **overrides) if overrides else config

    @classmethod
    def from_preset(cls, name: str, **overrides) -> "AlbertConfig":
        """One of the 8 published architectures, e.g. `albert-base-v2`."""
        from albert_keras.presets import preset_config

        data = dict(preset_config(name), **overrides)
        return cls(**data)

    def save_pretrained(self, directory: str):
        """Writes `directory/config.json`."""
        os.makedirs(directory, exist_ok=True)
        self.to_json_file(os.path.join(directory, "config.json"))


def check_id_range(values, what, limit, field):
    """Raises a ValueError naming the first problem when ids fall outside [0, limit).

    `check_id_range(ids, "token id", 30000, "vocab_size")` raises
    `token id 30001 >= vocab_size 30000` or `token id -1 < 0`.
    """
    array = np.asarray(values)
    if array.size == 0:
        return
    high, low = int(array.max()), int(array.min())
    if high >= limit:
        raise ValueError(f"{what} {high} >= {field} {limit}")
    if low < 0:
        raise ValueError(f"{what} {low} < 0")
