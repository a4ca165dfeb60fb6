"""Speed and memory benchmarks: this library against its peers in the same run, ratios printed.

- `bench_inference`: albert-base-v2-shaped dense inference vs keras-hub and transformers (PyTorch).
- `bench_tokenizer`: tokenization throughput vs transformers' tokenizers.
"""
