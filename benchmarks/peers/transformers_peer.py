"""transformers on PyTorch (CPU): eager or `torch.compile`, and its `pipeline()` for raw text."""

import os
import time

import numpy as np

# PyTorch only: with TensorFlow installed, transformers would also import its TF code
# (which refuses Keras 3).
os.environ.setdefault("USE_TF", "0")
os.environ.setdefault("USE_TORCH", "1")

from benchmarks.peers.timing import step_intervals


class Transformers:
    """`AlbertForSequenceClassification` in PyTorch, every core, `inference_mode`."""

    def __init__(self, compile):
        self.compile = compile

    def load(self, where):
        import torch
        import transformers

        torch.set_num_threads(os.cpu_count())
        self.folder = str(where["model"])
        self.model = transformers.AlbertForSequenceClassification.from_pretrained(
            self.folder).eval()
        self.module = torch.compile(self.model) if self.compile else self.model

    def forward(self, input_ids, attention_mask):
        import torch

        with torch.inference_mode():
            return self.module(input_ids=torch.as_tensor(input_ids, dtype=torch.long),
                               attention_mask=torch.as_tensor(attention_mask, dtype=torch.long),
                               ).logits.numpy()

    def classify(self, sentences, batch_size):
        """`pipeline("text-classification", model=folder, batch_size=...)`, as documented."""
        import transformers

        if not hasattr(self, "_pipeline"):
            self._pipeline = transformers.pipeline("text-classification", model=self.folder,
                                                   framework="pt", device=-1)
        results = self._pipeline(sentences, batch_size=batch_size, truncation=True,
                                 max_length=128)
        return np.array([self.model.config.label2id[r["label"]] for r in results])

    def train_step_seconds(self, batch, seq, steps):
        """Seconds per optimizer step: forward with labels, backward, AdamW."""
        import torch

        from benchmarks.workload import token_batch

        self.model.train()
        optimizer = torch.optim.AdamW(self.model.parameters(), lr=2e-5)
        ids, mask = token_batch(batch, seq, self.model.config.vocab_size)
        ids, mask = torch.as_tensor(ids, dtype=torch.long), torch.as_tensor(mask, dtype=torch.long)
        labels = torch.arange(batch) % 2
        stamps = [time.perf_counter()]
        for _ in range(steps):
            optimizer.zero_grad()
            self.module(input_ids=ids, attention_mask=mask, labels=labels).loss.backward()
            optimizer.step()
            stamps.append(time.perf_counter())
        self.model.eval()
        return step_intervals(stamps)
