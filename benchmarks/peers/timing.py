"""Timing helpers shared by the peers: median wall time after warm-up runs, `fit` step times."""

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


def keras_step_stamps():
    """A Keras callback recording the time at the end of every training batch (`.times`).

    Keras is imported here, not with this module: a worker sets `KERAS_BACKEND` first.
    """
    import keras

    class StepStamps(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.times = [time.perf_counter()]

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter())

    return StepStamps()


def keras_fit_step_seconds(model, x, y=None, batch_size=None):
    """Seconds per step of one `model.fit` epoch on in-memory arrays, as compiled by the caller."""
    stamps = keras_step_stamps()
    model.fit(x, y, batch_size=batch_size, epochs=1, shuffle=False, verbose=0,
              callbacks=[stamps])
    return step_intervals(stamps.times)
