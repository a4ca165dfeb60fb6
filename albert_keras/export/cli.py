"""`albert-keras export saved-model|tflite MODEL_DIR OUT --task TASK ...` (arguments and exit codes)."""

import argparse
import sys

import albert_keras.export as api

from . import names

DESCRIPTION = ("Export a model folder as a TF Serving SavedModel or as TFLite files. Every "
               "artifact is reloaded and checked against the Keras model on real text before "
               "it is written. Exit status: 0 verified, 1 verification failed, 2 bad arguments.")


def add_parsers(subparsers, parents=()):
    """Adds the `export` command (with `saved-model` and `tflite`) to an argparse subparsers."""
    parser = subparsers.add_parser("export", help="export to TF Serving SavedModel or TFLite",
                                   description=DESCRIPTION, parents=list(parents))
    kinds = parser.add_subparsers(dest="format", required=True)
    for kind, help_text in (("saved-model", "versioned SavedModel OUT/NAME/VERSION"),
                            ("tflite", "one .tflite per quantization mode")):
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("model_dir", help="hub-layout folder (config.json, weights, spiece.model) "
                         "or a shipped model's name (albert-tiny-en-sst2)")
        sub.add_argument("out", help="output folder")
        sub.add_argument("--task", required=True, choices=sorted(names.TASKS))
        sub.add_argument("--sequence-length", type=int, default=128)
        sub.add_argument("--texts", help="text file for verification: one example per line "
                         "(pairs: tab-separated; multiple choice: prompt<TAB>choice<TAB>...); "
                         "default: held-out text shipped with albert-keras")
        sub.add_argument("--no-strict", action="store_true",
                         help="write artifacts that fail verification too (exit status stays 1)")
    saved = kinds.choices["saved-model"]
    saved.add_argument("--name", help="model name (folder); default albert-TASK")
    saved.add_argument("--version", type=int, help="version folder; default next free")
    saved.add_argument("--text-pair", action="store_true",
                       help="text-classification on sentence pairs")
    lite = kinds.choices["tflite"]
    lite.add_argument("--quantize", default="float32",
                      choices=list(names.MODES) + ["all"])
    lite.add_argument("--num-choices", type=int, default=2)
    lite.add_argument("--calibration-texts", help="text file for int8/int16x8 calibration")
    lite.add_argument("--latency-runs", type=int, default=10)
    lite.add_argument("--any-length", action="store_true",
                      help="files that take any length (LiteRT resizes per call; what "
                      "albert_keras.pipeline runs fastest), not the Task Library's fixed length")
    parser.set_defaults(run=run)
    return parser


add_parser = add_parsers  # its old name


def _read(path, task):
    return api.read_texts(path, task) if path else None


def run(args):
    """Runs `albert-keras export ...`; returns the process exit code (0: verified)."""
    def progress(message):
        print(message, flush=True)

    try:
        texts = _read(args.texts, args.task)
        if args.format == "saved-model":
            report = api.export_saved_model(
                args.model_dir, args.out, args.task, sequence_length=args.sequence_length,
                name=args.name, version=args.version, text_pair=args.text_pair, texts=texts,
                strict=not args.no_strict, progress=progress)
        else:
            report = api.export_tflite(
                args.model_dir, args.out, args.task, quantize=args.quantize,
                sequence_length=None if args.any_length else args.sequence_length,
                num_choices=args.num_choices,
                texts=texts, calibration_texts=_read(args.calibration_texts, args.task),
                latency_runs=args.latency_runs, strict=not args.no_strict, progress=progress)
    except api.ExportError as error:
        failed = [f"{r.mode} ({'; '.join(r.failures)})" for r in error.report.results
                  if not r.passed]
        print(f"error: verification failed for {', '.join(failed)}; the failed artifacts "
              "were not written (--no-strict writes them anyway)", file=sys.stderr)
        return 1
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0 if report.passed else 1


def main(argv=None):
    """`python -m albert_keras.export ...` (the same arguments as `albert-keras export ...`)."""
    parser = argparse.ArgumentParser(prog="python -m albert_keras.export")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_parsers(subparsers)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "export":
        argv = ["export"] + argv
    args = parser.parse_args(argv)
    return args.run(args)
