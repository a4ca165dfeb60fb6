"""`albert-keras` argument parsing and dispatch only; each subcommand is one entry of `COMMANDS`.

Usage:
    albert-keras fill-mask TEXT... | classify TEXT... | answer QUESTION CONTEXT [--model M]
    albert-keras convert SRC DST [--to hf|keras|keras-hub] [--task TASK] [--config JSON]
    albert-keras export saved-model|tflite MODEL_DIR OUT --task TASK [--quantize MODE]
    albert-keras pretrain ... / albert-keras finetune --task sst2|squad|ner|mc ...
    python -m albert_keras.cli ...

A subcommand is a `Command(help, add_arguments, run)`: `add_arguments(parser)` declares
its flags, `run(args)` does the work through the library and returns the exit status.
Failures print one line, `albert-keras <command>: error: ...`, and exit 1 (the traceback
only with `--verbose`).
"""

import argparse
import collections
import logging
import os
import sys

from albert_keras.command_runner import common_arguments, run_parsed

Command = collections.namedtuple("Command", ["help", "add_arguments", "run"])
FORMATS_OUT = ("hf", "keras", "keras-hub")


# ------------------------------------------------------------------ convert
def _add_convert_arguments(parser):
    parser.add_argument("src", metavar="SRC", help="checkpoint to read: a folder or file in any "
                        "format `albert_keras.load` detects, or a Hugging Face hub name")
    parser.add_argument("dst", metavar="DST", help="where to write (a folder, or a .keras file)")
    parser.add_argument("--to", choices=FORMATS_OUT, default=None,
                        help="output format; default: keras for a DST ending in .keras, else hf")
    parser.add_argument("--task", default=None, help="model class or pipeline name, e.g. "
                        "AlbertForMaskedLM or fill-mask (default: the checkpoint's own)")
    parser.add_argument("--config", default=None, help="config JSON for checkpoints that "
                        "lack one beside them (e.g. a bare TF1 prefix or a .weights.h5)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace DST if it exists (default: refuse)")


def _run_convert(args):
    """Reads SRC in any format, writes DST in the chosen one; prints progress and a summary."""
    from albert_keras.checkpoints import formats

    to = args.to or ("keras" if args.dst.endswith(".keras") else "hf")
    if to == "keras" and not args.dst.endswith(".keras"):
        raise ValueError(f"--to keras writes a .keras file; DST={args.dst!r} must end in .keras")
    if os.path.exists(args.dst) and not args.overwrite and not _empty_dir(args.dst):
        raise FileExistsError(f"{args.dst} exists; pass --overwrite to replace it")
    config = None
    if args.config:
        from albert_keras.checkpoints.tf1 import read_config

        config = read_config(args.config)
    fmt = formats.detect_format(args.src)
    print(f"Reading {args.src} ({fmt})", flush=True)
    model = formats.load(args.src, task=args.task, config=config, progress=None)
    vocabulary = formats.find_vocabulary(args.src)
    print(_summary(model.loading_info), flush=True)
    print(f"Writing {type(model).__name__} to {args.dst} ({to})", flush=True)
    WRITERS[to](model, args.dst, vocabulary)
    print(f"Done: {args.dst}", flush=True)
    return 0


def _summary(report, shown=6):
    """Loaded / new / ignored counts, with the first few names of each list."""
    def names(items):
        more = f", ... {len(items) - shown} more" if len(items) > shown else ""
        return f" ({', '.join(items[:shown])}{more})" if items else ""

    return (f"Loaded {len(report.loaded)} weights; new {len(report.new)}{names(report.new)}; "
            f"ignored {len(report.ignored)}{names(report.ignored)}")


def _empty_dir(path):
    return os.path.isdir(path) and not os.listdir(path)


def _write_hf(model, dst, vocabulary):
    """config.json + model.safetensors (+ spiece.model and tokenizer files), atomically; an
    existing DST is replaced as a whole (none of its files stays beside the new weights)."""
    from albert_keras.weights import hf
    from albert_keras.weights.atomic import atomic_directory

    with atomic_directory(dst, replace=True) as tmp:
        hf.save_model(model, tmp)
        if vocabulary is not None:
            from albert_keras.tokenization import AlbertTokenizer

            AlbertTokenizer(vocabulary).save_pretrained(tmp)


def _write_keras(model, dst, vocabulary):
    """One .keras file, written beside DST and renamed into place."""
    from albert_keras.weights.atomic import default_permissions, temporary_file

    tmp = temporary_file(dst, suffix=".keras")
    try:
        model.save(tmp)
        default_permissions(tmp)  # mkstemp's 0600, as a plain open would write it
        os.replace(tmp, dst)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if vocabulary is not None:
        logging.getLogger(__name__).warning(
            "a .keras file holds the model only; the tokenizer (%s) is not included", vocabulary)


def _write_keras_hub(model, dst, vocabulary):
    """A keras-hub preset folder (+ its AlbertTokenizer assets), atomically."""
    from albert_keras.checkpoints import keras_hub

    report = keras_hub.save_preset(model, dst, vocabulary=vocabulary, replace=True)
    summary = _keras_hub_summary(report)
    if summary:
        print(summary, flush=True)


def _keras_hub_summary(report):
    """What the keras-hub preset does not carry over, in words ("" when it carries everything)."""
    parts = []
    if report.new:
        parts.append(f"freshly initialized (not in the source): {', '.join(report.new)}")
    if report.ignored:
        parts.append(f"left out (keras-hub has no place for them): {', '.join(report.ignored)}")
    return "keras-hub: " + "; ".join(parts) if parts else ""


WRITERS = {"hf": _write_hf, "keras": _write_keras, "keras-hub": _write_keras_hub}

COMMANDS = {
    "convert": Command("convert a checkpoint (HF, Google TF1/TF-Hub, keras-hub, .keras) to "
                       "hf, keras or keras-hub", _add_convert_arguments, _run_convert),
}


# ------------------------------------------------------------------ dispatch
def build_parser():
    """The `albert-keras` parser with one subparser per entry of `COMMANDS`."""
    common = common_arguments()
    parser = argparse.ArgumentParser(prog="albert-keras",
                                     description="ALBERT for Keras 3: convert checkpoints, "
                                     "pre-train, fine-tune, export.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, command in COMMANDS.items():
        sub = subparsers.add_parser(name, help=command.help, description=command.help,
                                    parents=[common])
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    # Subcommand groups that live beside their code: training (pretrain, finetune), export.
    from albert_keras.export import cli as export_cli
    from albert_keras.pipelines import cli as pipelines_cli
    from albert_keras.training import cli as training_cli

    pipelines_cli.add_parsers(subparsers, parents=[common])
    training_cli.add_parsers(subparsers, parents=[common])
    export = export_cli.add_parser(subparsers)
    export.set_defaults(run=export_cli.run, verbose=False)
    return parser


def _version():
    """The installed package's version (its metadata), else the source tree's."""
    from importlib import metadata

    try:
        return metadata.version("albert-keras")
    except metadata.PackageNotFoundError:
        from albert_keras import __version__

        return __version__


def main(argv=None):
    """Runs one subcommand; returns its exit status (0 ok, 1 error, 2 usage, 130 interrupt)."""
    return run_parsed(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
