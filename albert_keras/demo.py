"""`python -m albert_keras.demo`: load an ALBERT checkpoint (or build one) and run every task model.

With `--model` (a folder in the Hugging Face hub layout, or a hub id such as
`albert-base-v2` when online or cached) it loads those weights; without it, it
builds a randomly initialised model of `--preset` shape, saves it in the hub layout
and loads it back, so the whole path runs offline on a fresh machine.
"""

import argparse
import logging
import tempfile
import time

import numpy as np

import albert_keras
from albert_keras.models import TASK_MODELS


def _report(name, outputs, seconds):
    shapes = ", ".join(f"{k} {tuple(np.shape(v))}" for k, v in outputs.items())
    return f"  {name:34s} {1000 * seconds:7.1f} ms  {shapes}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="hub-layout folder or hub id; default: a random model")
    parser.add_argument("--preset", default="albert-base-v2", choices=albert_keras.PRESETS)
    parser.add_argument("--seq", type=int, default=16)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    # Each model's untrained head is printed below its row; the load's own warning would say
    # it a second time.
    loads = logging.getLogger("albert_keras.weights.assign")
    level = loads.level
    loads.setLevel(logging.ERROR)
    try:
        return _run(args)
    finally:
        loads.setLevel(level)


def _run(args):
    """Loads and runs every task model (main's body)."""
    with tempfile.TemporaryDirectory() as tmp:
        source = args.model
        if source is None:
            config = albert_keras.AlbertConfig.from_preset(args.preset)
            print(f"Building a random {args.preset} ({config.hidden_size} hidden, "
                  f"{config.num_hidden_layers} layers) and saving it in the hub layout...")
            albert_keras.AlbertForPreTraining(config).save_pretrained(tmp)
            source = tmp
        print(f"Loading every task model from {source}:")
        rng = np.random.default_rng(0)
        for name, cls in TASK_MODELS.items():
            model = cls.from_pretrained(source)
            vocab = model.config.vocab_size
            shape = (2, 2, args.seq) if name == "AlbertForMultipleChoice" else (2, args.seq)
            ids = rng.integers(5, vocab, size=shape).astype("int32")
            mask = np.ones_like(ids)
            mask[..., -3:] = 0
            start = time.perf_counter()
            outputs = model(ids, attention_mask=mask)
            print(_report(name, outputs, time.perf_counter() - start))
            if model.loading_info.new:
                print(f"    new (untrained) head weights: {', '.join(model.loading_info.new)}")
        print("Done: every task model loaded the checkpoint and ran.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
