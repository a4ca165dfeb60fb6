"""The `pretrain` and `finetune` subcommands: argument definitions and dispatch to the library.

`add_parsers(subparsers)` registers both on an argparse subparsers object (the
`albert-keras` CLI wires them in); `run(args)` runs the chosen one and returns the
exit status. Until then: `python -m albert_keras.training pretrain|finetune ...`.
Heavy imports (TensorFlow) happen inside `run`, so building the parser is cheap.
"""

import argparse
import glob
import os

HELP = {
    "pretrain": "pre-train ALBERT (SOP + n-gram MLM) from text files or TFRecord shards",
    "finetune": "fine-tune and score ALBERT on sst2 (or another GLUE task), squad, ner or mc",
}
SHARED_DATA = os.path.join("..", "shared", "data")


def _add_common(parser):
    parser.add_argument("--output-dir", required=True, help="where logs, plot and model go")
    parser.add_argument("--tiny", action="store_true", help="tiny config, few steps, a "
                        "SentencePiece model trained on the data (tests and notebooks)")
    parser.add_argument("--spiece", help="SentencePiece model (training from scratch)")
    parser.add_argument("--config", help="preset name or config.json (training from scratch)")
    parser.add_argument("--batch-size", type=int, help="global batch size")
    parser.add_argument("--learning-rate", type=float, help="peak learning rate")
    parser.add_argument("--max-seq-length", type=int)
    parser.add_argument("--mixed-precision", choices=("float16", "bfloat16"))
    parser.add_argument("--strategy", default="auto", choices=("auto", "default", "mirrored",
                                                              "multi_worker", "tpu"),
                        help="auto: TPU if --tpu, MultiWorker if TF_CONFIG lists several "
                        "tasks, Mirrored with several GPUs, else one device")
    parser.add_argument("--tpu", help="TPU name or address (TPUStrategy)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--clipnorm", type=float, default=1.0,
                        help="per-variable gradient clip norm; 0 turns clipping off")
    parser.add_argument("--quiet", action="store_true", help="one line per epoch, no progress bar")


def add_pretrain_arguments(parser):
    """Flags of `pretrain`."""
    _add_common(parser)
    parser.add_argument("--input", nargs="*", help="text files or globs (plain text or "
                        "WikiExtractor, .gz ok); default: ../shared/data/enwiki_extract/*")
    parser.add_argument("--train-files", help="TFRecord shards (glob) already written")
    parser.add_argument("--eval-files", help="held-out TFRecord shards (glob)")
    parser.add_argument("--max-documents", type=int, help="read at most this many documents")
    parser.add_argument("--steps", type=int, help="optimizer steps")
    parser.add_argument("--steps-per-epoch", type=int,
                        help="steps between backups and log rows (default 100; 5 with --tiny)")
    parser.add_argument("--warmup-steps", type=int)
    parser.add_argument("--optimizer", default="lamb", choices=("lamb", "adamw", "sgd"))
    parser.add_argument("--dupe-factor", type=int, default=1)
    parser.add_argument("--max-predictions-per-seq", type=int, default=20)
    parser.add_argument("--init-from", help="hub-layout folder to continue from")


def add_finetune_arguments(parser):
    """Flags of `finetune`."""
    _add_common(parser)
    parser.add_argument("--task", required=True, help="sst2 (or banking77, cola, mrpc, rte, "
                        "stsb), squad, ner, mc")
    parser.add_argument("--data-dir", help="task data folder; default ../shared/data/<task>")
    parser.add_argument("--train-file")
    parser.add_argument("--dev-file")
    parser.add_argument("--model", help="pretrained hub-layout folder or hub name")
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--optimizer", default="adamw", choices=("adamw", "lamb", "sgd"))
    parser.add_argument("--limit-train", type=int, help="first N training examples")
    parser.add_argument("--limit-eval", type=int, help="first N dev examples")
    parser.add_argument("--doc-stride", type=int, default=128, help="squad window overlap")
    parser.add_argument("--max-query-length", type=int, default=64,
                        help="squad question tokens kept (lower it for short windows)")
    parser.add_argument("--version-2-with-negative", action="store_true", help="SQuAD v2.0")


def add_parsers(subparsers, parents=()):
    """Adds `pretrain` and `finetune` to an argparse subparsers object."""
    for name, add in (("pretrain", add_pretrain_arguments), ("finetune", add_finetune_arguments)):
        sub = subparsers.add_parser(name, help=HELP[name], description=HELP[name],
                                    parents=list(parents))
        add(sub)
        sub.set_defaults(run=run, command=name)


def _default_input():
    hits = sorted(glob.glob(os.path.join(SHARED_DATA, "enwiki_extract", "*.txt*")))
    if not hits:
        raise ValueError("no --input given and ../shared/data/enwiki_extract does not exist")
    return hits


