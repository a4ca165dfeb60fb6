"""Put name -> array into a model: shape and dtype checks, missing / new / ignored report, all or nothing."""

import dataclasses
import logging

import numpy as np

from albert_keras.weights.names import TIED_OR_BUFFER_KEYS, resolve

logger = logging.getLogger(__name__)


class WeightMismatchError(ValueError):
    """Weights that cannot be loaded: missing from the checkpoint or of the wrong shape."""


@dataclasses.dataclass
class LoadReport:
    """What a load did: loaded keys, weights left at their fresh initialization, ignored keys."""

    source: str
    loaded: list[str]
    new: list[str]
    ignored: list[str]

    def summary(self):
        """One paragraph for logs and the CLI."""
        text = f"Loaded {len(self.loaded)} weights from {self.source}."
        if self.new:
            text += (f" Newly initialized (train before use): {', '.join(self.new)}.")
        if self.ignored:
            text += f" Ignored checkpoint weights: {', '.join(self.ignored)}."
        return text


def assign_weights(model, tensors, rows, source, key_of=lambda row: row.hf_key,
                   transpose_of=lambda row: row.transpose):
    """Checks every row against `tensors`, then assigns all of them (or none).

    Backbone rows must be present; pooler and head rows may be missing (they keep
    their fresh initialization and are reported as new, as transformers does).
    Keys no row uses are reported as ignored.

    Raises:
        WeightMismatchError: missing backbone weights or shape mismatches, all listed.
    """
    values, missing, mismatched, new = {}, [], [], []
    for row in rows:
        key = key_of(row)
        variable = resolve(model, row.path)
        if key not in tensors:
            (new if row.part in ("head", "pooler") else missing).append(key)
            continue
        value = np.asarray(tensors[key])
        if transpose_of(row):
            value = value.T
        expected = tuple(variable.shape)
        if value.shape != expected:
            mismatched.append(f"{key}: checkpoint {value.shape} vs model {expected}")
            continue
        if not (np.issubdtype(value.dtype, np.floating) or value.dtype.name == "bfloat16"):
            mismatched.append(f"{key}: dtype {value.dtype} is not floating point")
            continue
        values[row.path] = (variable, value)
    if missing or mismatched:
        problems = []
        if missing:
            problems.append(f"missing weights: {', '.join(missing)}")
        if mismatched:
            problems.append(f"shape mismatches: {'; '.join(mismatched)}")
        raise WeightMismatchError(f"Cannot load {source} into {type(model).__name__} "
                                  f"(nothing was changed): " + " | ".join(problems))
    for variable, value in values.values():
        variable.assign(value.astype(variable.dtype))
    used = {key_of(row) for row in rows}
    ignored = sorted(k for k in tensors if k not in used and not k.endswith(TIED_OR_BUFFER_KEYS))
    report = LoadReport(source, sorted(used & set(tensors)), new, ignored)
    # New weights deserve a warning, as transformers gives: the model needs training first.
    (logger.warning if new else logger.info)(report.summary())
    return report
