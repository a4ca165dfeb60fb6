"""The tf.distribute strategy from flags and TF_CONFIG, so the same training code runs anywhere.

`get_strategy("auto")` picks: TPUStrategy when a TPU address is given, else
MultiWorkerMirroredStrategy when TF_CONFIG names more than one task, else
MirroredStrategy with more than one GPU, else the default (one device) strategy.
Keras' `model.fit` then splits each global batch across the replicas.
"""

import json
import logging
import os

import tensorflow as tf

logger = logging.getLogger(__name__)
STRATEGIES = ("auto", "default", "mirrored", "multi_worker", "tpu")


def cluster_spec():
    """TF_CONFIG as a dict (`{}` when unset)."""
    return json.loads(os.environ.get("TF_CONFIG", "") or "{}")


def num_workers():
    """Number of worker (and chief) tasks in TF_CONFIG; 1 without it."""
    cluster = cluster_spec().get("cluster", {})
    return max(len(cluster.get("worker", [])) + len(cluster.get("chief", [])), 1)


def is_chief():
    """True for the task that writes logs, plots and the final model.

    That is the `chief` task, or worker 0 when there is no chief (as Keras and
    tf.estimator treat TF_CONFIG); always True without TF_CONFIG.
    """
    task = cluster_spec().get("task", {})
    if not task:
        return True
    if task.get("type") == "chief":
        return True
    has_chief = bool(cluster_spec().get("cluster", {}).get("chief"))
    return task.get("type") == "worker" and task.get("index", 0) == 0 and not has_chief


def task_id():
    """`type-index` of this task in TF_CONFIG ("chief-0" without it), for per-task paths."""
    task = cluster_spec().get("task", {})
    return f"{task.get('type', 'chief')}-{task.get('index', 0)}"


def get_strategy(name="auto", tpu=None):
    """A `tf.distribute.Strategy`.

    Args:
        name: one of "auto", "default", "mirrored", "multi_worker", "tpu".
        tpu: str. TPU name or grpc address for TPUStrategy ("local" on a TPU VM).

    Raises:
        ValueError: for an unknown name.
    """
    if name not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {name!r}")
    if name == "auto":
        if tpu:
            name = "tpu"
        elif num_workers() > 1:
            name = "multi_worker"
        elif len(tf.config.list_logical_devices("GPU")) > 1:
            name = "mirrored"
        else:
            name = "default"
    if name == "tpu":
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver(tpu=tpu or "")
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
        strategy = tf.distribute.TPUStrategy(resolver)
    elif name == "multi_worker":
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    elif name == "mirrored":
        strategy = tf.distribute.MirroredStrategy()
    else:
        strategy = tf.distribute.get_strategy()
    logger.info("strategy %s with %d replica(s)", type(strategy).__name__,
                strategy.num_replicas_in_sync)
    return strategy


def shard_by_data(dataset):
    """Lets tf.distribute split every global batch across workers (AutoShardPolicy.DATA).

    Needed for data that is not read from several files (in-memory arrays, one
    shard): each worker then takes its part of each batch, so N workers see
    exactly the batches one process would.
    """
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
    return dataset.with_options(options)


def prepare_for_fit(model, strategy):
    """Works around three Keras 3.15 `fit` failures with more than one replica; returns the model.

    The loss needs no patch: the models' own `compute_loss` (a public override,
    `AlbertPreTrainedModel.compute_loss`) divides it by the replicas in sync, as Keras
    does for compiled losses. The three patches below go on the instance because each
    public way fails; each says why where it is made.
    """
    if strategy.num_replicas_in_sync <= 1:
        return model
    with strategy.scope():
        model.optimizer.build(model.trainable_variables)
    # Private-API patch. `fit` first calls `strategy.reduce("MEAN", batch)` on the whole
    # nested (features, labels) batch (`TensorFlowTrainer._maybe_symbolic_build`), which
    # tf.distribute rejects for a nest ("Attempt to convert a value ({'input_ids':
    # PerReplica ..."); dict inputs under the mirrored strategies are reported as
    # keras-team/keras#20329 (open). There is no public switch to skip that pass, and it
    # only builds the optimizer and compiled metrics: a model compiled with an optimizer
    # and no metrics needs just the optimizer, built above in the strategy's scope.
    model._maybe_symbolic_build = lambda iterator=None, data_batch=None: None
    # Across workers IndexedSlices gradients are all-gathered, not summed (see
    # `_dense_gradients`). The public ways fail: `train_step` would have to be copied
    # whole from Keras' TensorFlow trainer to reach the gradients, and the optimizer is
    # any Keras optimizer the caller chose (Adam, LAMB, SGD), so no subclass fits all.
    model.optimizer.apply_gradients = _dense_gradients(model.optimizer.apply_gradients)
    if isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy):
        # Each step's logs are reduced with `strategy.reduce("MEAN", value, axis=0)`, which
        # fails on scalar logs ("Invalid reduction dimension 0 for input with 0
        # dimensions", tensorflow/tensorflow#72388). The logs get a leading axis of 1, so
        # the reduction averages them over the workers and yields scalars again. Wrapped
        # on the instance: `prepare_for_fit` takes any Keras model (the fine-tuning task
        # models and the pretraining model), and a `train_step` override in each would
        # put a TensorFlow-only workaround into the backend-neutral models.
        for name in ("train_step", "test_step"):
            step = getattr(model, name)
            setattr(model, name, _with_leading_axis(step))
    return model


def _dense_gradients(apply_gradients):
    """`apply_gradients` with embedding (IndexedSlices) gradients made dense first.

    Across workers IndexedSlices are all-gathered, not summed, and the optimizer
    then sees each shared row twice; dense gradients are all-reduced like every
    other weight's, so the embedding tables step as in one process.
    """
    def wrapped(grads_and_vars, *args, **kwargs):
        pairs = [(tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g, v)
                 for g, v in grads_and_vars]
        return apply_gradients(pairs, *args, **kwargs)

    return wrapped


def _with_leading_axis(step):
    """`step` whose returned logs are reshaped from () to (1,)."""
    def wrapped(data):
        logs = step(data)
        return {k: tf.reshape(v, (1,)) if len(v.shape) == 0 else v for k, v in logs.items()}

    return wrapped
