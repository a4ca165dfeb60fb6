"""The training record: a metrics CSV (Keras' CSVLogger) and a PNG plot of its curves (matplotlib, Agg)."""

import csv
import logging
import os

from albert_keras.checkpoints.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)


def read_log(path):
    """The CSV log as {column: list of floats} (non-numbers skipped)."""
    columns = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for key, value in row.items():
                try:
                    columns.setdefault(key, []).append(float(value))
                except (TypeError, ValueError):
                    continue
    return columns


def plot_curves(log_path, png_path, title="training"):
    """Draws every logged metric against the epoch (train and `val_` in one panel each).

    Returns:
        str or None: `png_path`, or None when matplotlib is not installed (logged).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        logger.warning("matplotlib is not installed: no plot written (pip install matplotlib)")
        return None
    columns = read_log(log_path)
    x = columns.pop("epoch", None)
    names = sorted(k for k in columns if not k.startswith("val_") and k != "learning_rate")
    if not names or not x:
        return None
    figure, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.2), squeeze=False)
    for axis, name in zip(axes[0], names):
        axis.plot([e + 1 for e in x], columns[name], marker=".", label="train")
        if "val_" + name in columns:
            axis.plot([e + 1 for e in x], columns["val_" + name], marker=".", label="validation")
            axis.legend()
        axis.set_title(name)
        axis.set_xlabel("epoch")
    figure.suptitle(title)
    figure.tight_layout()
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    plt.close(figure)
    atomic_write_bytes(png_path, buffer.getvalue())
    return png_path


def write_json(path, data):
    """Writes a JSON file atomically."""
    import json

    atomic_write_bytes(path, json.dumps(data, indent=1, sort_keys=True).encode())
    return os.path.abspath(path)
