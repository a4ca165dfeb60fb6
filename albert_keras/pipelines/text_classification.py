"""TextClassificationPipeline: label and score for a text or a text pair."""

import numpy as np

from albert_keras.pipelines.base import Pipeline
from albert_keras.pipelines.fill_mask import softmax


class TextClassificationPipeline(Pipeline):
    """Classifies texts (or `{"text": a, "text_pair": b}` pairs) like transformers' pipeline.

    Scores are softmax for single-label models, sigmoid for multi-label or
    one-label models, raw values for regression. `top_k=1` (default) returns
    `{label, score}`; `top_k=None` returns every label, best first.

    Example:
    >>> # albert_keras.pipeline("text-classification", model="path")("a gripping film")
    """

    def _is_single(self, inputs):
        return isinstance(inputs, dict)

    def preprocess(self, item, **kwargs):
        if isinstance(item, dict):
            encoding = self.tokenizer([item["text"]], [item["text_pair"]], truncation=True,
                                      max_length=self.max_length)
        else:
            encoding = self.tokenizer([item], truncation=True, max_length=self.max_length)
        return encoding, None

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
