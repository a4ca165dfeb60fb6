"""Fine-tuning on `model.fit` and scoring each epoch the way the benchmark does.

The same code runs on one device, under MirroredStrategy or MultiWorkerMirroredStrategy
(TF_CONFIG) or on a TPU (`distribute`); a killed run resumes from
`output_dir/backup` (`keras.callbacks.BackupAndRestore`) with the data order an
uninterrupted run would have had. The chief writes `metrics.csv` (loss and the
official dev scores per epoch), `curves.png`, `results.json` and `model/`.
"""

import logging
import os

import keras
import numpy as np
import tensorflow as tf

from albert_keras import models
from albert_keras.config import AlbertConfig
from albert_keras.tokenization import AlbertTokenizer
from albert_keras.training import distribute, reporting, tiny
from albert_keras.training.arguments import check_positive
from albert_keras.training.callbacks import (Backup, StopOnNaN, check_arguments, resumed_epoch,
                                            run_arguments)
from albert_keras.training.optimization import create_optimizer
from albert_keras.training.pretrain import PRECISIONS
from albert_keras.training.finetune_tasks import load_task

logger = logging.getLogger(__name__)


class DevScores(keras.callbacks.Callback):
    """Adds the task's official dev scores to each epoch's logs as `val_<name>`."""

    def __init__(self, task, tokenizer, batch_size):
        super().__init__()
        self.task, self.tokenizer, self.batch_size = task, tokenizer, batch_size
        self.last = {}

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None and not np.isfinite(logs.get("loss", 0.0)):
            return  # diverged: the run stops and raises
        self.last = self.task.evaluate(self.model, self.tokenizer, self.batch_size)
        if logs is not None:
            logs.update({f"val_{k}": v for k, v in self.last.items() if np.isscalar(v)})
        logger.info("epoch %d dev %s", epoch + 1, self.last)


def epoch_ordered_dataset(features, labels, batch_size, epochs, seed, start_epoch=0):
    """Batches of every epoch in a fixed order: epoch e is permutation `seed + e`.

    Each epoch drops its last partial batch, so all epochs have the same number of
    steps and a resumed run (starting at `start_epoch`) sees what an uninterrupted
    one would.

    Returns:
        (dataset, steps_per_epoch)
    """
    n = len(next(iter(features.values())))
    steps = n // batch_size
    if steps == 0:
        raise ValueError(f"{n} training examples < batch size {batch_size}")
    order = np.concatenate([np.random.default_rng(seed + e).permutation(n)[:steps * batch_size]
                            for e in range(start_epoch, epochs)] or [np.zeros(0, np.int64)])
    data = tf.data.Dataset.from_tensor_slices((features, labels))
    indices = tf.data.Dataset.from_tensor_slices(order)
    dataset = indices.batch(batch_size).map(
        lambda idx: tf.nest.map_structure(lambda t: tf.gather(t, idx), (features, labels)))
    del data
    return distribute.shard_by_data(dataset.prefetch(tf.data.AUTOTUNE)), steps


def build_tokenizer(model=None, spiece=None, texts=None, work_dir=None, vocab_size=2000):
    """The tokenizer of a spiece.model (it wins), of a pretrained folder, or (tiny) trained on `texts`."""
    if spiece:
        return AlbertTokenizer(spiece)
    if model:
        if os.path.isdir(model) and not os.path.isfile(os.path.join(model, "spiece.model")):
            raise FileNotFoundError(f"{model} has no spiece.model: pass --spiece (spiece=)")
        return AlbertTokenizer.from_pretrained(model)
    if texts is None:
        raise ValueError("pass a pretrained model, a spiece.model, or --tiny")
    path = tiny.train_sentencepiece(texts, os.path.join(work_dir, "spiece.model"), vocab_size)
    return AlbertTokenizer(path)


def build_model(model_class, tokenizer, model=None, config=None, tiny_setting=False,
                dtype=None, **overrides):
    """A pretrained model with a fresh head, or a randomly initialised one from a config."""
    cls = getattr(models, model_class)
    if model:
        return cls.from_pretrained(model, dtype=dtype, **overrides) if dtype else \
            cls.from_pretrained(model, **overrides)
    if tiny_setting:
        return cls(tiny.tiny_config(tokenizer.vocab_size, **overrides), dtype=dtype)
    if config is None:
        raise ValueError("pass a pretrained model, a config, or --tiny")
    base = config if isinstance(config, AlbertConfig) else (
        AlbertConfig.from_json_file(config) if str(config).endswith(".json")
        else AlbertConfig.from_preset(config))
    return cls(AlbertConfig.from_dict(dict(base.to_dict(), vocab_size=tokenizer.vocab_size,
                                           **overrides)), dtype=dtype)


