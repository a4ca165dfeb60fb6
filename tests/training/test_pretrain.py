"""Pre-training: metrics reported, files written, and a killed run resumes to the same weights."""

import json
import os

import keras
import numpy as np
import pytest

from albert_keras.training import pretrain as pt
from albert_keras.training.tiny import tiny_config

SETTINGS = {"steps": 6, "batch_size": 4, "max_seq_length": 32, "steps_per_epoch": 2,
                "learning_rate": 1e-2, "verbose": 0, "strategy": "default"}


class Crash(keras.callbacks.Callback):
    """Raises in the middle of the given epoch, like a killed job."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._epoch == self.epoch and batch == 0:
            raise RuntimeError("simulated crash")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch


def _weights(result):
    return [np.asarray(w) for w in result["model"].weights]


def test_pretrain_reports_mlm_and_sop(tokenizer, shards, tmp_path):
    result = pt.pretrain(shards, str(tmp_path), tiny_config(tokenizer.vocab_size),
                         eval_files=shards, eval_steps=2, **SETTINGS)
    for name in ("loss", "mlm_accuracy", "mlm_loss", "sop_accuracy", "sop_loss"):
        assert len(result["history"][name]) == 3
    assert result["eval_after"]["mlm_loss"] < result["eval_before"]["mlm_loss"]
    assert {"metrics.csv", "curves.png", "results.json", "model"} <= set(os.listdir(tmp_path))
    assert not os.path.exists(tmp_path / "backup")  # removed after a finished run
    from albert_keras import AlbertForPreTraining

    reloaded = AlbertForPreTraining.from_pretrained(str(tmp_path / "model"))
    np.testing.assert_allclose(np.asarray(reloaded.albert.weights[0]),
                               np.asarray(result["model"].albert.weights[0]))


def test_killed_run_resumes_to_the_same_weights(tokenizer, shards, tmp_path):
    config = tiny_config(tokenizer.vocab_size)
    straight = pt.pretrain(shards, str(tmp_path / "straight"), config, **SETTINGS)
    scored = {"eval_files": shards, "eval_steps": 1}
    with pytest.raises(RuntimeError, match="simulated crash"):
        pt.pretrain(shards, str(tmp_path / "killed"), config, callbacks=[Crash(epoch=2)],
                    **scored, **SETTINGS)
    assert pt.resumed_epoch(str(tmp_path / "killed" / "backup")) == 2
    first_epochs = json.loads((tmp_path / "killed" / "epoch_seconds.json").read_text())
    assert sorted(first_epochs) == ["0", "1"]  # the crashed epoch is not counted
    resumed = pt.pretrain(shards, str(tmp_path / "killed"), config, **scored, **SETTINGS)
    assert len(resumed["history"]["loss"]) == 1  # only the third epoch ran again
    # The resumed run still reports the first start's score and every epoch's time.
    assert resumed["eval_before"]["mlm_loss"] > resumed["eval_after"]["mlm_loss"]
    all_epochs = json.loads((tmp_path / "killed" / "epoch_seconds.json").read_text())
    assert sorted(all_epochs) == ["0", "1", "2"]
    assert resumed["train_seconds"] == pytest.approx(sum(all_epochs.values()))
    assert resumed["train_seconds"] > sum(first_epochs.values())
    assert int(resumed["model"].optimizer.iterations) == 6
    for a, b in zip(_weights(straight), _weights(resumed)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    moved = [not np.allclose(a, b) for a, b in zip(_weights(straight), _weights(
        {"model": pt.AlbertPretrainingModel(config)}))]
    assert any(moved)


@pytest.mark.parametrize("precision", ["bfloat16", pytest.param("float16", marks=pytest.mark.slow)])
def test_mixed_precision_trains(tokenizer, shards, tmp_path, precision):
    result = pt.pretrain(shards, str(tmp_path), tiny_config(tokenizer.vocab_size),
                         **dict(SETTINGS, steps=2, mixed_precision=precision))
    model = result["model"]
    assert model.dtype_policy.name == f"mixed_{precision}"
    assert all(str(w.dtype) == "float32" for w in model.weights)  # variables stay float32
    assert np.isfinite(result["history"]["loss"]).all()
    if precision == "float16":
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)


def test_the_gathered_head_trains_exactly_like_the_full_one(tokenizer, shards, tmp_path):
    """The head at the scored positions only (the default) and at every token: same loss,
    same metrics, same weights after training."""
    config = tiny_config(tokenizer.vocab_size)
    scored = {"eval_files": shards, "eval_steps": 2}
    gathered = pt.pretrain(shards, str(tmp_path / "gathered"), config, **scored, **SETTINGS)
    assert gathered["model"].max_predictions_per_seq == 4  # read from the shards' manifest
    full = pt.pretrain(shards, str(tmp_path / "full"), config, max_predictions_per_seq=None,
                       **scored, **SETTINGS)
    assert full["model"].max_predictions_per_seq is None
    for name in ("loss", "mlm_loss", "mlm_accuracy", "sop_loss", "val_mlm_loss",
                 "val_mlm_accuracy"):
        np.testing.assert_allclose(gathered["history"][name], full["history"][name],
                                   rtol=1e-5, err_msg=name)
    for a, b in zip(_weights(gathered), _weights(full)):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_the_manifest_bounds_every_example(tokenizer, shards):
    """Seq 32 and 15%: at most round(29 * 0.15) = 4 scored positions, and some reach it."""
    from albert_keras.data.pretraining import pretraining_dataset

    assert pt.max_predictions_from_manifest(shards, 32) == 4
    counts = [int(c) for _, labels in pretraining_dataset(shards, 1, 32, repeat=False)
              for c in np.sum(labels["labels"].numpy() != -100, axis=1)]
    assert max(counts) == 4 and len(counts) > 50
    assert pt.max_predictions_from_manifest("/nonexistent/*.tfrecord", 32) is None


def test_too_few_predictions_for_the_data_is_refused(tokenizer, shards, tmp_path):
    with pytest.raises(ValueError, match=r"scores \d masked positions > max_predictions_per_seq 1"):
        pt.pretrain(shards, str(tmp_path), tiny_config(tokenizer.vocab_size),
                    max_predictions_per_seq=1, **SETTINGS)


def test_prediction_positions_put_scored_tokens_first():
    labels = np.array([[-100, 5, -100, 6, 7, -100], [-100] * 6])
    positions = pt.prediction_positions(labels, 4).numpy()
    np.testing.assert_array_equal(positions, [[1, 3, 4, 0], [0, 1, 2, 3]])
