"""Every weight format in and out, driven by one name table.

- `names`: THE weight-name table (our path <-> transformers key <-> TF1 name <-> keras-hub).
- `readers`: safe tensor readers (safetensors, torch .bin without pickle code, tf_model.h5, shards).
- `assign`: checked, all-or-nothing assignment with a loaded / new / ignored report.
- `atomic`: temporary folder + rename, used by every writer.
- `hf`: the Hugging Face hub layout, both directions.
- `tf1`: original Google TF1 checkpoints and TF-Hub modules; one fix-up per legacy variant.
- `keras_hub`: keras-hub ALBERT models and preset folders, both directions.
- `formats`: tells the formats apart; `load(path_or_name, task=...)` reads any of them.
"""

from albert_keras.checkpoints.formats import detect_format, load, task_class

__all__ = ["detect_format", "load", "task_class"]