def _run_pretrain(args):
    from albert_keras.data import pretraining as data
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training import distribute, tiny
    from albert_keras.training.pretrain import pretrain

    seq = args.max_seq_length or (64 if args.tiny else 512)
    batch = args.batch_size or (8 if args.tiny else 64)
    steps = args.steps or (20 if args.tiny else 10000)
    work = args.output_dir if distribute.is_chief() else os.path.join(
        args.output_dir, ".workers", distribute.task_id())
    os.makedirs(work, exist_ok=True)
    max_docs = args.max_documents or (200 if args.tiny else None)

    def documents():
        for i, document in enumerate(data.read_documents(args.input or _default_input())):
            if max_docs is not None and i >= max_docs:
                return
            yield document

    if args.spiece:
        tokenizer = AlbertTokenizer(args.spiece)
    elif args.tiny:
        texts = [s for d in documents() for s in d]
        tokenizer = AlbertTokenizer(tiny.train_sentencepiece(
            texts, os.path.join(work, "spiece.model")))
    else:
        raise ValueError("pass --spiece (or --tiny)")
    train_files, eval_files = args.train_files, args.eval_files
    if not train_files:
        shards = os.path.join(work, "shards")
        if not glob.glob(os.path.join(shards, "*.tfrecord")):
            data.write_pretraining_shards(
                documents(), tokenizer, shards, max_seq_length=seq, seed=args.seed,
                dupe_factor=args.dupe_factor, examples_per_shard=1000 if args.tiny else 10000,
                max_predictions_per_seq=args.max_predictions_per_seq)
        files = sorted(glob.glob(os.path.join(shards, "*.tfrecord")))
        train_files = files[1:] if len(files) > 1 else files
        eval_files = eval_files or (files[:1] if len(files) > 1 else None)
    if args.tiny:
        config = tiny.tiny_config(tokenizer.vocab_size, max_position_embeddings=max(seq, 128))
    elif args.config:
        from albert_keras.config import AlbertConfig

        base = (AlbertConfig.from_json_file(args.config) if args.config.endswith(".json")
                else AlbertConfig.from_preset(args.config))
        config = AlbertConfig.from_dict(dict(base.to_dict(), vocab_size=tokenizer.vocab_size))
    else:
        raise ValueError("pass --config (or --tiny)")
    result = pretrain(train_files, args.output_dir, config, steps=steps, batch_size=batch,
                      max_seq_length=seq, learning_rate=args.learning_rate or
                      (2e-3 if args.tiny else None), warmup_steps=args.warmup_steps,
                      optimizer=args.optimizer,
                      steps_per_epoch=args.steps_per_epoch or (5 if args.tiny else 100),
                      eval_files=eval_files, mixed_precision=args.mixed_precision,
                      strategy=args.tpu and "tpu" or args.strategy, seed=args.seed,
                      init_from=args.init_from, verbose=2 if args.quiet else "auto",
                      clipnorm=args.clipnorm or None)
    for key in ("eval_before", "eval_after"):
        if result[key]:
            print(f"{key}: " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(result[key].items())))
    print(f"model: {result['model_dir']}")
    return 0


def _run_finetune(args):
    from albert_keras.training.finetune import finetune

    epochs = args.epochs or (2 if args.tiny else 3)
    limit_train = args.limit_train or (256 if args.tiny else None)
    limit_eval = args.limit_eval or (128 if args.tiny else None)
    result = finetune(
        args.task, args.output_dir, data_dir=args.data_dir, model=args.model, spiece=args.spiece,
        config=args.config, tiny_setting=args.tiny, epochs=epochs,
        batch_size=args.batch_size or (16 if args.tiny else 32),
        learning_rate=args.learning_rate, optimizer=args.optimizer,
        max_seq_length=args.max_seq_length or (64 if args.tiny and args.task != "squad" else None),
        limit_train=limit_train, limit_eval=limit_eval,
        strategy=args.tpu and "tpu" or args.strategy, mixed_precision=args.mixed_precision,
        seed=args.seed, verbose=2 if args.quiet else "auto", clipnorm=args.clipnorm or None,
        train_file=args.train_file,
        dev_file=args.dev_file, doc_stride=args.doc_stride,
        max_query_length=args.max_query_length,
        version_2_with_negative=args.version_2_with_negative)
    print(f"strategy: {result['strategy']}")
    print(f"{args.task} dev: " + ", ".join(f"{k} {v:.4f}" for k, v in result["metrics"].items()
                                           if not isinstance(v, dict)))
    print(f"model: {result['model_dir']}")
    return 0


def run(args):
    """Runs `pretrain` or `finetune` from parsed arguments; returns the exit status."""
    return {"pretrain": _run_pretrain, "finetune": _run_finetune}[args.command](args)


def build_parser():
    """A stand-alone parser with the two subcommands (for `python -m albert_keras.training`)."""
    parser = argparse.ArgumentParser(prog="python -m albert_keras.training",
                                     description="ALBERT pre-training and fine-tuning")
    add_parsers(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    return parser


def main(argv=None):
    """Parses `argv` and runs the subcommand."""
    args = build_parser().parse_args(argv)
    return run(args)
