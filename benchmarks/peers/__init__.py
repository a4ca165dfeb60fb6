"""The libraries the suite measures, one module each; every peer runs in its own process.

A peer is a class built from keyword arguments (its variant) with some of:

- `load(where)`: reads the prepared artifacts (`benchmarks.workload.paths`);
- `forward(input_ids, attention_mask) -> logits`: dense inference on token ids;
- `classify(sentences, batch_size) -> probabilities`: raw text, the way the library's
  documentation tells a user to do it;
- `train_step_seconds(batch, seq, steps) -> [seconds per step]`: fine-tuning steps.

`PEERS` maps the display name to (module, class, variant keyword arguments);
`albert-keras` rows are ours, every other row is a peer. A variant with a `backend` runs on
that Keras backend: its worker gets `KERAS_BACKEND` (`benchmarks.suite.worker_environment`)
and refuses to time any other (`require_keras_backend`).
"""

import importlib

PEERS = {
    "albert-keras XLA": ("albert_keras_peer", "AlbertKeras", {"jit_compile": True}),
    "albert-keras": ("albert_keras_peer", "AlbertKeras", {"jit_compile": False}),
    "albert-keras bfloat16": ("albert_keras_peer", "AlbertKeras",
                              {"jit_compile": False, "dtype": "bfloat16"}),
    "albert-keras TFLite float32": ("albert_keras_peer", "AlbertTFLite", {"mode": "float32"}),
    "albert-keras TFLite dynamic int8": ("albert_keras_peer", "AlbertTFLite", {"mode": "dynamic"}),
    "albert-keras TFLite int8": ("albert_keras_peer", "AlbertTFLite", {"mode": "int8"}),
    "albert-keras pipeline Keras": ("albert_keras_peer", "AlbertPipeline", {"runtime": "keras"}),
    "albert-keras pipeline Keras bfloat16": ("albert_keras_peer", "AlbertPipeline",
                                             {"runtime": "keras", "dtype": "bfloat16"}),
    "albert-keras pipeline SavedModel": ("albert_keras_peer", "AlbertPipeline",
                                         {"runtime": "saved_model"}),
    "albert-keras pipeline TFLite float32": ("albert_keras_peer", "AlbertPipeline",
                                             {"runtime": "float32"}),
    "albert-keras pipeline TFLite dynamic int8": ("albert_keras_peer", "AlbertPipeline",
                                                  {"runtime": "dynamic"}),
    "keras-hub XLA": ("keras_hub_peer", "KerasHub", {"jit_compile": True}),
    "keras-hub": ("keras_hub_peer", "KerasHub", {"jit_compile": False}),
    "albert-keras JAX": ("albert_keras_peer", "AlbertKerasBackend", {"backend": "jax"}),
    "albert-keras torch": ("albert_keras_peer", "AlbertKerasBackend", {"backend": "torch"}),
    "keras-hub JAX": ("keras_hub_peer", "KerasHubBackend", {"backend": "jax"}),
    "keras-hub torch": ("keras_hub_peer", "KerasHubBackend", {"backend": "torch"}),
    "transformers eager": ("transformers_peer", "Transformers", {"compile": False}),
    "transformers torch.compile": ("transformers_peer", "Transformers", {"compile": True}),
    "ONNX Runtime fp32": ("onnxruntime_peer", "OnnxRuntime", {"int8": False}),
    "ONNX Runtime int8": ("onnxruntime_peer", "OnnxRuntime", {"int8": True}),
    "ONNX Runtime fp32 optimized": ("onnxruntime_peer", "OnnxRuntime",
                                    {"int8": False, "optimized": True}),
    "ONNX Runtime int8 optimized": ("onnxruntime_peer", "OnnxRuntime",
                                    {"int8": True, "optimized": True}),
    "OpenVINO fp32": ("openvino_peer", "OpenVino", {"int8": False}),
    "OpenVINO int8": ("openvino_peer", "OpenVino", {"int8": True}),
    "OpenVINO bf16": ("openvino_peer", "OpenVino", {"int8": False, "bf16": True}),
}

QUANTIZED = ("albert-keras TFLite dynamic int8", "albert-keras TFLite int8",
             "albert-keras pipeline TFLite dynamic int8", "ONNX Runtime int8",
             "ONNX Runtime int8 optimized", "OpenVINO int8")


# (backend, our row, keras-hub's row on the same backend and compilation): report.py's
# "per backend" table sets each pair side by side.
BACKEND_PAIRS = (("TensorFlow XLA", "albert-keras XLA", "keras-hub XLA"),
                 ("TensorFlow", "albert-keras", "keras-hub"),
                 ("JAX", "albert-keras JAX", "keras-hub JAX"),
                 ("PyTorch", "albert-keras torch", "keras-hub torch"))


def is_ours(name):
    return name.startswith("albert-keras")


def keras_backend(name):
    """The Keras backend the peer `name` must run on ("jax", "torch"), or None."""
    return PEERS[name][2].get("backend") if name in PEERS else None


def require_keras_backend(backend):
    """Imports Keras and raises unless it runs on `backend`: a peer never times another one."""
    import keras

    running = keras.backend.backend()
    if running != backend:
        raise RuntimeError(
            f"Keras runs on the {running!r} backend, not {backend!r}: KERAS_BACKEND={backend} "
            "must be set before keras is imported (python -m benchmarks does it per worker)")


BFLOAT16 = ("albert-keras bfloat16", "albert-keras pipeline Keras bfloat16", "OpenVINO bf16")
PRECISIONS = ("fp32", "bf16", "int8")


def is_quantized(name):
    return name in QUANTIZED


def precision(name):
    """"int8", "bf16" or "fp32": the arithmetic a row is compared (and its peak) within."""
    return "int8" if name in QUANTIZED else "bf16" if name in BFLOAT16 else "fp32"


def make(name):
    """A fresh instance of the peer `name` (imports only that library)."""
    module, cls, kwargs = PEERS[name]
    return getattr(importlib.import_module(f"benchmarks.peers.{module}"), cls)(**kwargs)
