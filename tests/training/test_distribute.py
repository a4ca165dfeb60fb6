"""Strategy choice from flags and TF_CONFIG."""

import json

import pytest
import tensorflow as tf

from albert_keras.training import distribute


def test_auto_is_one_device_here(monkeypatch):
    monkeypatch.delenv("TF_CONFIG", raising=False)
    strategy = distribute.get_strategy("auto")
    assert strategy.num_replicas_in_sync == 1
    assert distribute.is_chief() and distribute.num_workers() == 1
    assert isinstance(distribute.get_strategy("mirrored"), tf.distribute.MirroredStrategy)
    with pytest.raises(ValueError, match="strategy must be"):
        distribute.get_strategy("horovod")


def test_tf_config_roles(monkeypatch):
    cluster = {"worker": ["127.0.0.1:1", "127.0.0.1:2"]}
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": cluster,
                                                "task": {"type": "worker", "index": 1}}))
    assert distribute.num_workers() == 2 and not distribute.is_chief()
    assert distribute.task_id() == "worker-1"
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": cluster,
                                                "task": {"type": "worker", "index": 0}}))
    assert distribute.is_chief()
    monkeypatch.setenv("TF_CONFIG", json.dumps({"cluster": dict(cluster, chief=["h:3"]),
                                                "task": {"type": "worker", "index": 0}}))
    assert not distribute.is_chief() and distribute.num_workers() == 3


def test_shard_by_data_sets_the_policy():
    dataset = distribute.shard_by_data(tf.data.Dataset.range(4))
    policy = dataset.options().experimental_distribute.auto_shard_policy
    assert policy == tf.data.experimental.AutoShardPolicy.DATA
