"""Timing helpers shared by the peers: median wall time after warm-up runs."""

import statistics
import time


def median_seconds(fn, repeats, warmup=2):
    """Median seconds of `repeats` calls of `fn` after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def step_intervals(stamps, skip=2):
    """Seconds between consecutive time stamps, without the first `skip` (compilation)."""
    return [b - a for a, b in zip(stamps[skip:], stamps[skip + 1:])]
