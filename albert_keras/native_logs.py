"""Keeps TensorFlow's and LiteRT's native (C++) log lines off stderr; Python's own output stays.

TensorFlow writes about nine lines when it loads (absl's "before InitializeLog" notice, the
oneDNN and CUDA-stub notes, the CPU feature guard, `failed call to cuInit` on a machine with
no GPU) and LiteRT logs every accelerator it registers and destroys. None of them is about
the user's model, and a reader takes the `E0000` lines for failures. The two moments that
print them are wrapped here: importing TensorFlow (with its first device query) and creating
or tearing down LiteRT. Native output in those moments goes to a temporary file; lines in
the native log formats are dropped and anything else is written back to stderr, so a Python
warning or a message from another library is never lost. Outside those moments nothing is
changed: TensorFlow code the user runs logs as TensorFlow always does.

Set `ALBERT_KERAS_VERBOSE=1` (the CLI's `--verbose` does) to see every line.

Example:
>>> import sys
>>> from albert_keras.native_logs import is_native_log_line
>>> is_native_log_line("E0000 00:00:1796 cuda_platform.cc:52] failed call to cuInit")
True
>>> is_native_log_line("UserWarning: something worth reading")
False
"""

import atexit
import contextlib
import ctypes
import importlib.util
import os
import re
import sys
import tempfile

VERBOSE_VARIABLE = "ALBERT_KERAS_VERBOSE"
# glog / absl ("I0000 00:00:17... file.cc:12] ..."), LiteRT ("INFO: [file.cc:43] ..."), the
# TFLite runtime's delegate notice, and the continuation line of TensorFlow's CPU feature guard.
_NATIVE_LINE = re.compile(
    r"^([IWEF]\d{4} \d\d:\d\d:\S+\s+\d+ \S+:\d+\]"
    r"|(INFO|WARNING|ERROR|VERBOSE): \[\S+:\d+\]"
    r"|INFO: Created TensorFlow Lite \S+ delegate for"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called"
    r"|To enable the following instructions: .* rebuild TensorFlow with)")
_CONTINUATION = re.compile(r"^(└|\s)")  # LiteRT indents the detail of the line before


def native_log_free(lines):
    """`lines` without the native log lines (and the indented lines that continue them)."""
    dropping = False
    for line in lines:
        dropping = is_native_log_line(line) or (dropping and bool(_CONTINUATION.match(line)))
        if not dropping:
            yield line


def is_native_log_line(line):
    """True for a line in the log format of TensorFlow's, absl's or LiteRT's C++ code."""
    return bool(_NATIVE_LINE.match(line))


def verbose():
    """True when the user asked for every native log line (`ALBERT_KERAS_VERBOSE=1`)."""
    return os.environ.get(VERBOSE_VARIABLE, "").lower() not in ("", "0", "false", "no")


def _flush_c_stdio():
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # no C library to reach (not POSIX)
        pass


@contextlib.contextmanager
def quiet_native_stderr():
    """Inside: what native code writes to stderr is held back; after: all but its log lines
    are written to stderr. Python exceptions pass through unchanged.

    Why the process-wide descriptor 2 is redirected: the lines are written by C++ straight
    to it, and no public switch stops them. `TF_CPP_MIN_LOG_LEVEL=3` leaves TensorFlow's
    start-up lines in place (absl prints messages below its threshold while logging is not
    yet initialised: abseil/abseil-cpp#1957, open), and `ai_edge_litert` has no Python
    setting for its log level.
    """
    if verbose():
        yield
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no real stderr (some notebooks)
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            _flush_c_stdio()
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = list(native_log_free(
                held.read().decode("utf-8", "replace").splitlines(True)))
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


def import_tensorflow():
    """`import tensorflow` (and its first device query), without its native start-up lines.

    Returns:
        The `tensorflow` module.
    """
    if "tensorflow" in sys.modules:
        return sys.modules["tensorflow"]
    with quiet_native_stderr():
        import tensorflow as tf  # local: imported here, inside quiet_native_stderr

        tf.config.list_physical_devices()  # TensorFlow probes CUDA (and logs it) here
    return tf


class _QuietTensorFlowImport:
    """A `sys.meta_path` finder that performs the first `import tensorflow` through
    `import_tensorflow`, wherever in the process it happens, then steps aside."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _QuietTensorFlowImport)]
        with quiet_native_stderr():
            spec = importlib.util.find_spec(name)
            if spec is None:
                return None
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            try:
                spec.loader.exec_module(module)
                module.config.list_physical_devices()  # TensorFlow probes CUDA (and logs) here
            except BaseException:
                sys.modules.pop(name, None)
                raise
        return importlib.util.spec_from_loader(name, _Imported(module, spec))


class _Imported:
    """Loader of a module already imported: hands it back with its own spec."""

    def __init__(self, module, spec):
        self.module, self.spec = module, spec

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        module.__spec__, module.__loader__ = self.spec, self.spec.loader


def quiet_tensorflow_import():
    """From now on, the process's first `import tensorflow` runs without its native start-up
    lines (the `albert-keras` command installs this; a library user's imports are their own)."""
    if "tensorflow" in sys.modules or verbose():
        return
    if not any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())


_EXIT_QUIET = []


def quiet_at_exit():
    """Drops the native log lines printed while the process exits (LiteRT logs each
    accelerator it destroys); registered once, run after the user's own exit handlers."""
    if _EXIT_QUIET or verbose():
        return
    _EXIT_QUIET.append(True)
    atexit.register(_silence_native_stderr_for_exit)


def _silence_native_stderr_for_exit():
    """Points descriptor 2 at /dev/null for the exit: LiteRT's teardown logs natively to it,
    with no public switch (see `quiet_native_stderr`)."""
    try:
        sys.stderr.flush()
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
