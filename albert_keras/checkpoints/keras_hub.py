"""keras-hub ALBERT models (Backbone, MaskedLM, TextClassifier) and preset folders, both directions.

keras-hub 0.32 keeps the same numbers as transformers under other names (the keras-hub
column of `names.py`), with the attention projections as EinsumDense kernels:
query/key/value (H, heads, head_dim) and bias (heads, head_dim), output (heads, head_dim, H).
Ours are plain Dense (H, H); the conversion is a reshape, head-major on both sides.

What keras-hub's AlbertBackbone cannot express, and so raises a ValueError naming the field:
its feed-forward activation is fixed to the tanh GELU (`hidden_act="gelu_new"`), its
LayerNorm epsilon to 1e-12, and it has one `dropout` for hidden and attention dropout
(`attention_probs_dropout_prob` is used, as keras-hub's own transformers converter does).
Its AlbertMaskedLM head normalizes with epsilon 1e-5 (keras-hub's MaskedLMHead default)
where ALBERT uses `layer_norm_eps`; the weights convert exactly, the logits differ by that.
keras-hub always has a pooler (`pooled_dense`); our AlbertForMaskedLM has none.
"""

import json
import logging
import os

import numpy as np

from albert_keras.config import AlbertConfig
from albert_keras.weights.assign import LoadReport, WeightMismatchError, assign_weights
from albert_keras.weights.atomic import atomic_directory
from albert_keras.weights.hf import class_name, rows_for
from albert_keras.weights.names import resolve
from albert_keras.weights.readers import CheckpointError

logger = logging.getLogger(__name__)

# keras-hub class -> our class, and back (classes without a keras-hub twin export a backbone).
FROM_KERAS_HUB = {"AlbertBackbone": "AlbertModel", "AlbertMaskedLM": "AlbertForMaskedLM",
                  "AlbertTextClassifier": "AlbertForSequenceClassification"}
TO_KERAS_HUB = {"AlbertForMaskedLM": "AlbertMaskedLM", "AlbertForPreTraining": "AlbertMaskedLM",
                "AlbertForSequenceClassification": "AlbertTextClassifier"}
TANH_GELU = ("gelu_new", "gelu_pytorch_tanh", "gelu_accurate")
KERAS_HUB_LAYER_NORM_EPS = 1e-12


# ------------------------------------------------------------------ configs
def config_from_keras_hub(backbone, **overrides):
    """The AlbertConfig of a keras-hub AlbertBackbone (its fields renamed to transformers')."""
    data = {"vocab_size": backbone.vocabulary_size, "embedding_size": backbone.embedding_dim,
            "hidden_size": backbone.hidden_dim, "num_hidden_layers": backbone.num_layers,
            "num_hidden_groups": backbone.num_groups,
            "inner_group_num": backbone.num_inner_repetitions,
            "num_attention_heads": backbone.num_heads,
            "intermediate_size": backbone.intermediate_dim, "hidden_act": "gelu_new",
            "hidden_dropout_prob": backbone.dropout,
            "attention_probs_dropout_prob": backbone.dropout,
            "max_position_embeddings": backbone.max_sequence_length,
            "type_vocab_size": backbone.num_segments,
            "layer_norm_eps": KERAS_HUB_LAYER_NORM_EPS}
    data.update(overrides)
    return AlbertConfig(**data)


def keras_hub_arguments(config):
    """AlbertBackbone constructor arguments for a config, or a ValueError naming the field."""
    if config.hidden_act not in TANH_GELU:
        raise ValueError(f"hidden_act={config.hidden_act!r} cannot be converted to keras-hub: "
                         "its AlbertBackbone always uses the tanh GELU ('gelu_new')")
    if config.layer_norm_eps != KERAS_HUB_LAYER_NORM_EPS:
        raise ValueError(f"layer_norm_eps={config.layer_norm_eps!r} cannot be converted to "
                         f"keras-hub: its AlbertBackbone fixes it to {KERAS_HUB_LAYER_NORM_EPS}")
    if config.hidden_dropout_prob != config.attention_probs_dropout_prob:
        logger.warning("keras-hub has one dropout rate; using attention_probs_dropout_prob=%s "
                       "(hidden_dropout_prob=%s is dropped)", config.attention_probs_dropout_prob,
                       config.hidden_dropout_prob)
    return {"vocabulary_size": config.vocab_size, "num_layers": config.num_hidden_layers,
            "num_heads": config.num_attention_heads, "embedding_dim": config.embedding_size,
            "hidden_dim": config.hidden_size, "intermediate_dim": config.intermediate_size,
            "num_groups": config.num_hidden_groups,
            "num_inner_repetitions": config.inner_group_num,
            "dropout": config.attention_probs_dropout_prob,
            "max_sequence_length": config.max_position_embeddings,
            "num_segments": config.type_vocab_size}


