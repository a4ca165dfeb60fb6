"""The export's task and quantization-mode names, importable without TensorFlow.

The `albert-keras` parser lists them; `signatures.TASKS` and `quantization.MODES` hold the
tasks and modes themselves, in this order (tests/export/test_cli.py checks they agree).
"""

TASKS = ("text-classification", "token-classification", "question-answering", "fill-mask",
         "multiple-choice", "feature-extraction")
MODES = ("float32", "float16", "dynamic", "int8", "int16x8")
