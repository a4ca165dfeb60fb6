"""Pre-training AlbertForPreTraining on TFRecord shards with `model.fit`, resumable and distributable.

LAMB with warm-up and linear decay (`optimization`), the strategy from flags or
TF_CONFIG (`distribute`), optional mixed precision, and `keras.callbacks.BackupAndRestore`:
a killed run started again with the same arguments restores weights, optimizer
state and epoch from `output_dir/backup` and skips the data it has already seen,
so it ends with the weights an uninterrupted run reaches. MLM and SOP accuracy and
loss are reported beside the total loss.
"""

import json
import logging
import math
import os
import time

import keras
import tensorflow as tf
from keras import ops

from albert_keras.data.pretraining import pretraining_dataset
from albert_keras.models import AlbertForPreTraining
from albert_keras.models.losses import masked_cross_entropy
from albert_keras.training import distribute, reporting
from albert_keras.training.optimization import create_optimizer, lamb_learning_rate

logger = logging.getLogger(__name__)
PRECISIONS = {None: None, "none": None, "float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}


class MaskedAccuracy(keras.metrics.Metric):
    """Accuracy of argmax(logits) over the labels that are not -100."""

    def __init__(self, name="masked_accuracy", **kwargs):
        super().__init__(name=name, **kwargs)
        self.correct = self.add_variable((), initializer="zeros", name="correct")
        self.count = self.add_variable((), initializer="zeros", name="count")

    def update_state(self, labels, logits, sample_weight=None):
        labels = ops.cast(labels, "int32")
        keep = ops.not_equal(labels, -100)
        hits = ops.logical_and(keep, ops.equal(ops.cast(ops.argmax(logits, -1), "int32"), labels))
        self.correct.assign_add(ops.sum(ops.cast(hits, "float32")))
        self.count.assign_add(ops.sum(ops.cast(keep, "float32")))

    def result(self):
        return self.correct / ops.maximum(self.count, 1.0)


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertPretrainingModel(AlbertForPreTraining):
    """AlbertForPreTraining that reports `mlm_accuracy`, `mlm_loss`, `sop_accuracy`, `sop_loss`.

    Same weights and outputs as AlbertForPreTraining (`save_pretrained` writes an
    AlbertForPreTraining checkpoint). Its loss is divided by the replicas in sync,
    as Keras' own losses are, so N replicas step exactly like one on the global batch.
    """

    loss_scaled_for_distribution = True  # read by distribute.prepare_for_fit

    def _build_layers(self, config):
        super()._build_layers(config)
        # Here, not in __init__: the model is built (and locked) at the end of __init__.
        self.mlm_accuracy = MaskedAccuracy(name="mlm_accuracy")
        self.sop_accuracy = MaskedAccuracy(name="sop_accuracy")
        self.mlm_loss = keras.metrics.Mean(name="mlm_loss")
        self.sop_loss = keras.metrics.Mean(name="sop_loss")

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = self._loss(self._labels_from(x, y), y_pred)
        if self.losses:
            loss = loss + ops.sum(self.losses)
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return loss / replicas if replicas > 1 else loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        labels = self._labels_from(x, y)
        if "labels" in labels:
            self.mlm_accuracy.update_state(labels["labels"], y_pred["prediction_logits"])
            self.mlm_loss.update_state(masked_cross_entropy(labels["labels"],
                                                            y_pred["prediction_logits"]))
        if "sentence_order_label" in labels:
            self.sop_accuracy.update_state(labels["sentence_order_label"], y_pred["sop_logits"])
            self.sop_loss.update_state(masked_cross_entropy(labels["sentence_order_label"],
                                                            y_pred["sop_logits"]))
        return super().compute_metrics(x, y, y_pred, sample_weight)


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


def resumed_epoch(backup_dir):
    """The epoch a BackupAndRestore folder will resume at (0 when there is none)."""
    path = os.path.join(backup_dir, "training_metadata.json")
    if not os.path.exists(path):
        return 0
    with open(path, encoding="utf-8") as handle:
        return int(json.load(handle)["epoch"])


def pretrain(train_files, output_dir, config, *, steps, batch_size, max_seq_length,
             learning_rate=None, warmup_steps=None, optimizer="lamb", steps_per_epoch=100,
             eval_files=None, eval_steps=20, mixed_precision=None, strategy=None, seed=0,
             init_from=None, verbose="auto", callbacks=(), clipnorm=1.0, jit_compile="auto"):
    """Pre-trains ALBERT; returns `{"history", "eval_before", "eval_after", "train_seconds",
    "model_dir", "model"}`.

    A resumed run reports the `eval_before` its first start measured and the training
    time of all its epochs (`eval_before.json`, `epoch_seconds.json` in `output_dir`).

    Args:
        train_files: str or list. TFRecord shards (globs) from `write_pretraining_shards`.
        output_dir: str. Receives `model/` (hub layout), `metrics.csv`, `curves.png`,
            `results.json`, `epoch_seconds.json`, `backup/` while running.
        config: AlbertConfig.
        steps: int. Optimizer steps (rounded up to whole epochs).
        batch_size: int. Global batch size (split across replicas).
        max_seq_length: int. As the shards were written.
        learning_rate: float. Peak rate; defaults to ALBERT's 0.00176 scaled by
            sqrt(batch_size / 4096) for LAMB, 1e-4 for AdamW.
        warmup_steps: int. Defaults to 10% of the steps.
        optimizer: "lamb" or "adamw". Defaults to "lamb".
        steps_per_epoch: int. Steps between backups and log rows. Defaults to 100.
        eval_files: str or list. Held-out shards, scored before and after training.
        eval_steps: int. Batches scored. Defaults to 20.
        mixed_precision: None, "float16" or "bfloat16".
        strategy: tf.distribute.Strategy, or a name for `distribute.get_strategy`.
        seed: int. Initialization and data order. Defaults to 0.
        init_from: str. Hub-layout folder to start from instead of random weights.
        jit_compile: bool or "auto". XLA for the training step (Keras' `compile`);
            "auto" leaves it to Keras, which keeps it off on CPU although XLA
            trains faster there.
        callbacks: extra Keras callbacks.
        clipnorm: float or None. Per-variable gradient clipping (per replica, before
            the all-reduce, as Keras does it). Defaults to 1.0.
    """
    if mixed_precision not in PRECISIONS:
        raise ValueError(f"mixed_precision must be one of {list(PRECISIONS)}")
    if not isinstance(strategy, tf.distribute.Strategy):
        strategy = distribute.get_strategy(strategy or "auto")
    chief = distribute.is_chief()
    work_dir = output_dir if chief else os.path.join(output_dir, ".workers",
                                                     distribute.task_id())
    os.makedirs(work_dir, exist_ok=True)
    steps_per_epoch = max(1, min(steps_per_epoch, steps))
    epochs = math.ceil(steps / steps_per_epoch)
    if learning_rate is None:
        learning_rate = lamb_learning_rate(batch_size) if optimizer == "lamb" else 1e-4
    keras.utils.set_random_seed(seed)
    with strategy.scope():
        model = AlbertPretrainingModel(config, dtype=PRECISIONS[mixed_precision])
        if init_from:
            source = AlbertForPreTraining.from_pretrained(init_from, config=config)
            model.set_weights(source.get_weights())
        model.compile(optimizer=create_optimizer(optimizer, learning_rate,
                                                 epochs * steps_per_epoch, warmup_steps,
                                                 clipnorm=clipnorm),
                      jit_compile=jit_compile)
    distribute.prepare_for_fit(model, strategy)
    backup_dir = os.path.join(work_dir, "backup")
    start_epoch = resumed_epoch(backup_dir)
    train = pretraining_dataset(train_files, batch_size, max_seq_length, seed=seed)
    train = train.skip(start_epoch * steps_per_epoch)  # the batches the backup has seen
    evaluation = None
    if eval_files:
        evaluation = pretraining_dataset(eval_files, batch_size, max_seq_length, shuffle=False,
                                         repeat=True).take(eval_steps).cache()
        # A known length: with an unknown one Keras scores one extra, empty step, and
        # the loss and Mean metrics come out scaled by eval_steps / (eval_steps + 1).
        evaluation = evaluation.apply(tf.data.experimental.assert_cardinality(eval_steps))
    result = {"eval_before": None, "eval_after": None}
    before_path = os.path.join(work_dir, "eval_before.json")
    if evaluation is not None and start_epoch == 0:
        result["eval_before"] = model.evaluate(evaluation, verbose=0, return_dict=True)
        reporting.write_json(before_path, result["eval_before"])
    elif os.path.exists(before_path):  # resumed: the score the first start measured
        with open(before_path, encoding="utf-8") as handle:
            result["eval_before"] = json.load(handle)
    log_path = os.path.join(work_dir, "metrics.csv")
    timer = EpochTimer(os.path.join(work_dir, "epoch_seconds.json"), resumed=start_epoch > 0)
    history = model.fit(
        train, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose,
        validation_data=evaluation,
        callbacks=[keras.callbacks.BackupAndRestore(backup_dir, double_checkpoint=True),
                   keras.callbacks.CSVLogger(log_path, append=start_epoch > 0), timer,
                   *callbacks])
    result["history"] = history.history
    result["train_seconds"] = timer.total_seconds()
    if evaluation is not None:
        result["eval_after"] = model.evaluate(evaluation, verbose=0, return_dict=True)
    result["model_dir"] = os.path.join(work_dir, "model")
    model.save_pretrained(result["model_dir"])
    if chief:
        reporting.plot_curves(log_path, os.path.join(work_dir, "curves.png"), "pre-training")
        reporting.write_json(os.path.join(work_dir, "results.json"),
                             {k: v for k, v in result.items() if k != "history"})
    result["model"] = model
    return result
