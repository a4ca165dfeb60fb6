"""The `pretrain` and `finetune` subcommands: argument definitions and dispatch to the library.

`add_parsers(subparsers)` registers both on an argparse subparsers object (the
`albert-keras` CLI wires them in); `run(args)` runs the chosen one and returns the
exit status. Until then: `python -m albert_keras.training pretrain|finetune ...`.
Heavy imports (TensorFlow) happen inside `run`, so building the parser is cheap.
"""

import argparse
import glob
import os

from albert_keras.command_runner import common_arguments, run_parsed
from albert_keras.config import AlbertConfig
from albert_keras.tokenization import AlbertTokenizer
from albert_keras.training import tiny
from albert_keras.training.arguments import positive_float, positive_int
from albert_keras.training.data_files import ENV, task_files

HELP = {
    "pretrain": "pre-train ALBERT (SOP + n-gram MLM) from text files or TFRecord shards",
    "finetune": "fine-tune and score ALBERT on sst2 (or another GLUE task), squad, ner or mc",
}


def _add_common(parser):
    parser.add_argument("--output-dir", required=True, help="where logs, plot and model go")
    parser.add_argument("--tiny", action="store_true", help="tiny config, few steps, a "
                        "SentencePiece model trained on the data (tests and notebooks)")
    parser.add_argument("--spiece", help="SentencePiece model (training from scratch)")
    parser.add_argument("--config", help="preset name or config.json (training from scratch)")
    parser.add_argument("--batch-size", type=positive_int, help="global batch size")
    parser.add_argument("--learning-rate", type=positive_float, help="peak learning rate")
    parser.add_argument("--max-seq-length", type=positive_int)
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
    parser.add_argument("--resume-anyway", action="store_true",
                        help="resume a backup in --output-dir written with other arguments "
                        "(the differences are printed); without it such a resume stops")


def add_pretrain_arguments(parser):
    """Flags of `pretrain`."""
    _add_common(parser)
    parser.add_argument("--input", nargs="*", help="text files or globs (plain text or "
                        f"WikiExtractor, .gz ok); default: ${ENV}/enwiki_extract/*.txt*")
    parser.add_argument("--train-files", help="TFRecord shards (glob) already written")
    parser.add_argument("--eval-files", help="held-out TFRecord shards (glob)")
    parser.add_argument("--max-documents", type=positive_int,
                        help="read at most this many documents")
    parser.add_argument("--steps", type=positive_int, help="optimizer steps")
    parser.add_argument("--steps-per-epoch", type=positive_int,
                        help="steps between backups and log rows (default 100; 5 with --tiny)")
    parser.add_argument("--warmup-steps", type=int)
    parser.add_argument("--optimizer", default="lamb", choices=("lamb", "adamw", "sgd"))
    parser.add_argument("--dupe-factor", type=positive_int, default=1)
    parser.add_argument("--max-predictions-per-seq", type=positive_int, default=20)
    parser.add_argument("--init-from", help="hub-layout folder to continue from")


def add_finetune_arguments(parser):
    """Flags of `finetune`."""
    _add_common(parser)
    parser.add_argument("--task", required=True, help="sst2 (or banking77, cola, mrpc, rte, "
                        "stsb), squad, ner, mc")
    parser.add_argument("--data-dir", help="the task's data folder (sst2 and GLUE: train.tsv "
                        "and dev.tsv; squad: train*.json and dev*.json; ner: eng.train and "
                        "eng.testa; mc: train*.jsonl and dev*.jsonl); default: "
                        f"${ENV}/<task folder> (squad_v1.1, conll2003, commonsenseqa, or the "
                        "task name)")
    parser.add_argument("--train-file", help="training file (wins over --data-dir)")
    parser.add_argument("--dev-file", help="dev file, scored each epoch (wins over --data-dir)")
    parser.add_argument("--drop-unlabeled", action="store_true",
                        help="skip rows without a label (their count is printed); without it "
                        "such rows stop the run")
    parser.add_argument("--model", help="pretrained hub-layout folder (config.json, weights, "
                        "spiece.model: what pretrain writes) or hub name")
    parser.add_argument("--epochs", type=positive_int)
    parser.add_argument("--optimizer", default="adamw", choices=("adamw", "lamb", "sgd"))
    parser.add_argument("--limit-train", type=positive_int, help="first N training examples")
    parser.add_argument("--limit-eval", type=positive_int, help="first N dev examples")
    parser.add_argument("--doc-stride", type=positive_int, default=128,
                        help="squad window overlap")
    parser.add_argument("--max-query-length", type=positive_int, default=64,
                        help="squad question tokens kept (lower it for short windows)")
    parser.add_argument("--version-2-with-negative", action="store_true", help="SQuAD v2.0")


