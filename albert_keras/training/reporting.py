"""The training record: a metrics CSV (Keras' CSVLogger) and a PNG plot of its curves (matplotlib, Agg)."""

import csv
import io
import json
import logging
import os

from albert_keras.weights.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)


def read_log(path):
    """The CSV log as {column: [(epoch, value), ...]}; empty or non-numeric cells skipped.

    A resumed run appends to the same log, so an epoch may appear twice: the later
    row wins.
    """
    columns = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                epoch = int(float(row.pop("epoch")))
            except (KeyError, TypeError, ValueError):
                continue
            for key, value in row.items():
                try:
                    columns.setdefault(key, {})[epoch] = float(value)
                except (TypeError, ValueError):
                    continue
    return {k: sorted(v.items()) for k, v in columns.items()}


def plot_curves(log_path, png_path, title="training"):
    """Draws every logged metric against the epoch (train and `val_` in one panel each).

    Returns:
        str or None: `png_path`, or None when matplotlib is not installed (logged).
    """
    try:
        import matplotlib  # local: slow to import (and optional here); only the plot needs it

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # local: after use("Agg"), the file-only backend
    except ImportError:
        logger.warning("matplotlib is not installed: no plot written (pip install matplotlib)")
        return None
    columns = read_log(log_path)
    names = sorted(k for k in columns if not k.startswith("val_") and k != "learning_rate")
    names += sorted(k for k in columns if k.startswith("val_") and k[4:] not in columns)
    if not names:
        return None
    figure, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
    for axis, name in zip(axes[0], names):
        for key, label in ((name, "train"), ("val_" + name, "validation")):
            if key in columns:
                epochs, values = zip(*columns[key])
                axis.plot([e + 1 for e in epochs], values, marker=".",
                          label="validation" if key.startswith("val_") else label)
        axis.legend()
        axis.set_title(name)
        axis.set_xlabel("epoch")
    figure.suptitle(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    atomic_write_bytes(png_path, buffer.getvalue())
    return png_path


def write_json(path, data):
    """Writes a JSON file atomically."""
    atomic_write_bytes(path, json.dumps(data, indent=1, sort_keys=True).encode())
    return os.path.abspath(path)