# ------------------------------------------------------------------ EinsumDense layouts
def _einsum_shapes(config):
    """{keras-hub leaf suffix: (keras-hub shape, our shape)} of the attention projections."""
    h, heads = config.hidden_size, config.num_attention_heads
    d = h // heads
    shapes = {f"self_attention_layer/{n}/kernel": ((h, heads, d), (h, h))
              for n in ("query", "key", "value")}
    shapes.update({f"self_attention_layer/{n}/bias": ((heads, d), (h,))
                   for n in ("query", "key", "value")})
    shapes["self_attention_layer/attention_output/kernel"] = ((heads, d, h), (h, h))
    return shapes


def _reshape(tensors, config, to_keras_hub):
    """Merges (or splits) the head axes of the attention projections; others pass as is.

    Only arrays of exactly the expected source shape are reshaped, so any other
    shape still reaches the shape check and is reported there.
    """
    shapes = _einsum_shapes(config)
    out = {}
    for name, value in tensors.items():
        for suffix, (kh_shape, our_shape) in shapes.items():
            source, target = (our_shape, kh_shape) if to_keras_hub else (kh_shape, our_shape)
            if name.endswith(suffix) and tuple(value.shape) == source:
                value = np.reshape(value, target)  # head-major: column h*head_dim + d
                break
        out[name] = value
    return out


# ------------------------------------------------------------------ keras-hub -> ours
def kind_of(model):
    """"AlbertBackbone", "AlbertMaskedLM" or "AlbertTextClassifier" of a keras-hub object."""
    for cls in type(model).__mro__:
        if cls.__name__ in FROM_KERAS_HUB and cls.__module__.startswith("keras_hub"):
            return cls.__name__
    raise TypeError(f"{type(model).__name__} is not a keras-hub ALBERT model (expected one of "
                    f"{sorted(FROM_KERAS_HUB)})")


def from_keras_hub(keras_hub_model, cls=None, **overrides):
    """Our ALBERT model with the weights of a keras-hub Backbone, MaskedLM or TextClassifier.

    Args:
        keras_hub_model: the keras-hub model object.
        cls: our model class; defaults to the twin (AlbertModel, AlbertForMaskedLM,
            AlbertForSequenceClassification). Heads the keras-hub model lacks start fresh.
        **overrides: AlbertConfig fields to change, e.g. `num_labels=3`.

    Returns:
        The model; `model.loading_info` is the `LoadReport`.

    Example:
    >>> import keras_hub
    >>> backbone = keras_hub.models.AlbertBackbone(vocabulary_size=99, num_layers=2,
    ...     num_heads=4, embedding_dim=16, hidden_dim=32, intermediate_dim=37,
    ...     max_sequence_length=23)
    >>> type(from_keras_hub(backbone)).__name__
    'AlbertModel'
    """
    from albert_keras.models import TASK_MODELS  # local: TensorFlow; importing checkpoints needs none

    kind = kind_of(keras_hub_model)
    backbone = keras_hub_model if kind == "AlbertBackbone" else keras_hub_model.backbone
    cls = cls or TASK_MODELS[FROM_KERAS_HUB[kind]]
    if kind == "AlbertTextClassifier":
        overrides.setdefault("num_labels", keras_hub_model.num_classes)
        overrides.setdefault("classifier_dropout_prob", keras_hub_model.dropout)
    config = config_from_keras_hub(backbone, **overrides)
    if kind == "AlbertMaskedLM":
        logger.warning("keras-hub's AlbertMaskedLM head normalizes with epsilon 1e-5; ours uses "
                       "layer_norm_eps=%s as ALBERT does, so MLM logits differ slightly",
                       config.layer_norm_eps)
    tensors = {v.path: np.asarray(v.numpy()) for v in keras_hub_model.weights}
    tensors = _reshape(tensors, config, to_keras_hub=False)
    model = cls(config)
    model.loading_info = assign_weights(
        model, tensors, rows_for(model), source=f"keras-hub {kind}",
        key_of=lambda row: row.keras_hub or row.path, transpose_of=lambda row: False)
    return model


# ------------------------------------------------------------------ ours -> keras-hub
def to_keras_hub(model, vocabulary=None):
    """The keras-hub twin of our model, with its weights: (keras-hub model, LoadReport).

    AlbertModel and heads keras-hub lacks (QA, token tagging, multiple choice) give an
    AlbertBackbone (the head is reported as ignored); AlbertForMaskedLM and
    AlbertForPreTraining give an AlbertMaskedLM; AlbertForSequenceClassification an
    AlbertTextClassifier. Weights keras-hub has and ours lacks (the pooler of our
    AlbertForMaskedLM) keep keras-hub's fresh initialization and are reported as new.

    Args:
        model: our ALBERT model.
        vocabulary: optional SentencePiece model path; a task then gets keras-hub's
            AlbertTokenizer and preprocessor (sequence length `max_position_embeddings`).
    """
    import keras_hub  # local: keras-hub (and TensorFlow); only the keras-hub format needs it


    config = model.config
    backbone = keras_hub.models.AlbertBackbone(**keras_hub_arguments(config))
    kind = TO_KERAS_HUB.get(class_name(model), "AlbertBackbone")
    target = backbone
    if kind != "AlbertBackbone":
        preprocessor = None
        if vocabulary is not None:
            tokenizer = keras_hub.models.AlbertTokenizer(proto=vocabulary)
            preprocessor = getattr(keras_hub.models, kind + "Preprocessor")(
                tokenizer, sequence_length=config.max_position_embeddings)
        extra = {}
        if kind == "AlbertTextClassifier":
            dropout = config.classifier_dropout_prob
            extra = {"num_classes": config.num_labels,
                     "dropout": config.hidden_dropout_prob if dropout is None else dropout}
        target = getattr(keras_hub.models, kind)(backbone, preprocessor=preprocessor, **extra)
    rows = rows_for(model)
    ours = {row.keras_hub: np.asarray(resolve(model, row.path).numpy()) for row in rows
            if row.keras_hub}
    ours = _reshape(ours, config, to_keras_hub=True)
    report = _assign_keras_hub(target, ours, source=type(model).__name__)
    report.ignored = sorted(row.path for row in rows if not row.keras_hub)
    return target, report


