"""Our weights on disk, below the models: the name table, safe readers, checked assignment, the HF layout.

- `names`: THE weight-name table (our path <-> transformers key <-> TF1 name <-> keras-hub).
- `readers`: safe tensor readers (safetensors, torch .bin without pickle code, tf_model.h5, shards).
- `assign`: checked, all-or-nothing assignment with a loaded / new / ignored report.
- `atomic`: temporary folder + rename, used by every writer.
- `hf`: the Hugging Face hub layout, both directions (`from_pretrained` / `save_pretrained`).

The models load and save through this package, and it never imports them; the converters of
other formats (`albert_keras.checkpoints`) sit above both.
"""
