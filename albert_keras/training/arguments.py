"""Training arguments checked up front: positive counts and a finite positive learning rate.

The same checks serve the Python API (`check_positive`) and the command line
(`positive_int` / `positive_float` as argparse types), so `--learning-rate nan` or
`--batch-size 0` stops before anything is built.
"""

import argparse
import math
import numbers


def check_positive(name, value, integer=True, allow_none=False):
    """Returns `value` if it is a positive (finite) int or float; raises ValueError naming it.

    Example:
    >>> check_positive("batch_size", 32)
    32
    >>> check_positive("learning_rate", float("nan"), integer=False)
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be a finite number > 0, got nan
    """
    if value is None and allow_none:
        return value
    kind = "an integer" if integer else "a finite number"
    valid = isinstance(value, numbers.Integral) if integer else isinstance(value, numbers.Real)
    if isinstance(value, bool) or not valid or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be {kind} > 0, got {value!r}")
    return value


def positive_int(text):
    """argparse type: an integer > 0."""
    try:
        return check_positive("value", int(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer > 0, got {text!r}") from None


def positive_float(text):
    """argparse type: a finite number > 0 (not nan, not inf)."""
    try:
        return check_positive("value", float(text), integer=False)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a finite number > 0, got {text!r}") from None