def _assign_keras_hub(target, values, source):
    """Checks every keras-hub variable against `values`, then assigns all (or none)."""
    variables = {v.path: v for v in target.weights}
    mismatched = [f"{path}: {values[path].shape} vs keras-hub {tuple(v.shape)}"
                  for path, v in variables.items()
                  if path in values and tuple(values[path].shape) != tuple(v.shape)]
    unknown = sorted(set(values) - set(variables))
    if mismatched or unknown:
        raise WeightMismatchError(f"Cannot convert {source} to keras-hub {type(target).__name__}: "
                                  + "; ".join(mismatched + [f"no variable {p}" for p in unknown]))
    for path, variable in variables.items():
        if path in values:
            variable.assign(values[path].astype(variable.dtype))
    new = sorted(p for p in variables if p not in values)
    return LoadReport(source, sorted(values), new, [])


# ------------------------------------------------------------------ preset folders
def is_preset(path):
    """Whether `path` is a keras-hub preset folder (config.json naming a keras_hub class)."""
    return _preset_class_name(path, required=False) is not None


def _preset_class_name(path, file="config.json", required=True):
    """The `class_name` a keras-hub preset's JSON file names, or None."""
    config_path = os.path.join(path, file)
    try:
        with open(config_path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError):
        if required:
            raise CheckpointError(f"{config_path} is missing or not valid JSON") from None
        return None
    registered = str(data.get("registered_name") or "") if isinstance(data, dict) else ""
    if not registered.startswith("keras_hub>"):
        return None
    return data.get("class_name")


def load_preset(path):
    """The keras-hub model a preset folder holds (its task if `task.json` is there).

    Only keras-hub's ALBERT classes are built (checked before keras-hub reads the
    folder); weights come from `model.weights.h5` / `task.weights.h5`.

    Raises:
        CheckpointError: another architecture, or a truncated or corrupt weight file.
    """
    import keras_hub  # local: keras-hub (and TensorFlow); only the keras-hub format needs it

    has_task = os.path.isfile(os.path.join(path, "task.json"))
    kind = _preset_class_name(path, "task.json" if has_task else "config.json")
    backbone_kind = _preset_class_name(path)
    if kind not in FROM_KERAS_HUB or backbone_kind != "AlbertBackbone":
        raise CheckpointError(f"{path} is a keras-hub preset of {kind or backbone_kind}, not "
                              f"ALBERT (expected one of {sorted(FROM_KERAS_HUB)})")
    cls = getattr(keras_hub.models, kind)
    try:
        if kind == "AlbertBackbone":
            return cls.from_preset(path)
        return cls.from_preset(path, preprocessor=None)
    except Exception as error:  # noqa: BLE001 (h5py / keras raise many types on a damaged folder)
        raise CheckpointError(f"{path}: cannot read the keras-hub preset "
                              f"({type(error).__name__}: {error}); a weight file may be "
                              "truncated or corrupt") from None


def load_model(cls, path, **overrides):
    """Our model from a keras-hub preset folder (see `from_keras_hub`)."""
    model = from_keras_hub(load_preset(path), cls=cls, **overrides)
    model.loading_info.source = path
    return model


def save_preset(model, directory, vocabulary=None, replace=False):
    """Writes `model` as a keras-hub preset folder, atomically; returns the `LoadReport`.

    Args:
        model: our ALBERT model (see `to_keras_hub` for which keras-hub class it becomes).
        directory: the preset folder to write (`from_preset(directory)` loads it).
        vocabulary: optional path of a SentencePiece model; saved as keras-hub's
            AlbertTokenizer assets so that `from_preset` builds the tokenizer too.
        replace: replace an existing `directory` as a whole (default: write into it).
    """
    import keras_hub  # local: keras-hub (and TensorFlow); only the keras-hub format needs it

    target, report = to_keras_hub(model, vocabulary=vocabulary)
    with atomic_directory(directory, last=("config.json", "metadata.json"),
                          replace=replace) as tmp:
        target.save_to_preset(tmp)
        if vocabulary is not None and kind_of(target) == "AlbertBackbone":
            keras_hub.models.AlbertTokenizer(proto=vocabulary).save_to_preset(tmp)
    report.source = directory
    return report
