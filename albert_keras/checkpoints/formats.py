"""The checkpoint formats we read, told apart by their files; `load()` dispatches to their readers.

Formats (`detect_format` returns the key):
- "hf": a Hugging Face folder (`config.json` + model.safetensors / pytorch_model.bin /
  tf_model.h5 / shards) or a hub name such as `albert-base-v2` (`weights/hf.py`).
- "tf1": a google-research/albert release (`albert_config.json` + `model.ckpt-*`) or a
  checkpoint prefix (`checkpoints/tf1.py`).
- "tf-hub": a TF-Hub module / SavedModel of those releases (`variables/variables.*`).
- "keras-hub": a keras-hub preset folder (`config.json` + `model.weights.h5`).
- "keras": a `model.save("x.keras")` file; "keras-weights": a `save_weights("x.weights.h5")`
  file with a `config.json` beside it (or `config=`).
"""

import json
import logging
import os
import zipfile

from albert_keras import hub
from albert_keras.checkpoints import keras_hub, tf1
from albert_keras.checkpoints.keras_hub import FROM_KERAS_HUB
from albert_keras.checkpoints.tf1 import read_config
from albert_keras.config import AlbertConfig
from albert_keras.tasks import BY_NAME
from albert_keras.weights.assign import LoadReport, assign_weights
from albert_keras.weights import hf
from albert_keras.weights.readers import CheckpointError

logger = logging.getLogger(__name__)

# transformers pipeline names (and their aliases) -> our class: the task registry's.
PIPELINE_TASKS = {name: task.model_class for name, task in BY_NAME.items()}
# Where each format keeps its SentencePiece model: hub, Google release, TF-Hub, keras-hub.
VOCABULARY_FILES = ("spiece.model", "30k-clean.model", "assets/30k-clean.model",
                    "assets/tokenizer/vocabulary.spm")
EXPECTED_LAYOUTS = (
    "a Hugging Face folder (config.json + model.safetensors, pytorch_model.bin or tf_model.h5)",
    "a Google TF1 release (albert_config.json + model.ckpt-*.index/.data-*)",
    "a TF-Hub module (variables/variables.index + tfhub_module.pb or saved_model.pb)",
    "a keras-hub preset (config.json of a keras_hub class + model.weights.h5)",
    "a .keras file, or a .weights.h5 file with config.json beside it",
)


def task_class(task):
    """Our model class for a task: a class name, a TFAlbert* alias, a transformers pipeline
    name ("fill-mask", "question-answering", ...) or a keras-hub class name.

    Example:
    >>> task_class("fill-mask").__name__, task_class("TFAlbertModel").__name__
    ('AlbertForMaskedLM', 'AlbertModel')
    """
    from albert_keras.models import TASK_MODELS  # local: TensorFlow; importing checkpoints needs none

    if isinstance(task, type):
        return task
    name = PIPELINE_TASKS.get(task, FROM_KERAS_HUB.get(task, task))
    name = name[2:] if name.startswith("TFAlbert") else name
    if name not in TASK_MODELS:
        raise ValueError(f"Unknown task {task!r}; use a class name ({', '.join(TASK_MODELS)}), "
                         f"its TF alias, or a pipeline name ({', '.join(PIPELINE_TASKS)})")
    return TASK_MODELS[name]


def detect_format(path):
    """The format key of a path (see the module docstring), or a ValueError naming the layouts.

    A string that is not a local path is taken as a Hugging Face hub name.
    """
    if path.endswith(".keras"):
        return "keras"
    if path.endswith(".weights.h5"):
        return "keras-weights"
    if os.path.isfile(path + ".index"):
        return "tf1"
    if os.path.isdir(path):
        def has(name):
            return os.path.isfile(os.path.join(path, name))

        if keras_hub.is_preset(path):
            return "keras-hub"
        if has("variables/variables.index") and (has("tfhub_module.pb") or has("saved_model.pb")):
            return "tf-hub"
        if has("config.json") and any(has(name) for name in hub.WEIGHT_FILES):
            return "hf"
        if any(n.endswith(".index") for n in os.listdir(path)) or has("checkpoint"):
            return "tf1"
        raise ValueError(f"{path} is not a known ALBERT checkpoint layout; expected "
                         + "; or ".join(EXPECTED_LAYOUTS))
    if os.path.exists(path):
        raise ValueError(f"{path} is not a known ALBERT checkpoint; expected "
                         + "; or ".join(EXPECTED_LAYOUTS))
    hub.locate(path)  # a shipped model, a preset or another hub id; else FileNotFoundError
    return "hf"


