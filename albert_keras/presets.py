"""The 8 published ALBERT architectures as one table, each row sourced."""

# Each row is the `config.json` of the Hugging Face hub repository `albert/<name>`
# (https://huggingface.co/albert/<name>/blob/main/config.json), which holds Google's
# released weights (google-research/albert). Fields not listed take AlbertConfig's
# defaults, which equal those files' values: vocab_size 30000, embedding_size 128,
# max_position_embeddings 512, type_vocab_size 2, initializer_range 0.02,
# layer_norm_eps 1e-12, classifier_dropout_prob 0.1, num_hidden_groups 1,
# inner_group_num 1. v1 uses exact gelu with dropout 0.1 (xxlarge: no dropout);
# v2 uses gelu_new with no dropout.
_COLUMNS = ("hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "hidden_dropout_prob")
_TABLE = {
    "albert-base-v1":    (768,  12, 12, 3072,  "gelu",     0.1),
    "albert-large-v1":   (1024, 24, 16, 4096,  "gelu",     0.1),
    "albert-xlarge-v1":  (2048, 24, 16, 8192,  "gelu",     0.1),
    "albert-xxlarge-v1": (4096, 12, 64, 16384, "gelu",     0.0),
    "albert-base-v2":    (768,  12, 12, 3072,  "gelu_new", 0.0),
    "albert-large-v2":   (1024, 24, 16, 4096,  "gelu_new", 0.0),
    "albert-xlarge-v2":  (2048, 24, 16, 8192,  "gelu_new", 0.0),
    "albert-xxlarge-v2": (4096, 12, 64, 16384, "gelu_new", 0.0),
}

PRESETS = tuple(_TABLE)

# Hub repository of each preset; the bare names redirect there on the hub too.
HUB_REPOS = {name: f"albert/{name}" for name in PRESETS}


def preset_config(name: str) -> dict:
    """The AlbertConfig keyword arguments of a published preset."""
    key = name.split("/")[-1]
    if key not in _TABLE:
        raise ValueError(f"Unknown ALBERT preset {name!r}; choose one of {list(PRESETS)}")
    row = dict(zip(_COLUMNS, _TABLE[key]))
    row["attention_probs_dropout_prob"] = row["hidden_dropout_prob"]
    return row
