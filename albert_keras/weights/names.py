"""THE weight-name table: our variable path <-> transformers key <-> TF1 name <-> keras-hub."""

import dataclasses

# One row per weight of the backbone, then per head. Columns:
#   our attribute path (resolved with getattr; `[k]` indexes a list),
#   the transformers (PyTorch) state-dict key,
#   the original google-research/albert TF1 variable name,
#   whether a PyTorch Linear weight (out, in) is transposed into a Keras kernel (in, out).
# `{g}` is the group index and `{i}` the inner-layer index.
_EMBEDDINGS = [
    ("embeddings.word_embeddings.embeddings", "embeddings.word_embeddings.weight",
     "bert/embeddings/word_embeddings", False),
    ("embeddings.position_embeddings.embeddings", "embeddings.position_embeddings.weight",
     "bert/embeddings/position_embeddings", False),
    ("embeddings.token_type_embeddings.embeddings", "embeddings.token_type_embeddings.weight",
     "bert/embeddings/token_type_embeddings", False),
    ("embeddings.LayerNorm.gamma", "embeddings.LayerNorm.weight",
     "bert/embeddings/LayerNorm/gamma", False),
    ("embeddings.LayerNorm.beta", "embeddings.LayerNorm.bias",
     "bert/embeddings/LayerNorm/beta", False),
    # The one key that moves: transformers keeps the E -> H projection in the encoder.
    ("embeddings.embedding_hidden_mapping_in.kernel", "encoder.embedding_hidden_mapping_in.weight",
     "bert/encoder/embedding_hidden_mapping_in/kernel", True),
    ("embeddings.embedding_hidden_mapping_in.bias", "encoder.embedding_hidden_mapping_in.bias",
     "bert/encoder/embedding_hidden_mapping_in/bias", False),
]

_OURS = "encoder.albert_layer_groups[{g}].albert_layers[{i}]."
_HF = "encoder.albert_layer_groups.{g}.albert_layers.{i}."
_TF1 = "bert/encoder/transformer/group_{g}/inner_group_{i}/"
_LAYER = [  # (our suffix, HF suffix, TF1 suffix) of a Dense / LayerNorm
    ("attention.query", "attention.query", "attention_1/self/query"),
    ("attention.key", "attention.key", "attention_1/self/key"),
    ("attention.value", "attention.value", "attention_1/self/value"),
    ("attention.dense", "attention.dense", "attention_1/output/dense"),
    ("attention.LayerNorm", "attention.LayerNorm", "LayerNorm"),
    ("ffn", "ffn", "ffn_1/intermediate/dense"),
    ("ffn_output", "ffn_output", "ffn_1/intermediate/output/dense"),
    ("full_layer_layer_norm", "full_layer_layer_norm", "LayerNorm_1"),
]

_POOLER = [
    ("pooler.kernel", "pooler.weight", "bert/pooler/dense/kernel", True),
    ("pooler.bias", "pooler.bias", "bert/pooler/dense/bias", False),
]

_MLM_HEAD = [
    ("predictions.dense.kernel", "predictions.dense.weight",
     "cls/predictions/transform/dense/kernel", True),
    ("predictions.dense.bias", "predictions.dense.bias", "cls/predictions/transform/dense/bias",
     False),
    ("predictions.LayerNorm.gamma", "predictions.LayerNorm.weight",
     "cls/predictions/transform/LayerNorm/gamma", False),
    ("predictions.LayerNorm.beta", "predictions.LayerNorm.bias",
     "cls/predictions/transform/LayerNorm/beta", False),
    ("predictions.bias", "predictions.bias", "cls/predictions/output_bias", False),
]
# TF1's seq_relationship weights are stored (labels, H) like PyTorch's, hence transposed.
_SOP_HEAD = [
    ("sop_classifier.classifier.kernel", "sop_classifier.classifier.weight",
     "cls/seq_relationship/output_weights", True),
    ("sop_classifier.classifier.bias", "sop_classifier.classifier.bias",
     "cls/seq_relationship/output_bias", False),
]


