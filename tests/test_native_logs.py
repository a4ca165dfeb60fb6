"""Native log lines are dropped; everything else written to stderr is kept."""

import os
import subprocess
import sys

from albert_keras import native_logs

NATIVE = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    "I0000 00:00:1796389648.651807   13179 port.cc:153] oneDNN custom operations are on.\n",
    "E0000 00:00:1796389652.747755   13179 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
    ("To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild "
     "TensorFlow with the appropriate compiler flags.\n"),
    "INFO: [accelerator_registry.cc:43] DestroyAccelerator: ptr=0x55be6dd093d0, name=Npu\n",
    "WARNING: [compiler_plugin.cc:312] Failed to load plugin at: /x/libPlugin.so\n",
    "└ Could not load shared library /x/libPlugin.so: cannot open shared object file\n",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.\n",
]
KEPT = ["WARNING: the head of AlbertForSequenceClassification is newly initialized\n",
        "UserWarning: something worth reading\n", "  indented, but after a kept line\n",
        "Traceback (most recent call last):\n"]


def test_filter_drops_native_lines_and_keeps_the_rest():
    assert list(native_logs.native_log_free(NATIVE)) == []
    assert list(native_logs.native_log_free(KEPT)) == KEPT
    mixed = [NATIVE[0], KEPT[0], NATIVE[5], NATIVE[6], KEPT[1]]
    assert list(native_logs.native_log_free(mixed)) == [KEPT[0], KEPT[1]]


_CHILD = """
import os, sys
from albert_keras import native_logs
with native_logs.quiet_native_stderr():
    os.write(2, b"E0000 00:00:1796389652.747755   13179 cuda_platform.cc:52] failed call\\n")
    os.write(2, b"a line from another library\\n")
    print("python's own warning", file=sys.stderr)
print("after", file=sys.stderr)
"""


def _child(code, **env):
    # Without tests/conftest.py's TF_CPP_MIN_LOG_LEVEL, as a user's process starts.
    environment = {k: v for k, v in os.environ.items()
                   if k != native_logs.VERBOSE_VARIABLE and not k.startswith("TF_CPP")}
    return subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True,
                          timeout=120, env=dict(environment, **env))


def test_quiet_stderr_replays_everything_but_native_lines():
    result = _child(_CHILD)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "a line from another library\npython's own warning\nafter\n"


def test_verbose_variable_keeps_every_line():
    result = _child(_CHILD, ALBERT_KERAS_VERBOSE="1")
    assert "cuda_platform.cc:52] failed call" in result.stderr


def test_quiet_import_hook_gives_the_real_tensorflow_without_its_start_up_lines():
    code = ("from albert_keras import native_logs\nnative_logs.quiet_tensorflow_import()\n"
            "import keras\nimport tensorflow as tf\n"
            "assert tf.__spec__.name == 'tensorflow' and tf.__spec__.origin.endswith('.py')\n"
            "print(int(tf.reduce_sum(tf.ones(3))))\n")
    result = _child(code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "3\n"
    assert result.stderr == ""


def test_a_keras_pipeline_made_by_the_library_prints_no_native_lines():
    code = ("from albert_keras import pipeline\n"
            "print(pipeline('text-classification', 'albert-tiny-en-sst2')(['a dull mess'])"
            "[0]['label'])\n")
    result = _child(code, HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    assert (result.stdout, result.stderr) == ("negative\n", "")
