"""Runs a parsed `albert-keras` command: logging, quiet native logs, one error line and an exit status.

`albert-keras` (`albert_keras.cli`) and `python -m albert_keras.training` share it, so both
print a failure as one line `PROG COMMAND: error: ...` and exit 1 (the traceback too with
`--verbose`), and Ctrl-C as status 130.
"""

import argparse
import logging
import os
import sys
import traceback

from albert_keras import native_logs


def common_arguments():
    """A parent parser with the flags every subcommand takes (`--verbose`)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true",
                        help="log details and show the traceback on errors")
    return common


def run_parsed(args, prog="albert-keras"):
    """Runs `args.run(args)`; an exception becomes one line `PROG COMMAND: error: ...` on
    stderr and exit status 1 (the traceback too with `args.verbose`), Ctrl-C status 130."""
    _configure_logging(args.verbose)
    _quiet_native_logs(args.verbose)
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        print(f"{prog} {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 (the one place errors become an exit status)
        if args.verbose:
            traceback.print_exc()
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        print(f"{prog} {args.command}: error: {message or type(error).__name__}",
              file=sys.stderr)
        return 1


def _quiet_native_logs(verbose):
    """No TensorFlow / absl / LiteRT C++ log lines unless --verbose (albert_keras.native_logs);
    errors still reach the user as exceptions, printed by `run_parsed` as one line."""
    if verbose:
        os.environ[native_logs.VERBOSE_VARIABLE] = "1"
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's C++ logs after start-up
    native_logs.quiet_tensorflow_import()  # ... and the lines it prints while it starts


class _StderrHandler(logging.StreamHandler):
    """A StreamHandler on whatever `sys.stderr` is at the time of each message."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value):
        pass


def _configure_logging(verbose):
    """Warnings (e.g. newly initialized heads) always; details with --verbose."""
    logger = logging.getLogger("albert_keras")
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        logger.addHandler(handler)
