"""The size bounds an `AlbertConfig` is held to before anything is built: the parameter count
from the config's fields, and the largest model, layer count, label count and file accepted."""

# Size bounds no published ALBERT comes near (albert-xxlarge-v2: 223M parameters, 12 layer
# applications, 2 labels); `max_parameters=None` lifts all three.
MAX_PARAMETERS = 1_500_000_000  # 6 GB of float32 weights
MAX_LAYERS = 1024  # layer applications (shared weights: they cost time, not parameters)
MAX_LABELS = 1_000_000
MAX_CONFIG_BYTES = 64 << 20  # a config.json is a few kB; id2label of MAX_LABELS fits


def parameter_count(config) -> int:
    """Parameters of the backbone plus the largest heads (an MLM head and a classifier).

    Exact integer arithmetic on the config's fields: nothing is allocated, so it is the
    check run before a model is built.
    """
    V, E, H, I = (config.vocab_size, config.embedding_size, config.hidden_size,
                  config.intermediate_size)
    embeddings = (V + config.max_position_embeddings + config.type_vocab_size) * E + 2 * E
    embeddings += E * H + H  # the E -> H projection
    layer = 4 * (H * H + H) + 2 * H + (H * I + I) + (I * H + H) + 2 * H
    encoder = config.num_hidden_groups * config.inner_group_num * layer
    pooler = H * H + H
    mlm_head = H * E + E + 2 * E + V
    classifier = (H + 1) * (config.num_labels or 2)
    return embeddings + encoder + pooler + mlm_head + classifier


def format_bytes(count):
    """`count` bytes in the largest unit below it, e.g. 4.5 TB."""
    for unit in ("B", "kB", "MB", "GB", "TB", "PB"):
        if count < 1000 or unit == "PB":
            return f"{count:.1f} {unit}" if unit != "B" else f"{count} B"
        count /= 1000
    return ""


def check_size(config):
    """Raises a ValueError when the config's layers, labels or parameters pass its bounds.

    The counts must already be positive ints; `config.max_parameters=None` lifts every bound.
    """
    if config.max_parameters is None:
        return
    opt_out = "pass max_parameters=None to build it anyway"
    if config.num_hidden_layers > MAX_LAYERS:
        raise ValueError(f"num_hidden_layers={config.num_hidden_layers} > {MAX_LAYERS}, the "
                         f"most this library builds by default; {opt_out}")
    labels = config.num_labels if config.num_labels is not None else len(config.id2label or ())
    if labels > MAX_LABELS:
        raise ValueError(f"num_labels={labels} > {MAX_LABELS}, the most this library builds "
                         f"by default; {opt_out}")
    count = parameter_count(config)
    if count > config.max_parameters:
        raise ValueError(
            f"this config has {count:.2g} parameters ({format_bytes(4 * count)} in float32); "
            f"the limit is {config.max_parameters:.2g} ({format_bytes(4 * config.max_parameters)});"
            f" pass max_parameters={count} (or None) to build it anyway")