def add_parsers(subparsers, parents=()):
    """Adds `pretrain` and `finetune` to an argparse subparsers object."""
    for name, add in (("pretrain", add_pretrain_arguments), ("finetune", add_finetune_arguments)):
        sub = subparsers.add_parser(name, help=HELP[name], description=HELP[name],
                                    parents=list(parents))
        add(sub)
        sub.set_defaults(run=run, command=name)


def _default(value, default):
    return default if value is None else value


def _input_files(patterns):
    """The text files of `--input` (default: $ALBERT_KERAS_DATA/enwiki_extract/*.txt*)."""
    if not patterns:
        root = os.environ.get(ENV)
        if not root:
            raise ValueError(f"no --input given: pass text files, or set {ENV} to a folder "
                             "holding enwiki_extract/")
        patterns = [os.path.join(root, "enwiki_extract", "*.txt*")]
    files = []
    for pattern in patterns:
        hits = sorted(glob.glob(pattern))
        if not hits:
            raise FileNotFoundError(f"--input {pattern}: no such file")
        files += hits
    return files


def _no_text(inputs):
    """The message for --input files that hold no text to pre-train on."""
    more = f" (and {len(inputs) - 1} more files)" if len(inputs) > 1 else ""
    return (f"--input {inputs[0]}{more}: no text to pre-train on (the files are empty or hold "
            "only blank lines and markup)")


def _check_file(flag, path):
    if path is not None and not os.path.exists(path):
        raise FileNotFoundError(f"{flag} {path}: no such file")


def _check_model_folder(path, spiece):
    """A local --model folder must hold what finetune reads (checked before TensorFlow loads)."""
    if path is None or not os.path.isdir(path):
        return
    if not os.path.isfile(os.path.join(path, "config.json")):
        raise FileNotFoundError(f"--model {path}: no config.json in that folder")
    if spiece is None and not os.path.isfile(os.path.join(path, "spiece.model")):
        raise FileNotFoundError(f"--model {path}: no spiece.model in that folder; pass --spiece")


def _run_pretrain(args):
    _check_file("--spiece", args.spiece)
    _check_file("--train-files", args.train_files and (glob.glob(args.train_files) or [
        args.train_files])[0])
    texts_needed = not args.train_files or (args.tiny and not args.spiece)
    inputs = _input_files(args.input) if texts_needed else None

    # local: these import TensorFlow; the parser (`--help`) needs none
    from albert_keras.data import pretraining as data
    from albert_keras.training import distribute
    from albert_keras.training.pretrain import pretrain

    seq = _default(args.max_seq_length, 64 if args.tiny else 512)
    batch = _default(args.batch_size, 8 if args.tiny else 64)
    steps = _default(args.steps, 20 if args.tiny else 10000)
    work = args.output_dir if distribute.is_chief() else os.path.join(
        args.output_dir, ".workers", distribute.task_id())
    os.makedirs(work, exist_ok=True)
    max_docs = _default(args.max_documents, 200 if args.tiny else None)

    def documents():
        for i, document in enumerate(data.read_documents(inputs)):
            if max_docs is not None and i >= max_docs:
                return
            yield document

    if args.spiece:
        tokenizer = AlbertTokenizer(args.spiece)
    elif args.tiny:
        texts = [s for d in documents() for s in d]
        if not texts:
            raise ValueError(_no_text(inputs))
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
        if not files:
            raise ValueError(_no_text(inputs))
        train_files = files[1:] if len(files) > 1 else files
        eval_files = eval_files or (files[:1] if len(files) > 1 else None)
    if args.tiny:
        config = tiny.tiny_config(tokenizer.vocab_size, max_position_embeddings=max(seq, 128))
    elif args.config:
        base = (AlbertConfig.from_json_file(args.config) if args.config.endswith(".json")
                else AlbertConfig.from_preset(args.config))
        config = AlbertConfig.from_dict(dict(base.to_dict(), vocab_size=tokenizer.vocab_size))
    else:
        raise ValueError("pass --config (or --tiny)")
    # The output folder is the model's hub-layout folder (config, weights, tokenizer),
    # beside the training record: `finetune --model OUTPUT_DIR` takes it as it is.
    tokenizer.model_max_length = seq
    result = pretrain(train_files, args.output_dir, config, steps=steps, batch_size=batch,
                      max_seq_length=seq, learning_rate=_default(
                          args.learning_rate, 2e-3 if args.tiny else None),
                      warmup_steps=args.warmup_steps, optimizer=args.optimizer,
                      steps_per_epoch=_default(args.steps_per_epoch, 5 if args.tiny else 100),
                      eval_files=eval_files, mixed_precision=args.mixed_precision,
                      strategy=args.tpu and "tpu" or args.strategy, seed=args.seed,
                      init_from=args.init_from, verbose=2 if args.quiet else "auto",
                      clipnorm=args.clipnorm or None, tokenizer=tokenizer,
                      model_dir=args.output_dir, resume_anyway=args.resume_anyway)
    for key in ("eval_before", "eval_after"):
        if result[key]:
            print(f"{key}: " + ", ".join(f"{k} {v:.4f}" for k, v in sorted(result[key].items())))
    print(f"model: {result['model_dir']}")
    return 0