def _dense(ours, hf, tf1=None):
    """Rows of a fine-tuning Dense; `tf1` is the scope of google-research/albert's
    `output_weights` (labels, H) / `output_bias` pair, None where it has no such head."""
    weights, bias = (None, None) if tf1 is None else (f"{tf1}output_weights", f"{tf1}output_bias")
    return [(f"{ours}.kernel", f"{hf}.weight", weights, True),
            (f"{ours}.bias", f"{hf}.bias", bias, False)]


# Fine-tuning heads of google-research/albert: classifier_utils.py and race_utils.py make
# top-level `output_weights`/`output_bias`; squad_utils.py (SQuAD v1) `cls/squad/output_*`.
HEADS = {
    "AlbertModel": [],
    "AlbertForPreTraining": _MLM_HEAD + _SOP_HEAD,
    "AlbertForMaskedLM": _MLM_HEAD,
    "AlbertForSequenceClassification": _dense("classifier", "classifier", tf1=""),
    "AlbertForMultipleChoice": _dense("classifier", "classifier", tf1=""),
    "AlbertForTokenClassification": _dense("classifier", "classifier"),
    "AlbertForQuestionAnswering": _dense("qa_outputs", "qa_outputs", tf1="cls/squad/"),
}

# keras-hub 0.32 variable paths (`variable.path`) of AlbertBackbone / AlbertMaskedLM /
# AlbertTextClassifier, keyed by our path without the `albert.` prefix. keras-hub keeps the
# attention projections as EinsumDense kernels (H, heads, head_dim) / (heads, head_dim, H):
# the same numbers as ours, reshaped (see checkpoints/keras_hub.py).
_KERAS_HUB = {
    "embeddings.word_embeddings.embeddings": "token_embedding/embeddings",
    "embeddings.position_embeddings.embeddings": "position_embedding/embeddings",
    "embeddings.token_type_embeddings.embeddings": "segment_embedding/embeddings",
    "embeddings.LayerNorm.gamma": "embeddings_layer_norm/gamma",
    "embeddings.LayerNorm.beta": "embeddings_layer_norm/beta",
    "embeddings.embedding_hidden_mapping_in.kernel": "embedding_projection/kernel",
    "embeddings.embedding_hidden_mapping_in.bias": "embedding_projection/bias",
    "pooler.kernel": "pooled_dense/kernel",
    "pooler.bias": "pooled_dense/bias",
    "predictions.dense.kernel": "mlm_head/intermediate_dense/kernel",
    "predictions.dense.bias": "mlm_head/intermediate_dense/bias",
    "predictions.LayerNorm.gamma": "mlm_head/intermediate_layer_norm/gamma",
    "predictions.LayerNorm.beta": "mlm_head/intermediate_layer_norm/beta",
    "predictions.bias": "mlm_head/output_bias",
}
_KERAS_HUB_HEADS = {  # heads that exist only on some of our classes
    "AlbertForSequenceClassification": {"classifier.kernel": "logits/kernel",
                                        "classifier.bias": "logits/bias"},
}
_KERAS_HUB_LAYER = {  # our layer-relative name -> TransformerEncoder sublayer
    "attention.query": "self_attention_layer/query",
    "attention.key": "self_attention_layer/key",
    "attention.value": "self_attention_layer/value",
    "attention.dense": "self_attention_layer/attention_output",
    "attention.LayerNorm": "self_attention_layer_norm",
    "ffn": "feedforward_intermediate_dense",
    "ffn_output": "feedforward_output_dense",
    "full_layer_layer_norm": "feedforward_layer_norm",
}


