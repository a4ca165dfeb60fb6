"""Writes the float32 LiteRT file of each shipped model, the file the `albert-keras` commands run.

`albert-keras fill-mask` / `classify` / `answer` on a shipped model run its
`litert/model-float32.tflite` (any sequence length, verified against the Keras model by the
export) on LiteRT, without importing TensorFlow. Run this after retraining a shipped model;
`tests/test_shipped_litert.py` fails while a file is stale.

    python scripts/export_shipped_litert.py                 # every shipped model
    python scripts/export_shipped_litert.py albert-tiny-en-sst2
"""

import argparse
import os
import shutil
import tempfile

VERIFIED_TEXTS = 64  # held-out examples the export compares with Keras (float32: all equal)


def task_of(name):
    """The task a shipped model is exported for: the first one it is the default model of."""
    from albert_keras.shipped import DEFAULT_MODELS

    return next(task for task, default in DEFAULT_MODELS.items() if default == name)


def main(argv=None):
    from albert_keras.export import default_texts, export_tflite

    from albert_keras.shipped import SHIPPED_MODELS, litert_path, shipped_path

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", default=sorted(SHIPPED_MODELS))
    args = parser.parse_args(argv)
    for name in args.names:
        folder = shipped_path(name)
        task = task_of(name)
        destination = litert_path(name, check=False)
        with tempfile.TemporaryDirectory() as out:
            report = export_tflite(folder, out, task, quantize="float32", sequence_length=None,
                                   texts=default_texts(task)[:VERIFIED_TEXTS], latency_runs=1, progress=print)
            print(report.table())
            written = [n for n in os.listdir(out) if n.endswith(".tflite")]
            os.makedirs(os.path.dirname(destination), exist_ok=True)
            shutil.copyfile(os.path.join(out, written[0]), destination + ".tmp")
            os.replace(destination + ".tmp", destination)
        print(f"{name}: {task} -> {destination}")


if __name__ == "__main__":
    main()
