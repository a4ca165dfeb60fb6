"""Training callbacks: a resumable backup that never falls back silently, and a stop on a NaN loss.

`Backup` is Keras' BackupAndRestore with atomic saves: each epoch's weights go to a
new file, then `training_metadata.json` (epoch, weights file, its sha256, the run's
arguments) is renamed into place, so a run killed at any point leaves its last
complete backup. Restoring checks the checksum and refuses a backup that does not
load (no fall-back to an older one, whose data order would be shifted), and
`check_arguments` refuses to resume a run started with other arguments.
`StopOnNaN` stops at the first non-finite loss; `finetune` / `pretrain` then raise.
`EpochTimer` keeps each epoch's wall time in a file, so a resumed run reports its whole time.
"""

import hashlib
import json
import logging
import math
import os
import time

import keras

from albert_keras.training import reporting
from albert_keras.weights.atomic import atomic_write_bytes

logger = logging.getLogger(__name__)
METADATA = "training_metadata.json"


def _sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _finite_loss(logs):
    loss = (logs or {}).get("loss")
    return loss is None or math.isfinite(float(loss))


def read_metadata(backup_dir):
    """The backup's metadata dict, None when there is no backup; unreadable metadata is refused."""
    path = os.path.join(backup_dir, METADATA)
    if not os.path.exists(path):
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            metadata = json.load(handle)
        int(metadata["epoch"])
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError(f"the backup {path} is corrupt ({type(error).__name__}: {error}); "
                         f"remove {backup_dir} to start the run over") from None
    return metadata


def resumed_epoch(backup_dir):
    """The epoch a backup folder will resume at (0 when there is none)."""
    metadata = read_metadata(backup_dir)
    return 0 if metadata is None else int(metadata["epoch"])


def run_arguments(**arguments):
    """The arguments of a run as a backup records them (JSON values; others by their repr)."""
    return json.loads(json.dumps(arguments, default=repr))


def check_arguments(backup_dir, arguments, resume_anyway=False):
    """Refuses to resume a backup written by a run with other arguments, naming each difference.

    With `resume_anyway` the differences are logged and the run goes on.
    """
    metadata = read_metadata(backup_dir)
    if not metadata or metadata.get("arguments") is None:
        return
    before, now = metadata["arguments"], run_arguments(**arguments)
    changed = [f"{k} {before.get(k)!r} -> {now.get(k)!r}"
               for k in sorted(set(before) | set(now)) if before.get(k) != now.get(k)]
    if not changed:
        return
    message = (f"the backup in {backup_dir} was written by a run with other arguments: "
               + "; ".join(changed))
    if not resume_anyway:
        raise ValueError(f"{message}. Pass the same arguments to resume it, --resume-anyway "
                         "(resume_anyway=True) to go on with the new ones, or another "
                         "--output-dir to start over")
    logger.warning("%s; resuming anyway", message)


class Backup(keras.callbacks.BackupAndRestore):
    """BackupAndRestore with atomic, checksummed saves that record the run's `arguments`.

    An epoch whose loss is not finite is not saved, and the backup is kept when the
    run ends that way (the last good epoch can be resumed).
    """

    def __init__(self, backup_dir, arguments=None):
        super().__init__(backup_dir, save_freq="epoch", delete_checkpoint=True)
        self.arguments = arguments
        self._diverged = False

    def on_train_begin(self, logs=None):
        metadata = read_metadata(self.backup_dir)
        if metadata is None:
            return
        path = os.path.join(self.backup_dir, metadata.get("weights", "latest.weights.h5"))
        hint = f"remove {self.backup_dir} to start the run over"
        if not os.path.isfile(path):
            raise ValueError(f"the backup's weights {path} are missing; {hint}")
        if metadata.get("sha256") and _sha256(path) != metadata["sha256"]:
            raise ValueError(f"the backup {path} is corrupt (its sha256 differs from the one "
                             f"in {METADATA}); {hint}")
        if self.model.optimizer is not None and not self.model.optimizer.built:
            self.model.optimizer.build(self.model.trainable_variables)
        try:
            self.model.load_weights(path)
        except Exception as error:  # noqa: BLE001 (h5py and Keras raise many kinds)
            raise ValueError(f"the backup {path} does not load ({type(error).__name__}: "
                             f"{str(error)[:200]}); {hint}") from error
        # Private Keras state, set as Keras' own BackupAndRestore.on_train_begin sets it: `fit`
        # has no public way for a callback to move its start epoch.
        self.model._initial_epoch = int(metadata["epoch"])

    def on_epoch_end(self, epoch, logs=None):
        if not _finite_loss(logs):
            self._diverged = True
            return
        super().on_epoch_end(epoch, logs)

    def _save_model(self):
        # Overrides Keras' private BackupAndRestore._save_model and reads its private epoch
        # and batch counters: the public callback has no hook for where and how it saves,
        # and an atomic, checksummed backup needs both.
        os.makedirs(self.backup_dir, exist_ok=True)
        name = f"epoch-{self._current_epoch}.weights.h5"
        tmp = os.path.join(self.backup_dir, f".tmp-{name}")
        self.model.save_weights(tmp, overwrite=True)
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, os.path.join(self.backup_dir, name))
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen,
                    "weights": name, "sha256": _sha256(os.path.join(self.backup_dir, name)),
                    "arguments": self.arguments}
        atomic_write_bytes(os.path.join(self.backup_dir, METADATA),
                           json.dumps(metadata, indent=1).encode())
        for other in os.listdir(self.backup_dir):  # older epochs, Keras' own files, leftovers
            if other not in (name, METADATA):
                os.remove(os.path.join(self.backup_dir, other))

    def on_train_end(self, logs=None):
        if not self._diverged:
            super().on_train_end(logs)


class StopOnNaN(keras.callbacks.Callback):
    """Stops training at the first batch whose loss is NaN or infinite; `check()` then raises."""

    def __init__(self):
        super().__init__()
        self.stopped = None
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.stopped is None and not _finite_loss(logs):
            self.stopped = (self._epoch, batch, float(logs["loss"]))
            self.model.stop_training = True

    def check(self, learning_rate=None):
        """Raises FloatingPointError if training stopped on a non-finite loss."""
        if self.stopped is None:
            return
        epoch, batch, loss = self.stopped
        rate = f" (it was {learning_rate:g})" if learning_rate is not None else ""
        raise FloatingPointError(f"the training loss became {loss} at epoch {epoch + 1}, step "
                                 f"{batch + 1}: training stopped and no model was saved; try a "
                                 f"lower --learning-rate{rate}")


class EpochTimer(keras.callbacks.Callback):
    """Records each epoch's wall time in a JSON file that survives a resumed run.

    Keyed by epoch, so an epoch a killed run repeats counts once (its last run):
    `total_seconds()` is the training time of the whole run, across restarts. A run
    that starts from epoch 0 (`resumed=False`) ignores a file an earlier run left.
    """

    def __init__(self, path, resumed):
        super().__init__()
        self.path = path
        self.seconds = {}
        if resumed and os.path.exists(path):
            with open(path, encoding="utf-8") as handle:
                self.seconds = json.load(handle)

    def on_epoch_begin(self, epoch, logs=None):
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds[str(epoch)] = time.perf_counter() - self._started
        reporting.write_json(self.path, self.seconds)

    def total_seconds(self):
        return sum(self.seconds.values())