def load(path_or_name, task=None, config=None, progress=None, **overrides):
    """Any ALBERT checkpoint as one of our models: the format is detected from the files.

    Args:
        path_or_name: a folder, file or checkpoint prefix in one of the formats of this
            module, or a Hugging Face hub name.
        task: our class name, a TFAlbert* alias or a pipeline name ("fill-mask",
            "text-classification", "question-answering", "token-classification",
            "multiple-choice", "feature-extraction"). Defaults to the architecture the
            checkpoint records (config.json `architectures`, the keras-hub or .keras
            class), else AlbertModel. Heads the checkpoint lacks start fresh.
        config: AlbertConfig or dict, for checkpoints without one beside them.
        progress: bool or None. Progress bar while reading (None: large TF1 checkpoints).
        **overrides: AlbertConfig fields to change, e.g. `num_labels=3`.

    Returns:
        The model; `model.loading_info` is a `LoadReport` (loaded / new / ignored) whose
        summary is logged (as a warning when some weights start fresh).

    Example:
    >>> import tempfile
    >>> load(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: ... is not a known ALBERT checkpoint layout; expected a Hugging Face folder ...
    """
    fmt = detect_format(path_or_name)
    cls = task_class(task) if task is not None else None
    if fmt == "hf":
        path_or_name = hub.snapshot(path_or_name, vocabulary=False)  # one resolution
        cls = cls or _recorded_class(hf_config_path(path_or_name))
        model = hf.load_model(cls, path_or_name, config=config, **overrides)
    elif fmt in ("tf1", "tf-hub"):
        model = tf1.load_model(cls or task_class("AlbertModel"), path_or_name, config=config,
                               progress=progress, **overrides)
    elif fmt == "keras-hub":
        model = keras_hub.load_model(cls, path_or_name, **overrides)
    elif fmt == "keras":
        model = _load_keras(path_or_name, cls, overrides)
    else:
        model = _load_keras_weights(path_or_name, cls, config, overrides)
    report = model.loading_info  # assign_weights has warned about new weights, if any
    logger.info("Loaded %s (%s) as %s: %d loaded, %d new, %d ignored", path_or_name, fmt,
                type(model).__name__, len(report.loaded), len(report.new), len(report.ignored))
    return model


def find_vocabulary(path_or_name):
    """The SentencePiece model that comes with a checkpoint (any format), or None."""
    if not os.path.exists(path_or_name) and detect_format(path_or_name) == "hf":
        path_or_name = hub.snapshot(path_or_name, weights=False)
    folder = path_or_name if os.path.isdir(path_or_name) else os.path.dirname(path_or_name)
    for name in VOCABULARY_FILES:
        candidate = os.path.join(folder, name)
        if os.path.isfile(candidate):
            return candidate
    return None


def hf_config_path(path_or_name):
    """The local `config.json` of a hub-layout folder or hub name, or None."""
    try:
        return hub.resolve_file(path_or_name, "config.json")
    except OSError:
        return None


def _recorded_class(config_path, default="AlbertModel"):
    """The class `architectures` records in a config.json (AlbertModel if none we know)."""
    from albert_keras.models import TASK_MODELS  # local: TensorFlow; importing checkpoints needs none

    try:
        with open(config_path, encoding="utf-8") as f:
            architectures = json.load(f).get("architectures") or []
    except (OSError, TypeError, ValueError, AttributeError):
        architectures = []
    for name in architectures:
        name = name[2:] if name.startswith("TFAlbert") else name
        if name in TASK_MODELS:
            return TASK_MODELS[name]
    return TASK_MODELS[default]


# ------------------------------------------------------------------ Keras files
def _load_keras(path, cls, overrides):
    """A `.keras` file of one of our classes (checked before Keras deserializes it)."""
    import keras  # local: TensorFlow; importing checkpoints needs none

    try:
        with zipfile.ZipFile(path) as archive:
            saved = json.loads(archive.read("config.json"))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise CheckpointError(f"{path} is not a readable .keras file ({error}); it may be "
                              "truncated or corrupt") from None
    registered = str(saved.get("registered_name") or "")
    if not registered.startswith("albert_keras>"):
        raise CheckpointError(f"{path} holds {registered or saved.get('class_name')}, not an "
                              "albert_keras model")
    try:
        model = keras.saving.load_model(path, safe_mode=True)
    except Exception as error:  # noqa: BLE001 (Keras wraps h5/zip errors in many types)
        raise CheckpointError(f"{path}: cannot load ({type(error).__name__}: {error}); it may "
                              "be truncated or corrupt") from None
    return _as_class(model, cls, overrides, source=path)


def _load_keras_weights(path, cls, config, overrides):
    """A `.weights.h5` file, built from `config` or the `config.json` beside it.

    Keras weight files are bound to the class that saved them: that class (recorded in
    config.json `architectures`, else `task`, else AlbertModel) is built and loaded, then
    moved into `task` if it differs.
    """

    beside = os.path.join(os.path.dirname(os.path.abspath(path)), "config.json")
    saved_cls = cls or task_class("AlbertModel")
    if config is None:
        if not os.path.isfile(beside):
            raise CheckpointError(f"{path}: a weights file holds no architecture; put its "
                                  "config.json beside it or pass config=")
        config = read_config(beside)
        saved_cls = _recorded_class(beside, default=saved_cls.__name__)
    elif isinstance(config, dict):
        config = AlbertConfig.from_dict(config)
    model = saved_cls(config)
    try:
        model.load_weights(path)
    except Exception as error:  # noqa: BLE001 (h5py and Keras raise many types)
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise CheckpointError(f"{path}: cannot load into {saved_cls.__name__} "
                              f"({type(error).__name__}: {message}); a weights file loads only "
                              "into the class and config that saved it") from None
    return _as_class(model, cls, overrides, source=path)


def _as_class(model, cls, overrides, source):
    """`model` itself, or its weights moved into `cls` (heads kept where both have them)."""

    if (cls is None or type(model) is cls) and not overrides:
        model.loading_info = LoadReport(source, sorted(v.path for v in model.weights), [], [])
        return model
    config = AlbertConfig.from_dict(dict(model.config.to_dict(), **overrides))
    target = (cls or type(model))(config)
    tensors = hf.match_prefix(hf.state_dict(model), target)
    target.loading_info = assign_weights(target, tensors, hf.rows_for(target), source=source)
    return target
