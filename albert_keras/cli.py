"""`albert-keras` argument parsing and dispatch only; the subcommands live beside their code.

Usage:
    albert-keras fill-mask TEXT... | classify TEXT... | answer QUESTION CONTEXT [--model M]
    albert-keras convert SRC DST [--to hf|keras|keras-hub] [--task TASK] [--config JSON]
    albert-keras export saved-model|tflite MODEL_DIR OUT --task TASK [--quantize MODE]
    albert-keras pretrain ... / albert-keras finetune --task sst2|squad|ner|mc ...
    python -m albert_keras.cli ...

Each group of subcommands lives beside its code and exposes `add_parsers(subparsers,
parents)`, which declares its flags and sets `run(args)`: the work through the library,
returning the exit status (`COMMAND_GROUPS`).
Failures print one line, `albert-keras <command>: error: ...`, and exit 1 (the traceback
only with `--verbose`).
"""

import argparse
import sys
from importlib import metadata

from albert_keras import __version__
from albert_keras.checkpoints import convert
from albert_keras.command_runner import common_arguments, run_parsed
from albert_keras.export import cli as export_cli
from albert_keras.pipelines import cli as pipelines_cli
from albert_keras.training import cli as training_cli

# In the order `albert-keras --help` lists them. Each module imports only argparse-level
# code at import time; TensorFlow comes in when a command runs.
COMMAND_GROUPS = (convert, pipelines_cli, training_cli, export_cli)
# Old names, for code that imported them from here.
FORMATS_OUT, WRITERS = convert.FORMATS_OUT, convert.WRITERS
_keras_hub_summary = convert._keras_hub_summary


def build_parser():
    """The `albert-keras` parser: each of `COMMAND_GROUPS` adds its subcommands."""
    common = common_arguments()
    parser = argparse.ArgumentParser(prog="albert-keras",
                                     description="ALBERT for Keras 3: convert checkpoints, "
                                     "pre-train, fine-tune, export.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for group in COMMAND_GROUPS:
        group.add_parsers(subparsers, parents=[common])
    return parser


def _version():
    """The installed package's version (its metadata), else the source tree's."""
    try:
        return metadata.version("albert-keras")
    except metadata.PackageNotFoundError:
        return __version__


def main(argv=None):
    """Runs one subcommand; returns its exit status (0 ok, 1 error, 2 usage, 130 interrupt)."""
    return run_parsed(build_parser().parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
