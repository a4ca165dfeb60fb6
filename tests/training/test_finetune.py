"""Fine-tuning end to end on tests/data samples: every task family, the CLI, and its outputs."""

import json
import subprocess
import sys

import numpy as np
import pytest

from albert_keras.training import finetune as ft
from tests.training.conftest import DATA, REPO


def test_epoch_order_is_fixed_and_resumable():
    features = {"input_ids": np.arange(10)[:, None]}
    labels = np.arange(10)
    full, steps = ft.epoch_ordered_dataset(features, labels, 3, epochs=3, seed=4)
    resumed, _ = ft.epoch_ordered_dataset(features, labels, 3, epochs=3, seed=4, start_epoch=2)
    batches = [y.numpy().tolist() for _, y in full]
    assert steps == 3 and len(batches) == 9  # 10 // 3 batches per epoch, the rest dropped
    assert [y.numpy().tolist() for _, y in resumed] == batches[6:]
    assert batches[:3] != batches[3:6]  # each epoch is its own permutation


def test_cli_finetune_tiny_writes_log_plot_and_model(spiece_path, tmp_path):
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "albert_keras.training", "finetune", "--task", "banking77",
         "--tiny", "--spiece", spiece_path, "--data-dir", str(DATA / "banking77"),
         "--epochs", "2", "--limit-train", "96", "--limit-eval", "32", "--batch-size", "32",
         "--max-seq-length", "24", "--output-dir", str(out), "--quiet"],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "banking77 dev: accuracy" in result.stdout
    header = (out / "metrics.csv").read_text().splitlines()[0].split(",")
    assert {"epoch", "loss", "val_accuracy", "val_macro_f1"} <= set(header)
    assert (out / "curves.png").read_bytes()[:4] == b"\x89PNG"
    summary = json.loads((out / "results.json").read_text())
    assert summary["train_examples"] == 96 and "accuracy" in summary["metrics"]
    from albert_keras import AlbertForSequenceClassification

    model = AlbertForSequenceClassification.from_pretrained(str(out / "model"))
    assert model.config.num_labels == len(model.config.id2label) > 70  # banking intents
    assert (out / "model" / "spiece.model").exists()


@pytest.mark.parametrize("task,files,expected", [
    ("squad", ("squad_v1.1", "dev_sample.json"), {"exact_match", "f1"}),
    ("ner", ("conll2003", "eng.testa.sample"), {"precision", "recall", "f1"}),
    ("mc", ("commonsenseqa", "dev_sample.jsonl"), {"accuracy"}),
])
def test_every_task_family_trains_and_scores(task, files, expected, spiece_path, tmp_path):
    path = str(DATA / files[0] / files[1])
    result = ft.finetune(task, str(tmp_path), data_dir=str(DATA / files[0]), spiece=spiece_path,
                         tiny_setting=True, epochs=2, batch_size=8, limit_train=64,
                         limit_eval=32, train_file=path, dev_file=path, verbose=0,
                         max_seq_length=96 if task == "squad" else 48, doc_stride=32)
    assert set(result["metrics"]) >= expected
    losses = result["history"]["loss"]
    assert np.isfinite(losses).all() and losses[-1] < losses[0] + 1e-3
    assert (tmp_path / "curves.png").exists()


def test_squad_short_windows_need_a_shorter_question_budget(tokenizer):
    """At 32 tokens a 64-token question budget leaves no room for context; `max_query_length`
    (`--max-query-length`) cuts questions so every window keeps some of the passage."""
    from albert_keras.training.finetune_tasks import load_task

    path = str(DATA / "squad_v1.1" / "dev_sample.json")
    kwargs = {"train_file": path, "dev_file": path, "limit_train": 40, "max_seq_length": 32,
              "doc_stride": 4}
    with pytest.raises(ValueError, match="must be smaller than the .* tokens left per window"):
        load_task("squad", None, **kwargs).train_arrays(tokenizer)
    features, labels = load_task("squad", None, max_query_length=8,
                                 **kwargs).train_arrays(tokenizer)
    real = features["attention_mask"] == 1
    question_tokens = ((features["token_type_ids"] == 0) & real).sum(1) - 2  # [CLS], [SEP]
    context_tokens = ((features["token_type_ids"] == 1) & real).sum(1)
    assert question_tokens.max() == 8 and context_tokens.min() > 0
    assert (labels["start_positions"] > 0).any()


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_to_the_same_weights_bit_for_bit(spiece_path,
                                                                          tmp_path):
    import os
    import signal
    import time

    from safetensors.numpy import load_file

    def command(out):
        return [sys.executable, "-m", "albert_keras.training", "finetune", "--task",
                "banking77", "--tiny", "--spiece", spiece_path, "--data-dir",
                str(DATA / "banking77"), "--epochs", "4", "--limit-train", "128",
                "--limit-eval", "8", "--batch-size", "16", "--max-seq-length", "24",
                "--output-dir", str(out), "--quiet"]

    env = dict(os.environ, PYTHONPATH=str(REPO), CUDA_VISIBLE_DEVICES="")
    killed = subprocess.Popen(command(tmp_path / "killed"), cwd=REPO, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    metadata = tmp_path / "killed" / "backup" / "training_metadata.json"
    deadline = time.time() + 300
    while not (metadata.exists() and json.loads(metadata.read_text())["epoch"] >= 2):
        assert killed.poll() is None and time.time() < deadline, "no backup before the end"
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    for out in ("killed", "straight"):
        done = subprocess.run(command(tmp_path / out), cwd=REPO, env=env, capture_output=True,
                              text=True, timeout=600, check=False)
        assert done.returncode == 0, done.stderr[-3000:]
    resumed = load_file(str(tmp_path / "killed" / "model" / "model.safetensors"))
    straight = load_file(str(tmp_path / "straight" / "model" / "model.safetensors"))
    assert set(resumed) == set(straight)
    for name in straight:
        np.testing.assert_array_equal(resumed[name], straight[name], err_msg=name)
