"""Original Google TF1 checkpoints and TF-Hub modules; one small fix-up function per legacy variant.

The google-research/albert releases (`albert_base_v2.tar.gz` and family) hold a name-based
TF1 checkpoint (`model.ckpt-best.index` + `.data-*`), `albert_config.json` and
`30k-clean.model`. Their TF-Hub form (`tfhub_module.pb` or `saved_model.pb` beside
`variables/variables.*`, the config and vocabulary under `assets/`) keeps the same variable
names, and fine-tuning graphs built on the hub module prefix them with `module/`. Both are
read with `tf.train.load_checkpoint` (the graph is never imported, no code runs) and mapped
through the TF1 column of `names.py`.

Fix-ups for legacy variants, each a small function that logs what it did:
- `strip_module_prefix`: TF-Hub `module/bert/...` names.
- `drop_optimizer_slots`: LAMB/Adam `adam_m`/`adam_v` slots and `global_step` (an explicit list).
- `check_groups`: multi-group `group_k/inner_group_j` names against the config's groups.
- `google_config`: Google's `albert_config.json`, whose "gelu" is the tanh approximation.
"""

import glob
import json
import logging
import os
import re

import numpy as np

from albert_keras.config import AlbertConfig
from albert_keras.weights.assign import assign_weights
from albert_keras.weights.hf import rows_for
from albert_keras.weights.names import tf1_transposed
from albert_keras.weights.readers import CheckpointError

logger = logging.getLogger(__name__)

# Optimizer state google-research/albert (lamb_optimizer.py, optimization.py) and BERT's
# AdamWeightDecayOptimizer write beside the weights; never model weights.
OPTIMIZER_SLOT_SUFFIXES = ("/adam_m", "/adam_v", "/AdamWeightDecayOptimizer",
                           "/AdamWeightDecayOptimizer_1")
OPTIMIZER_NAMES = ("global_step",)
CONFIG_FILES = ("albert_config.json", "config.json", "assets/albert_config.json")
_PROGRESS_BYTES = 50 * 2**20  # show a progress bar above this checkpoint size


# ------------------------------------------------------------------ finding the files
def find_checkpoint(path):
    """The checkpoint prefix of a TF1 folder, a TF-Hub folder, or a given prefix.

    A TF-Hub `variables/variables` wins; else the step a `checkpoint` state file names
    (looked up inside the folder, never where an absolute path in it points); else the
    newest `model.ckpt-<step>.index`.

    Raises:
        CheckpointError: no checkpoint found (the message names what was expected).
    """
    if os.path.isfile(path + ".index"):
        return path
    if not os.path.isdir(path):
        raise CheckpointError(f"{path}: no TF1 checkpoint (expected a folder or a prefix "
                              "such as model.ckpt-best with a .index file beside it)")
    hub_prefix = os.path.join(path, "variables", "variables")
    if os.path.isfile(hub_prefix + ".index"):
        return hub_prefix
    state = os.path.join(path, "checkpoint")
    if os.path.isfile(state):
        with open(state, encoding="utf-8") as f:
            match = re.search(r'^model_checkpoint_path:\s*"(.+)"', f.read(), re.MULTILINE)
        if match:  # TF may record an absolute path: only the name inside `path` is used
            prefix = os.path.join(path, os.path.basename(match.group(1)))
            if os.path.isfile(prefix + ".index"):
                return prefix
    indexes = sorted(glob.glob(os.path.join(path, "*.index")), key=_step)
    if indexes:
        return indexes[-1][: -len(".index")]
    raise CheckpointError(f"{path}: no TF1 checkpoint (expected model.ckpt-*.index and .data-* "
                          "files, or variables/variables.index of a TF-Hub module)")


def _step(index_path):
    """Sort key: the global step in `model.ckpt-<step>.index` (-1 for `-best` and others)."""
    match = re.search(r"-(\d+)\.index$", index_path)
    return (int(match.group(1)) if match else -1, index_path)