def _keras_hub_names(model_class_name, config):
    """{our path without `albert.`: keras-hub variable path} for one model class."""
    names = dict(_KERAS_HUB, **_KERAS_HUB_HEADS.get(model_class_name, {}))
    for g in range(config.num_hidden_groups):
        for i in range(config.inner_group_num):
            for ours, keras_hub in _KERAS_HUB_LAYER.items():
                norm = "LayerNorm" in ours or "layer_norm" in ours
                for ours_leaf in ("gamma", "beta") if norm else ("kernel", "bias"):
                    names[_OURS.format(g=g, i=i) + f"{ours}.{ours_leaf}"] = (
                        f"group_{g}_inner_layer_{i}/{keras_hub}/{ours_leaf}")
    return names

# Keys transformers may write that carry no weight of their own: the decoder is tied
# to the word table and its bias is `predictions.bias`; position_ids are buffers.
TIED_OR_BUFFER_KEYS = ("predictions.decoder.weight", "predictions.decoder.bias",
                       "embeddings.position_ids", "embeddings.token_type_ids")


@dataclasses.dataclass(frozen=True)
class WeightName:
    """One weight under each of its names."""

    path: str  # attribute path on our model
    hf_key: str  # transformers state-dict key
    tf1_name: str  # original TF1 checkpoint variable (None for fine-tuning heads)
    transpose: bool  # PyTorch (out, in) <-> Keras (in, out)
    part: str  # "backbone", "pooler" or "head"
    keras_hub: str = None  # keras-hub variable path (None where keras-hub has no such weight)


def weight_names(model_class_name, config, pooler=True, base_prefix="albert."):
    """Every weight of a model as `WeightName` rows, in a stable order.

    Args:
        model_class_name: e.g. "AlbertForMaskedLM" (selects the head rows).
        config: AlbertConfig (sets the number of groups and inner layers).
        pooler: whether the backbone has its pooler.
        base_prefix: prefix of backbone paths and keys ("" for a bare AlbertModel).
    """
    if model_class_name == "AlbertModel":
        base_prefix = ""
    backbone = list(_EMBEDDINGS)
    for g in range(config.num_hidden_groups):
        for i in range(config.inner_group_num):
            for ours, hf, tf1 in _LAYER:
                ours_ = _OURS.format(g=g, i=i) + ours
                hf_ = _HF.format(g=g, i=i) + hf
                tf1_ = _TF1.format(g=g, i=i) + tf1
                if "LayerNorm" in ours or "layer_norm" in ours:
                    backbone += [(ours_ + ".gamma", hf_ + ".weight", tf1_ + "/gamma", False),
                                 (ours_ + ".beta", hf_ + ".bias", tf1_ + "/beta", False)]
                else:
                    backbone += [(ours_ + ".kernel", hf_ + ".weight", tf1_ + "/kernel", True),
                                 (ours_ + ".bias", hf_ + ".bias", tf1_ + "/bias", False)]
    kh = _keras_hub_names(model_class_name, config)
    rows = [WeightName(base_prefix + p, base_prefix + k, t, tr, "backbone", kh.get(p))
            for p, k, t, tr in backbone]
    if pooler:
        rows += [WeightName(base_prefix + p, base_prefix + k, t, tr, "pooler", kh.get(p))
                 for p, k, t, tr in _POOLER]
    rows += [WeightName(p, k, t, tr, "head", kh.get(p)) for p, k, t, tr in HEADS[model_class_name]]
    return rows


def tf1_transposed(row):
    """Whether the TF1 array is transposed into our kernel.

    TF1 `kernel`s are already (in, out) like Keras; only google-research/albert's
    `output_weights` matrices (SOP and fine-tuning heads) are stored (labels, H).
    """
    return row.tf1_name is not None and row.tf1_name.endswith("output_weights")


def resolve(model, path):
    """The variable at an attribute path such as `albert.encoder.albert_layer_groups[0].ffn.kernel`."""
    obj = model
    for part in path.replace("]", "").split("."):
        name, _, index = part.partition("[")
        obj = getattr(obj, name)
        if index:
            obj = obj[int(index)]
    return obj