def _run_finetune(args):
    # Paths first, so that a missing one is named before TensorFlow loads.
    train_file, dev_file = task_files(args.task, args.data_dir, args.train_file, args.dev_file)
    _check_file("--spiece", args.spiece)
    _check_model_folder(args.model, args.spiece)

    # local: TensorFlow; the parser (`--help`) needs none
    from albert_keras.training.finetune import finetune

    epochs = _default(args.epochs, 2 if args.tiny else 3)
    limit_train = _default(args.limit_train, 256 if args.tiny else None)
    limit_eval = _default(args.limit_eval, 128 if args.tiny else None)
    result = finetune(
        args.task, args.output_dir, data_dir=args.data_dir, model=args.model, spiece=args.spiece,
        config=args.config, tiny_setting=args.tiny, epochs=epochs,
        batch_size=_default(args.batch_size, 16 if args.tiny else 32),
        learning_rate=args.learning_rate, optimizer=args.optimizer,
        max_seq_length=_default(args.max_seq_length,
                                64 if args.tiny and args.task != "squad" else None),
        limit_train=limit_train, limit_eval=limit_eval,
        strategy=args.tpu and "tpu" or args.strategy, mixed_precision=args.mixed_precision,
        seed=args.seed, verbose=2 if args.quiet else "auto", clipnorm=args.clipnorm or None,
        train_file=train_file, dev_file=dev_file, doc_stride=args.doc_stride,
        max_query_length=args.max_query_length,
        version_2_with_negative=args.version_2_with_negative,
        drop_unlabeled=args.drop_unlabeled, resume_anyway=args.resume_anyway)
    print(f"strategy: {result['strategy']}")
    print(f"{args.task} dev: " + ", ".join(f"{k} {v:.4f}" for k, v in result["metrics"].items()
                                           if not isinstance(v, dict)))
    print(f"model: {result['model_dir']}")
    return 0


def run(args):
    """Runs `pretrain` or `finetune` from parsed arguments; returns the exit status."""
    return {"pretrain": _run_pretrain, "finetune": _run_finetune}[args.command](args)


PROG = "python -m albert_keras.training"


def build_parser():
    """A stand-alone parser with the two subcommands (for `python -m albert_keras.training`)."""
    parser = argparse.ArgumentParser(prog=PROG, description="ALBERT pre-training and fine-tuning")
    add_parsers(parser.add_subparsers(dest="command", metavar="COMMAND", required=True),
                parents=[common_arguments()])
    return parser


def main(argv=None):
    """Parses `argv` and runs the subcommand; returns the exit status, errors as one line
    (as `albert-keras pretrain|finetune` does: `albert_keras.command_runner.run_parsed`)."""
    return run_parsed(build_parser().parse_args(argv), prog=PROG)
