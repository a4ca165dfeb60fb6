"""Reproduces `albert-tiny-en-sst2`, the sentiment classifier shipped in `albert_keras/assets/`.

Fine-tunes the shipped `albert-tiny-en` on the GLUE SST-2 training set with this
library's `finetune` (AdamW, linear decay), scores the full dev set, names the labels
`negative` / `positive` and writes the model card.

    python scripts/finetune_albert_tiny.py --data-dir ../shared/data/sst2 \
        --output albert_keras/assets/albert-tiny-en-sst2
"""

import argparse
import json
import os
import shutil
import time

LABELS = {0: "negative", 1: "positive"}


def build_parser():
    """The command-line flags (the model card's reproduce command is parsed by them)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="albert_keras/assets/albert-tiny-en")
    parser.add_argument("--data-dir", default="../shared/data/sst2")
    parser.add_argument("--output", default="albert_keras/assets/albert-tiny-en-sst2")
    parser.add_argument("--work", default="/tmp/albert-tiny-en-sst2-work")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=1e-4)
    parser.add_argument("--max-seq-length", type=int, default=64)
    parser.add_argument("--limit-train", type=int, default=None)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)

    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training.finetune import finetune

    started = time.time()
    result = finetune("sst2", args.work, data_dir=args.data_dir, model=args.model,
                      epochs=args.epochs, batch_size=args.batch_size,
                      learning_rate=args.learning_rate, max_seq_length=args.max_seq_length,
                      limit_train=args.limit_train, verbose=2)
    minutes = (time.time() - started) / 60
    os.makedirs(args.output, exist_ok=True)
    shutil.copy(os.path.join(result["model_dir"], "model.safetensors"), args.output)
    # The base model's tokenizer files, its model_max_length (positions trained) included.
    AlbertTokenizer.from_pretrained(args.model).save_pretrained(args.output)
    with open(os.path.join(result["model_dir"], "config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    config["id2label"] = {str(k): v for k, v in LABELS.items()}
    config["label2id"] = {v: k for k, v in LABELS.items()}
    with open(os.path.join(args.output, "config.json"), "w", encoding="utf-8") as handle:
        json.dump(config, handle, indent=2, sort_keys=True)
    accuracy = result["metrics"]["accuracy"]
    with open(os.path.join(args.work, "results.json"), encoding="utf-8") as handle:
        train_examples = json.load(handle)["train_examples"]
    command = "python scripts/finetune_albert_tiny.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in sorted(vars(args).items())
        if k != "work" and v is not None)
    facts = {"dev_accuracy": accuracy, "train_examples": train_examples, "minutes": minutes,
             "epochs": args.epochs, "batch_size": args.batch_size,
             "learning_rate": args.learning_rate, "max_seq_length": args.max_seq_length,
             "command": command}
    with open(os.path.join(args.output, "training_facts.json"), "w", encoding="utf-8") as handle:
        json.dump(facts, handle, indent=1)
    card = f"""# albert-tiny-en-sst2

`albert-tiny-en` (shipped beside it; see its card) fine-tuned for sentiment on GLUE SST-2
(Stanford Sentiment Treebank, movie-review sentences; Socher et al. 2013, distributed with
GLUE). Labels: `negative`, `positive`. A small demonstration model, far from the ~90%+ of
`albert-base-v2`.

| | |
|---|---|
| SST-2 dev accuracy (all 872 sentences) | **{accuracy:.4f}** (majority class 0.509) |
| training examples | {train_examples:,} (SST-2 train) |
| schedule | {args.epochs} epoch(s), batch {args.batch_size}, AdamW peak {args.learning_rate}, 10% warm-up, linear decay |
| sequence length | {args.max_seq_length} |
| time | {minutes:.1f} minutes on 2 CPU cores |

`tests/test_shipped_models.py` re-measures the dev accuracy.

## Reproduce
```
{command}
```
"""
    with open(os.path.join(args.output, "README.md"), "w", encoding="utf-8") as handle:
        handle.write(card)
    print(json.dumps(facts, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
