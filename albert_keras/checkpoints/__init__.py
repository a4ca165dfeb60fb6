"""Every checkpoint format in, above the models: detect the format, convert, `load()` any of them.

- `formats`: tells the formats apart; `load(path_or_name, task=...)` reads any of them.
- `tf1`: original Google TF1 checkpoints and TF-Hub modules; one fix-up per legacy variant.
- `keras_hub`: keras-hub ALBERT models and preset folders, both directions.
- `convert`: the `albert-keras convert` command and its writers (hf, .keras, keras-hub).

The weight-name table, the tensor readers, assignment, atomic writers and the Hugging Face
layout live below the models in `albert_keras.weights`; `albert_keras.checkpoints.names`,
`.readers`, `.assign`, `.atomic` and `.hf`, their addresses before, are the same modules.
"""

import sys

from albert_keras.checkpoints.formats import detect_format, load, task_class
from albert_keras.weights import assign, atomic, hf, names, readers

for _module in (assign, atomic, hf, names, readers):  # the old addresses, same module objects
    sys.modules[f"{__name__}.{_module.__name__.rsplit('.', 1)[1]}"] = _module

__all__ = ["detect_format", "load", "task_class"]
