"""TextClassificationPipeline: label and score for a text or a text pair."""

import numpy as np

from albert_keras.pipelines.base import Pipeline, split_items
from albert_keras.pipelines.fill_mask import softmax


class TextClassificationPipeline(Pipeline):
    """Classifies texts (or `{"text": a, "text_pair": b}` pairs) like transformers' pipeline.

    Scores are softmax for single-label models, sigmoid for multi-label or
    one-label models, raw values for regression. Without `top_k`, one text returns
    `[{label, score}]` (transformers' form) and a pair or a list one `{label, score}` per
    item; `top_k=None` returns every label, best first.

    Example:
    >>> # albert_keras.pipeline("text-classification", model="path")("a gripping film")
    """

    task = "text-classification"
    call_arguments = ("top_k", "function_to_apply")
    functions = ("softmax", "sigmoid", "none")

    def _is_single(self, inputs):
        return isinstance(inputs, dict)

    def check_arguments(self, function_to_apply=None, **kwargs):
        super().check_arguments(**kwargs)
        if function_to_apply is not None and function_to_apply not in self.functions:
            raise ValueError(f"function_to_apply must be one of {self.functions} or None, got "
                             f"{function_to_apply!r:.40}")

    def preprocess_batch(self, items, **kwargs):
        """Texts in one tokenizer call and text pairs in another (the tokenizer takes a
        batch of texts or a batch of pairs)."""
        singles, pairs = [], []  # (place in items, text[, text_pair])
        for place, item in enumerate(items):
            if not isinstance(item, dict):
                singles.append((place, item))
                continue
            if "text" not in item or not set(item) <= {"text", "text_pair"}:
                keys = ", ".join(sorted(map(repr, item)))
                raise ValueError("text-classification takes a str, a list of them, or "
                                 "{'text': ..., 'text_pair': ...}; got a dict with keys "
                                 f"{keys[:200]}")
            if "text_pair" in item:
                pairs.append((place, item["text"], item["text_pair"]))
            else:
                singles.append((place, item["text"]))
        encoded = [None] * len(items)
        for group in (singles, pairs):
            if group:
                places, *texts = zip(*group)
                encoding = self.tokenizer(*map(list, texts), truncation=True,
                                          max_length=self.max_length)
                for place, item in zip(places, split_items(encoding, len(places))):
                    encoded[place] = (item, None)
        return encoded

    def __call__(self, inputs, **kwargs):
        result = super().__call__(inputs, **kwargs)
        # As transformers: one string without `top_k` gives a one-item list of its dict.
        return [result] if isinstance(inputs, str) and "top_k" not in kwargs else result

    def postprocess(self, outputs, context, top_k="", function_to_apply=None, **kwargs):
        logits = outputs[0]["logits"].astype("float64")
        config = self.config
        if function_to_apply is None:
            if config.problem_type == "regression":
                function_to_apply = "none"
            elif config.problem_type == "multi_label_classification" or config.num_labels == 1:
                function_to_apply = "sigmoid"
            else:
                function_to_apply = "softmax"
        scores = {"softmax": softmax, "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
                  "none": lambda x: x}[function_to_apply](logits)
        ranked = [{"label": config.id2label[i], "score": float(scores[i])}
                  for i in np.argsort(-scores, kind="stable")]
        if top_k == "":  # not given: the single best label, as a dict
            return ranked[0]
        return ranked if top_k is None else ranked[:top_k]
