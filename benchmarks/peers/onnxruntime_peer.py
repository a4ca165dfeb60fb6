"""ONNX Runtime (CPU): the transformers model exported to ONNX, fp32 or dynamic int8, as
exported or through ONNX Runtime's transformer optimizer."""

import numpy as np


class OnnxRuntime:
    """An `InferenceSession` with default options (all graph optimizations, every core)."""

    def __init__(self, int8, optimized=False):
        self.int8 = int8
        self.optimized = optimized
        self.key = ("onnx_int8" if int8 else "onnx_fp32") + ("_optimized" if optimized else "")

    def build_check(self, where):
        """Run before any timing: `benchmarks.onnx_optimized.check` for the optimized files,
        `benchmarks.onnx_int8.check` for int8, None for the plain fp32 export."""
        if self.optimized:
            from benchmarks import onnx_optimized

            return onnx_optimized.check(where[self.key], where["model"], self.int8,
                                        fp32_source=where["onnx_fp32_optimized"])
        if not self.int8:
            return None
        from benchmarks import onnx_int8

        return onnx_int8.check(where["onnx_fp32"], where["onnx_int8"], where["model"])

    def load(self, where):
        import onnxruntime

        path = where[self.key]
        self.session = onnxruntime.InferenceSession(str(path),
                                                    providers=["CPUExecutionProvider"])
        self.folder = str(where["model"])

    def forward(self, input_ids, attention_mask):
        ids = np.asarray(input_ids, dtype=np.int64)
        return self.session.run(["logits"], {
            "input_ids": ids, "attention_mask": np.asarray(attention_mask, dtype=np.int64),
            "token_type_ids": np.zeros_like(ids)})[0]

    def classify(self, sentences, batch_size):
        """transformers' tokenizer, batches sorted by length and padded to their longest.

        The recipe that gives ONNX Runtime its best raw-text speed; results come
        back in input order.
        """
        import transformers

        if not hasattr(self, "_tokenizer"):
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(self.folder)
        lengths = [len(ids) for ids in self._tokenizer(sentences, truncation=True,
                                                       max_length=128)["input_ids"]]
        order = np.argsort(lengths, kind="stable")
        labels = np.empty(len(sentences), dtype=np.int64)
        for start in range(0, len(order), batch_size):
            rows = order[start:start + batch_size]
            encoded = self._tokenizer([sentences[i] for i in rows], padding=True,
                                      truncation=True, max_length=128, return_tensors="np")
            labels[rows] = np.argmax(self.forward(encoded["input_ids"],
                                                  encoded["attention_mask"]), axis=-1)
        return labels