def finetune(task, output_dir, *, data_dir=None, model=None, spiece=None, config=None,
             tiny_setting=False, epochs=3, batch_size=32, learning_rate=None, warmup_ratio=0.1,
             optimizer="adamw", max_seq_length=None, limit_train=None, limit_eval=None,
             strategy=None, mixed_precision=None, seed=0, verbose="auto", callbacks=(),
             clipnorm=1.0, drop_unlabeled=False, resume_anyway=False, **task_kwargs):
    """Fine-tunes on a task and scores it; returns `{"metrics", "history", "model_dir", "model"}`.

    Args:
        task: str. `sst2` (or banking77, cola, mrpc, rte, stsb), `squad`, `ner`, `mc`.
        output_dir: str.
        data_dir: str. The task's data folder; defaults to `$ALBERT_KERAS_DATA/<task folder>`
            (`data_files`). Explicit `train_file` / `dev_file` win over it.
        model: str. A pretrained hub-layout folder or name (weights and tokenizer).
        spiece: str. A SentencePiece model (with `config` to train from scratch; with
            `model`, it replaces the model's tokenizer).
        config: AlbertConfig, preset name or config.json path (from scratch).
        tiny_setting: bool. Tiny config and a SentencePiece model trained on the task text.
        epochs, batch_size: ints. `batch_size` is global. Defaults 3 and 32.
        learning_rate: float. Peak rate; defaults to 2e-5 (1e-3 with `tiny_setting`).
        warmup_ratio: float. Warm-up share of the steps. Defaults to 0.1.
        optimizer: "adamw" or "lamb".
        max_seq_length: int. Defaults to the task's (128; 384 for squad; 64 for mc).
        limit_train, limit_eval: ints. Use the first N examples.
        strategy: tf.distribute.Strategy or a name for `distribute.get_strategy`.
        mixed_precision: None, "float16" or "bfloat16".
        clipnorm: float or None. Per-variable gradient clipping. Defaults to 1.0. Keras
            clips each replica's gradients before they are summed, so with several
            replicas a step that clips differs from the same step in one process.
        drop_unlabeled: bool. Skip classification rows without a label (their count is
            logged) instead of refusing the file.
        resume_anyway: bool. Resume a backup in `output_dir` written with other arguments
            (logging the differences) instead of refusing.
        **task_kwargs: task options (train_file, dev_file, doc_stride, version_2_with_negative).

    Raises:
        ValueError: for a bad argument or data file, before anything is trained.
        FloatingPointError: when the loss turns NaN or infinite (nothing is saved).
    """
    check_positive("epochs", epochs)
    check_positive("batch_size", batch_size)
    check_positive("learning_rate", learning_rate, integer=False, allow_none=True)
    for name, value in (("limit_train", limit_train), ("limit_eval", limit_eval),
                        ("max_seq_length", max_seq_length)):
        check_positive(name, value, allow_none=True)
    if not 0 <= warmup_ratio < 1:
        raise ValueError(f"warmup_ratio must be in [0, 1), got {warmup_ratio!r}")
    if learning_rate is None:
        learning_rate = 1e-3 if tiny_setting else 2e-5
    arguments = run_arguments(
        task=task, data_dir=data_dir, model=model, spiece=spiece,
        config=config.to_dict() if isinstance(config, AlbertConfig) else config,
        tiny_setting=tiny_setting, epochs=epochs, batch_size=batch_size,
        learning_rate=learning_rate, warmup_ratio=warmup_ratio, optimizer=optimizer,
        max_seq_length=max_seq_length, limit_train=limit_train, limit_eval=limit_eval,
        mixed_precision=mixed_precision, seed=seed, clipnorm=clipnorm,
        drop_unlabeled=drop_unlabeled, **task_kwargs)
    if not isinstance(strategy, tf.distribute.Strategy):
        strategy = distribute.get_strategy(strategy or "auto")
    chief = distribute.is_chief()
    work_dir = output_dir if chief else os.path.join(output_dir, ".workers", distribute.task_id())
    os.makedirs(work_dir, exist_ok=True)
    backup_dir = os.path.join(work_dir, "backup")
    check_arguments(backup_dir, arguments, resume_anyway)
    kwargs = dict(task_kwargs, limit_train=limit_train, limit_eval=limit_eval,
                  drop_unlabeled=drop_unlabeled)
    if max_seq_length:
        kwargs["max_seq_length"] = max_seq_length
    job = load_task(task, data_dir, **kwargs)
    tokenizer = build_tokenizer(model, spiece, job.texts() if tiny_setting else None, work_dir)
    features, labels = job.train_arrays(tokenizer)
    keras.utils.set_random_seed(seed)
    start_epoch = resumed_epoch(backup_dir)
    dataset, steps = epoch_ordered_dataset(features, labels, batch_size, epochs, seed, start_epoch)
    with strategy.scope():
        net = build_model(job.model_class, tokenizer, model, config, tiny_setting,
                          PRECISIONS[mixed_precision], **job.config_overrides())
        net.compile(optimizer=create_optimizer(optimizer, learning_rate, epochs * steps,
                                               int(warmup_ratio * epochs * steps),
                                               clipnorm=clipnorm))
    distribute.prepare_for_fit(net, strategy)
    scores = DevScores(job, tokenizer, batch_size)
    log_path = os.path.join(work_dir, "metrics.csv")
    diverged = StopOnNaN()
    # The dataset is already in its epoch order: shuffle=False (Keras warns on True).
    history = net.fit(dataset, epochs=epochs, steps_per_epoch=steps, verbose=verbose,
                      shuffle=False,
                      callbacks=[diverged, Backup(backup_dir, arguments), scores,
                                 keras.callbacks.CSVLogger(log_path, append=start_epoch > 0),
                                 *callbacks])
    diverged.check(learning_rate)
    metrics = scores.last or job.evaluate(net, tokenizer, batch_size)
    model_dir = os.path.join(work_dir, "model")
    net.save_pretrained(model_dir)
    tokenizer.save_pretrained(model_dir)
    if chief:
        reporting.plot_curves(log_path, os.path.join(work_dir, "curves.png"), f"fine-tuning {task}")
        reporting.write_json(os.path.join(work_dir, "results.json"),
                             {"task": task, "metrics": metrics, "epochs": epochs,
                              "strategy": type(strategy).__name__,
                              "replicas": strategy.num_replicas_in_sync,
                              "train_examples": len(next(iter(features.values())))})
    return {"metrics": metrics, "history": history.history, "model_dir": model_dir, "model": net,
            "strategy": f"{type(strategy).__name__} ({strategy.num_replicas_in_sync} replicas)"}
