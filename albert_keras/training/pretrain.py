"""Pre-training AlbertForPreTraining on TFRecord shards with `model.fit`, resumable and distributable.

LAMB with warm-up and linear decay (`optimization`), the strategy from flags or
TF_CONFIG (`distribute`), optional mixed precision, and `keras.callbacks.BackupAndRestore`:
a killed run started again with the same arguments restores weights, optimizer
state and epoch from `output_dir/backup` and skips the data it has already seen,
so it ends with the weights an uninterrupted run reaches. MLM and SOP accuracy and
loss are reported beside the total loss (`AlbertPretrainingModel`, whose masked-LM head
runs only at the `max_predictions_per_seq` scored positions the shards' manifest records).

The steps of `pretrain()`: check the arguments, build and compile the model in the
strategy's scope, read the shards (after the batches a backup has trained on), score the
held-out data before, `fit`, score after, save.
"""

import json
import logging
import math
import os

import keras
import numpy as np
import tensorflow as tf

from albert_keras.data.pretraining import max_predictions_from_manifest, pretraining_dataset
from albert_keras.models import AlbertForPreTraining
from albert_keras.models.losses import IGNORE_INDEX
from albert_keras.training import distribute, reporting
from albert_keras.training.arguments import check_positive
from albert_keras.training.callbacks import (Backup, EpochTimer, StopOnNaN,  # noqa: F401
                                            check_arguments, resumed_epoch, run_arguments)
from albert_keras.training.masked_accuracy import MaskedAccuracy  # noqa: F401 (its old address)
from albert_keras.training.optimization import create_optimizer, lamb_learning_rate
from albert_keras.training.pretraining_model import (AlbertPretrainingModel,  # noqa: F401
                                                     prediction_positions)