def find_config(path):
    """`albert_config.json` (Google), `config.json` or the TF-Hub `assets/` copy, or None."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    for name in CONFIG_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


# ------------------------------------------------------------------ reading
def read_checkpoint(prefix, progress=None):
    """`{TF1 variable name: numpy array}` of a name-based checkpoint, without its graph.

    Args:
        prefix: checkpoint prefix (`.../model.ckpt-best`, `.../variables/variables`).
        progress: bool or None. Show a tqdm bar; None shows it for checkpoints over 50 MB.

    Raises:
        CheckpointError: unreadable, truncated or corrupt files (the message names them).
    """
    # local: TensorFlow and tqdm; importing checkpoints needs neither
    import tensorflow as tf
    from tqdm.auto import tqdm

    try:
        reader = tf.train.load_checkpoint(prefix)
        shapes = reader.get_variable_to_shape_map()
        dtypes = reader.get_variable_to_dtype_map()
    except (tf.errors.OpError, ValueError, IndexError, RuntimeError) as error:
        raise CheckpointError(f"{prefix}.index is not a readable TF checkpoint "
                              f"({_first_line(error)}); it may be truncated or corrupt") from None
    if any("/.ATTRIBUTES/" in name for name in shapes):
        raise CheckpointError(
            f"{prefix} is an object-based TF2 checkpoint (e.g. a Model Garden SavedModel); "
            "only the name-based TF1 checkpoints of google-research/albert are read")
    sizes = {n: int(np.prod(s)) * dtypes[n].size for n, s in shapes.items()}
    show = progress if progress is not None else sum(sizes.values()) > _PROGRESS_BYTES
    tensors = {}
    with tqdm(total=sum(sizes.values()), unit="B", unit_scale=True, disable=not show,
              desc=f"Reading {os.path.basename(prefix)}") as bar:
        for name in sorted(shapes):
            try:
                tensors[name] = reader.get_tensor(name)
            except (tf.errors.OpError, ValueError, IndexError, RuntimeError) as error:
                raise CheckpointError(
                    f"{_data_files(prefix)}: cannot read {name} ({_first_line(error)}); the "
                    "checkpoint data is truncated or corrupt") from None
            bar.update(sizes[name])
    return tensors


def _first_line(error):
    text = getattr(error, "message", None) or str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def _data_files(prefix):
    files = sorted(glob.glob(prefix + ".data-*"))
    return ", ".join(files) if files else prefix + ".data-*"


# ------------------------------------------------------------------ legacy fix-ups
def strip_module_prefix(tensors):
    """TF-Hub: fine-tuning graphs built on `hub.Module` name variables `module/bert/...`.

    The prefix is dropped (transformers' `load_tf_weights_in_albert` does the same).
    """
    prefixed = [k for k in tensors if k.startswith("module/")]
    if not prefixed:
        return tensors
    logger.info("TF-Hub checkpoint: dropped the 'module/' prefix of %d variables", len(prefixed))
    return {(k.removeprefix("module/")): v for k, v in tensors.items()}


def drop_optimizer_slots(tensors):
    """Splits off optimizer state (`*/adam_m`, `*/adam_v`, `global_step`, ...).

    Returns:
        (weights, ignored names): the model weights, and the sorted optimizer names.
    """
    ignored = sorted(k for k in tensors
                     if k in OPTIMIZER_NAMES or k.endswith(OPTIMIZER_SLOT_SUFFIXES))
    if ignored:
        logger.info("Ignored %d optimizer variables (adam_m/adam_v slots, global_step)",
                    len(ignored))
    return {k: v for k, v in tensors.items() if k not in set(ignored)}, ignored


_GROUP = re.compile(r"^bert/encoder/transformer/group_(\d+)/inner_group_(\d+)/")


def check_groups(tensors, config, source):
    """Multi-group checkpoints: the `group_k/inner_group_j` names must fit the config.

    ALBERT shares `num_hidden_groups` groups of `inner_group_num` layers; the
    checkpoint names every (group, inner layer) pair once. A config with other counts
    would load only some of them, so this is checked first with a clear message.
    """
    found = {tuple(map(int, m.groups())) for m in map(_GROUP.match, tensors) if m}
    if not found:
        return
    groups = 1 + max(g for g, _ in found)
    inner = 1 + max(i for _, i in found)
    if (groups, inner) != (config.num_hidden_groups, config.inner_group_num):
        raise ValueError(
            f"{source} holds {groups} group(s) x {inner} inner layer(s), but the config says "
            f"num_hidden_groups={config.num_hidden_groups}, inner_group_num="
            f"{config.inner_group_num}; use the albert_config.json released with it")
    if groups * inner > 1:
        logger.info("Multi-group checkpoint: %d groups x %d inner layers", groups, inner)


def google_config(data):
    """Google's `albert_config.json` as AlbertConfig fields.

    google-research/albert's `modeling.gelu` is the tanh approximation, which
    transformers calls "gelu_new" (its "gelu" is the exact erf form), so "gelu" is
    renamed. Google-only keys (`down_scale_factor`, `net_structure_type`, `gap_size`,
    `num_memory_blocks`, `layers_to_keep`) are dropped by `AlbertConfig.from_dict`.
    """
    data = dict(data)
    if "model_type" not in data and data.get("hidden_act") == "gelu":
        data["hidden_act"] = "gelu_new"
        logger.info("Google albert_config.json: hidden_act 'gelu' (tanh form) -> 'gelu_new'")
    return data


def read_config(path):
    """The AlbertConfig of a Google `albert_config.json` or a hub `config.json`."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (OSError, ValueError) as error:
        raise CheckpointError(f"{path} is not a readable JSON config ({error})") from None
    return AlbertConfig.from_dict(google_config(data))


# ------------------------------------------------------------------ loading
def load_model(cls, path, config=None, progress=None, **overrides):
    """An ALBERT model of class `cls` with the weights of a TF1 checkpoint or TF-Hub module.

    Heads the checkpoint lacks start fresh (reported as new); optimizer state and
    heads the model lacks are reported as ignored. Nothing is assigned unless every
    backbone weight is present with the right shape.

    Args:
        cls: an ALBERT model class, e.g. `AlbertForMaskedLM`.
        path: a release folder, a TF-Hub module folder, or a checkpoint prefix.
        config: AlbertConfig, or None to read `albert_config.json` beside the checkpoint.
        progress: bool or None. tqdm bar while reading (None: only for large files).
        **overrides: AlbertConfig fields to change, e.g. `num_labels=3`.

    Returns:
        The model; `model.loading_info` is the `LoadReport`.

    Example:
    >>> import tempfile
    >>> from albert_keras import AlbertModel
    >>> load_model(AlbertModel, tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    albert_keras.weights.readers.CheckpointError: ...: no TF1 checkpoint (expected ...)
    """
    prefix = find_checkpoint(path)
    config = _config_for(path, prefix, config, overrides)
    tensors = strip_module_prefix(read_checkpoint(prefix, progress))
    tensors, slots = drop_optimizer_slots(tensors)
    check_groups(tensors, config, prefix)
    model = cls(config)
    report = assign_weights(model, tensors, rows_for(model), source=prefix,
                            key_of=_tf1_key, transpose_of=tf1_transposed)
    report.ignored = report.ignored + slots  # the model's leftovers first, then optimizer state
    model.loading_info = report
    return model


def _tf1_key(row):
    """The TF1 name of a row; heads Google never released (token tagging) go by our path."""
    return row.tf1_name or row.path


def _config_for(path, prefix, config, overrides):
    """The given config, else the JSON config beside the checkpoint (or its folder)."""
    if config is None:
        found = find_config(path) or find_config(os.path.dirname(os.path.dirname(prefix)))
        if found is None:
            raise CheckpointError(f"{path}: no albert_config.json beside the checkpoint; "
                                  "pass config=AlbertConfig(...) (or --config on the CLI)")
        config = read_config(found)
    elif isinstance(config, dict):
        config = AlbertConfig.from_dict(google_config(config))
    if overrides:
        config = AlbertConfig.from_dict(dict(config.to_dict(), **overrides))
    return config
