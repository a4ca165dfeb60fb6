"""`albert-keras convert SRC DST`: any ALBERT checkpoint in, a Hugging Face folder, a .keras
file or a keras-hub preset out (`WRITERS`), each written atomically.

Example:
>>> import argparse
>>> parser = argparse.ArgumentParser(prog="albert-keras")
>>> _ = add_parsers(parser.add_subparsers(dest="command"))
>>> args = parser.parse_args(["convert", "albert-base-v2", "out.keras"])
>>> args.run is run, args.to, sorted(WRITERS)
(True, None, ['hf', 'keras', 'keras-hub'])
"""

import logging
import os

FORMATS_OUT = ("hf", "keras", "keras-hub")
HELP = "convert a checkpoint (HF, Google TF1/TF-Hub, keras-hub, .keras) to hf, keras or keras-hub"


def add_parsers(subparsers, parents=()):
    """Adds `convert` to an argparse subparsers object."""
    sub = subparsers.add_parser("convert", help=HELP, description=HELP, parents=list(parents))
    add_arguments(sub)
    sub.set_defaults(run=run)
    return sub


def add_arguments(parser):
    """The arguments of `albert-keras convert`."""
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


def run(args):
    """Reads SRC in any format, writes DST in the chosen one; prints progress and a summary."""
    # local: the checkpoint code loads when `convert` runs, not when the command line is parsed
    from albert_keras.checkpoints import formats

    to = args.to or ("keras" if args.dst.endswith(".keras") else "hf")
    if to == "keras" and not args.dst.endswith(".keras"):
        raise ValueError(f"--to keras writes a .keras file; DST={args.dst!r} must end in .keras")
    if os.path.exists(args.dst) and not args.overwrite and not _empty_dir(args.dst):
        raise FileExistsError(f"{args.dst} exists; pass --overwrite to replace it")
    config = None
    if args.config:
        # local: the checkpoint code loads when `convert` runs, not when the command line is parsed
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
    # local: the checkpoint code loads when `convert` runs, not when the command line is parsed
    from albert_keras.weights import hf
    from albert_keras.weights.atomic import atomic_directory

    with atomic_directory(dst, replace=True) as tmp:
        hf.save_model(model, tmp)
        if vocabulary is not None:
            # local: sentencepiece, only when there is a vocabulary to write
            from albert_keras.tokenization import AlbertTokenizer

            AlbertTokenizer(vocabulary).save_pretrained(tmp)


def _write_keras(model, dst, vocabulary):
    """One .keras file, written beside DST and renamed into place."""
    # local: the checkpoint code loads when `convert` runs, not when the command line is parsed
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
    # local: the checkpoint code loads when `convert` runs, not when the command line is parsed
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