logger = logging.getLogger(__name__)
PRECISIONS = {None: None, "none": None, "float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}


def _check_predictions(files, max_seq_length, max_predictions_per_seq, examples=256):
    """Refuses a head narrower than the data: an example scoring more positions than it."""
    _, labels = next(iter(pretraining_dataset(files, examples, max_seq_length, shuffle=False,
                                              repeat=False, drop_remainder=False)))
    most = int(np.max(np.sum(labels["labels"].numpy() != IGNORE_INDEX, axis=1)))
    if most > max_predictions_per_seq:
        raise ValueError(f"an example scores {most} masked positions > max_predictions_per_seq "
                         f"{max_predictions_per_seq}; pass the value the shards were written "
                         "with, or None to score every position")


def _labelled(dataset, max_predictions_per_seq):
    """With a gathered head the labels go in the features dict, where the model's call sees
    them (it needs their positions)."""
    if not max_predictions_per_seq:
        return dataset
    return dataset.map(lambda features, labels: {**features, **labels})


def pretrain(train_files, output_dir, config, *, steps, batch_size, max_seq_length,
             learning_rate=None, warmup_steps=None, optimizer="lamb", steps_per_epoch=100,
             eval_files=None, eval_steps=20, mixed_precision=None, strategy=None, seed=0,
             init_from=None, verbose="auto", callbacks=(), clipnorm=1.0, jit_compile="auto",
             max_predictions_per_seq="auto", tokenizer=None, model_dir=None,
             resume_anyway=False):
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
        max_predictions_per_seq: int, None or "auto". The masked-LM head runs at this
            many positions per sequence (None: at every token). "auto" takes the most
            any example of the shards scores, from their manifest.json.
        tokenizer: AlbertTokenizer. Saved beside the model, so that `model_dir` is a
            complete hub-layout folder (`finetune --model` takes it as it is).
        model_dir: str. Where the model (and tokenizer) go. Defaults to `output_dir/model`.
        resume_anyway: bool. Resume a backup written with other arguments (logging the
            differences) instead of refusing.

    Raises:
        ValueError: for a bad argument, before anything is trained.
        FloatingPointError: when the loss turns NaN or infinite (nothing is saved).
    """
    _check_arguments(steps=steps, batch_size=batch_size, max_seq_length=max_seq_length,
                     steps_per_epoch=steps_per_epoch, eval_steps=eval_steps,
                     learning_rate=learning_rate, warmup_steps=warmup_steps,
                     mixed_precision=mixed_precision)
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
    if max_predictions_per_seq == "auto":
        max_predictions_per_seq = max_predictions_from_manifest(train_files, max_seq_length)
    backup_dir = os.path.join(work_dir, "backup")
    arguments = run_arguments(
        train_files=train_files, config=config.to_dict(), steps=steps, batch_size=batch_size,
        max_seq_length=max_seq_length, learning_rate=learning_rate, warmup_steps=warmup_steps,
        optimizer=optimizer, steps_per_epoch=steps_per_epoch, mixed_precision=mixed_precision,
        seed=seed, init_from=init_from, clipnorm=clipnorm,
        max_predictions_per_seq=max_predictions_per_seq)
    check_arguments(backup_dir, arguments, resume_anyway)
    if max_predictions_per_seq:
        _check_predictions(train_files, max_seq_length, max_predictions_per_seq)
    keras.utils.set_random_seed(seed)
    model = _compiled_model(
        config, strategy, max_predictions_per_seq, mixed_precision, init_from,
        lambda: create_optimizer(optimizer, learning_rate, epochs * steps_per_epoch,
                                 warmup_steps, clipnorm=clipnorm),
        jit_compile)
    start_epoch = resumed_epoch(backup_dir)
    train, evaluation = _datasets(train_files, eval_files, batch_size, max_seq_length, seed,
                                  max_predictions_per_seq, start_epoch * steps_per_epoch,
                                  eval_steps)
    result = {"eval_before": _eval_before(model, evaluation, work_dir, start_epoch),
              "eval_after": None}
    log_path = os.path.join(work_dir, "metrics.csv")
    timer = EpochTimer(os.path.join(work_dir, "epoch_seconds.json"), resumed=start_epoch > 0)
    diverged = StopOnNaN()
    # The shards' reader shuffles with `seed`: shuffle=False (Keras warns on True).
    history = model.fit(
        train, epochs=epochs, steps_per_epoch=steps_per_epoch, verbose=verbose,
        validation_data=evaluation, shuffle=False,
        callbacks=[diverged, Backup(backup_dir, arguments),
                   keras.callbacks.CSVLogger(log_path, append=start_epoch > 0), timer,
                   *callbacks])
    diverged.check(learning_rate)
    result["history"] = history.history
    result["train_seconds"] = timer.total_seconds()
    if evaluation is not None:
        result["eval_after"] = model.evaluate(evaluation, verbose=0, return_dict=True)
    _save(model, tokenizer, result, work_dir, model_dir, chief, log_path)
    result["model"] = model
    return result


def _check_arguments(learning_rate, warmup_steps, mixed_precision, **counts):
    """Step 1 of `pretrain`: a ValueError naming the first bad argument, before anything runs."""
    for name, value in counts.items():
        check_positive(name, value)
    check_positive("learning_rate", learning_rate, integer=False, allow_none=True)
    if warmup_steps is not None and (isinstance(warmup_steps, bool) or warmup_steps < 0):
        raise ValueError(f"warmup_steps must be an integer >= 0, got {warmup_steps!r}")
    if mixed_precision not in PRECISIONS:
        raise ValueError(f"mixed_precision must be one of {list(PRECISIONS)}")


def _compiled_model(config, strategy, max_predictions_per_seq, mixed_precision, init_from,
                    make_optimizer, jit_compile):
    """Step 2: the pretraining model, built and compiled with `make_optimizer()` in the
    strategy's scope (its variables are the strategy's), from `init_from`'s weights when
    given, and prepared for `fit` on its replicas."""
    with strategy.scope():
        model = AlbertPretrainingModel(config, max_predictions_per_seq=max_predictions_per_seq,
                                       dtype=PRECISIONS[mixed_precision])
        if init_from:
            source = AlbertForPreTraining.from_pretrained(init_from, config=config)
            model.set_weights(source.get_weights())
        model.compile(optimizer=make_optimizer(), jit_compile=jit_compile)
    distribute.prepare_for_fit(model, strategy)
    return model


def _datasets(train_files, eval_files, batch_size, max_seq_length, seed, max_predictions_per_seq,
              seen_batches, eval_steps):
    """Step 3: (training batches after the `seen_batches` a backup has trained on, the
    `eval_steps` held-out batches or None)."""
    train = _labelled(pretraining_dataset(train_files, batch_size, max_seq_length, seed=seed),
                      max_predictions_per_seq)
    train = train.skip(seen_batches)
    if not eval_files:
        return train, None
    evaluation = _labelled(pretraining_dataset(eval_files, batch_size, max_seq_length,
                                               shuffle=False, repeat=True),
                           max_predictions_per_seq).take(eval_steps).cache()
    # A known length: with an unknown one Keras scores one extra, empty step, and
    # the loss and Mean metrics come out scaled by eval_steps / (eval_steps + 1).
    return train, evaluation.apply(tf.data.experimental.assert_cardinality(eval_steps))


def _eval_before(model, evaluation, work_dir, start_epoch):
    """Step 4: the held-out scores before training (a resumed run: those its first start
    measured), or None without held-out data."""
    before_path = os.path.join(work_dir, "eval_before.json")
    if evaluation is not None and start_epoch == 0:
        scores = model.evaluate(evaluation, verbose=0, return_dict=True)
        reporting.write_json(before_path, scores)
        return scores
    if os.path.exists(before_path):  # resumed: the score the first start measured
        with open(before_path, encoding="utf-8") as handle:
            return json.load(handle)
    return None


def _save(model, tokenizer, result, work_dir, model_dir, chief, log_path):
    """Last step: the model (and tokenizer) in hub layout; on the chief the curves and
    results.json. Sets `result["model_dir"]`."""
    result["model_dir"] = model_dir or os.path.join(work_dir, "model")
    if not chief and model_dir:
        result["model_dir"] = os.path.join(work_dir, "model")
    model.save_pretrained(result["model_dir"])
    if tokenizer is not None:
        tokenizer.save_pretrained(result["model_dir"])
    if chief:
        reporting.plot_curves(log_path, os.path.join(work_dir, "curves.png"), "pre-training")
        reporting.write_json(os.path.join(work_dir, "results.json"),
                             {k: v for k, v in result.items() if k != "history"})
