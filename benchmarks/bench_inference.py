"""Dense inference latency of an albert-base-v2-shaped model: albert-keras vs keras-hub vs transformers.

Every library runs the same architecture (random weights: speed does not depend on
their values) on the same token ids in one process, one after the other, and the
table reports the median wall time per batch and the ratio to the fastest peer.

    python -m benchmarks.bench_inference [--batch-sizes 1 8] [--seq 128] [--repeats 7]
"""

import argparse
import json
import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402


def _median_seconds(fn, repeats, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _albert_keras_runners(config, batch):
    import tensorflow as tf

    import albert_keras

    model = albert_keras.AlbertModel(albert_keras.AlbertConfig(**config))
    runners = {}
    for name, jit in (("albert-keras (tf.function)", False), ("albert-keras (XLA)", True)):
        fn = tf.function(lambda ids, mask: model(ids, attention_mask=mask).last_hidden_state,
                         jit_compile=jit)
        runners[name] = lambda ids, mask, fn=fn: fn(ids, mask).numpy()
    return runners


def _keras_hub_runners(config, batch):
    import keras_hub
    import tensorflow as tf

    backbone = keras_hub.models.AlbertBackbone(
        vocabulary_size=config["vocab_size"], num_layers=config["num_hidden_layers"],
        num_heads=config["num_attention_heads"], num_groups=1, num_inner_repetitions=1,
        embedding_dim=config["embedding_size"], hidden_dim=config["hidden_size"],
        intermediate_dim=config["intermediate_size"], dropout=0.0,
        max_sequence_length=config["max_position_embeddings"])
    runners = {}
    for name, jit in (("keras-hub (tf.function)", False), ("keras-hub (XLA)", True)):
        fn = tf.function(lambda ids, mask: backbone({
            "token_ids": ids, "padding_mask": mask,
            "segment_ids": tf.zeros_like(ids)})["sequence_output"], jit_compile=jit)
        runners[name] = lambda ids, mask, fn=fn: fn(ids, mask).numpy()
    return runners


def _torch_runners(config, batch):
    import torch
    import transformers

    torch.set_num_threads(os.cpu_count())
    model = transformers.AlbertModel(transformers.AlbertConfig(**config)).eval()

    def run(ids, mask):
        with torch.inference_mode():
            return model(input_ids=torch.as_tensor(ids), attention_mask=torch.as_tensor(mask)
                         ).last_hidden_state.numpy()

    return {"transformers (PyTorch eager)": run}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-sizes", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--preset", default="albert-base-v2")
    parser.add_argument("--json", help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    from albert_keras import AlbertConfig

    preset = AlbertConfig.from_preset(args.preset)
    config = {k: getattr(preset, k) for k in (
        "vocab_size", "embedding_size", "hidden_size", "num_hidden_layers", "num_hidden_groups",
        "num_attention_heads", "intermediate_size", "inner_group_num", "hidden_act",
        "max_position_embeddings")}
    results = []
    for batch in args.batch_sizes:
        rng = np.random.default_rng(0)
        ids = rng.integers(5, config["vocab_size"], size=(batch, args.seq)).astype("int32")
        mask = np.ones_like(ids)
        runners = {}
        for factory in (_albert_keras_runners, _keras_hub_runners, _torch_runners):
            runners.update(factory(config, batch))
        for name, run in runners.items():
            seconds = _median_seconds(lambda: run(ids, mask), args.repeats)
            results.append({"library": name, "batch": batch, "seq": args.seq,
                            "median_ms": 1000 * seconds})
    _print_table(results, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


def _print_table(results, args):
    print(f"\n{args.preset} shape, sequence {args.seq}, median of {args.repeats} runs "
          f"({os.cpu_count()} CPU cores)")
    print(f"{'library':32s} {'batch':>5s} {'median ms':>10s} {'vs fastest peer':>16s}")
    for batch in sorted({r["batch"] for r in results}):
        rows = [r for r in results if r["batch"] == batch]
        peers = [r["median_ms"] for r in rows if not r["library"].startswith("albert-keras")]
        fastest = min(peers)
        for r in sorted(rows, key=lambda r: r["median_ms"]):
            ratio = fastest / r["median_ms"]
            print(f"{r['library']:32s} {batch:5d} {r['median_ms']:10.1f} {ratio:15.2f}x")
    print("(ratio > 1: faster than the fastest of keras-hub / transformers)")


if __name__ == "__main__":
    main()
