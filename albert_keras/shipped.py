"""The models that ship inside the package (`albert_keras/assets/`), usable by name with no network.

`from_pretrained("albert-tiny-en")`, `pipeline("fill-mask", "albert-tiny-en")` and the
`albert-keras` commands resolve these names to the bundled folders before asking the
Hugging Face hub; each folder has a model card (`README.md`) saying how it was trained, and
`litert/model-float32.tflite`, the same model exported for LiteRT (any sequence length), which
the `albert-keras` commands run without importing TensorFlow
(`scripts/export_shipped_litert.py` writes it).

Example:
>>> from albert_keras.shipped import SHIPPED_MODELS, shipped_path
>>> sorted(SHIPPED_MODELS)[0]
'albert-tiny-en'
"""

import os

from albert_keras.tasks import TASKS

ASSETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "assets")
SHIPPED_MODELS = {
    "albert-tiny-en": "pre-trained (MLM + SOP) on English Wikipedia by scripts/train_albert_tiny.py",
    "albert-tiny-en-sst2": "albert-tiny-en fine-tuned on SST-2 (sentiment) by "
                           "scripts/finetune_albert_tiny.py",
    "albert-tiny-en-squad": "albert-tiny-en fine-tuned on SQuAD v1.1 (extractive QA) by "
                            "scripts/finetune_albert_tiny_squad.py",
}
LITERT_FILE = os.path.join("litert", "model-float32.tflite")
# What a pipeline or command uses when no model is given: each task's `default_model`.
DEFAULT_MODELS = {task.name: task.default_model for task in TASKS if task.default_model}


def shipped_path(name):
    """The bundled folder of a shipped model name, or None for any other name."""
    if name not in SHIPPED_MODELS:
        return None
    path = os.path.join(ASSETS, name)
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise FileNotFoundError(f"the shipped model {name!r} is missing from {ASSETS}; "
                                "reinstall albert-keras")
    return path


def litert_path(name, check=True):
    """The shipped LiteRT file of a shipped model name; None when absent (and `check`)."""
    path = os.path.join(ASSETS, name, LITERT_FILE)
    return path if not check or os.path.isfile(path) else None


def default_model(task):
    """The shipped model a task uses by default."""
    if task not in DEFAULT_MODELS:
        raise ValueError(f"no shipped model for {task!r}; pass --model (shipped models: "
                         f"{', '.join(DEFAULT_MODELS)})")
    return DEFAULT_MODELS[task]
