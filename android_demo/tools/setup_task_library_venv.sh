#!/usr/bin/env bash
# Creates (once) the virtualenv that runs the TFLite Task Library's native text APIs here.
#
# tflite-support 0.4.4 (the Python wheel of the C++ code that org.tensorflow:tensorflow-lite-
# task-text:0.4.4 runs on Android) pins protobuf 3.x, which TensorFlow 2.21 cannot share, so it
# lives in its own Python 3.11 venv. It needs numpy<2 (built against numpy 1) and Debian's
# libusb-1.0-0 (its wheel links libusb for the Edge TPU delegate).
#
# Usage: bash android_demo/tools/setup_task_library_venv.sh     # prints the venv's python
# Env:   TASK_LIBRARY_VENV  venv folder (default ~/.cache/albert-keras/tflite-support-venv)
#        PYTHON311          the interpreter that creates it (default python3.11)
set -euo pipefail
VENV="${TASK_LIBRARY_VENV:-$HOME/.cache/albert-keras/tflite-support-venv}"
PYTHON311="${PYTHON311:-python3.11}"
PY="$VENV/bin/python"

if ! ldconfig -p 2>/dev/null | grep -q 'libusb-1.0.so.0'; then
    echo "libusb-1.0-0 is missing: apt-get install -y libusb-1.0-0" >&2
    exit 1
fi
if [ -x "$PY" ] && "$PY" -c 'from tflite_support.task import text' 2>/dev/null; then
    echo "$PY"
    exit 0
fi
"$PYTHON311" -m venv "$VENV" >&2
"$PY" -m pip install --quiet --upgrade pip >&2
"$PY" -m pip install --quiet "tflite-support==0.4.4" "numpy<2" >&2
"$PY" -c 'from tflite_support.task.text import BertNLClassifier, BertQuestionAnswerer' >&2
echo "$PY"
