"""Speed and memory benchmarks: this library against its peers in the same run, ratios printed.

- `python -m benchmarks` (`suite.py`): dense inference, raw text, training step, memory
  and TFLite modes against keras-hub, transformers (eager, torch.compile) and ONNX
  Runtime (fp32, dynamic int8, each also through its transformer optimizer), ours and keras-hub also on the JAX and PyTorch Keras
  backends; each peer in its own process (`worker.py`, `peers/`).
- `bench_tflite`: our TFLite export of an albert-base-v2-shaped classifier, every mode.
- `bench_tokenizer`: tokenization throughput vs transformers' tokenizers.
"""
