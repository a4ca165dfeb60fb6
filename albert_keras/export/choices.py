"""The export's task and quantization-mode names, importable without TensorFlow.

The `albert-keras` parser lists them. The tasks are the exported rows of the task registry
(`albert_keras.tasks`); `quantization.MODES` holds the modes themselves, in this order
(tests/export/test_cli.py checks they agree).
"""

from albert_keras.tasks import EXPORTED

TASKS = EXPORTED
MODES = ("float32", "float16", "dynamic", "int8", "int16x8")
