"""TokenClassificationPipeline: a label per token, or grouped entities with character spans."""

import numpy as np

from albert_keras.pipelines.base import Pipeline, split_items
from albert_keras.pipelines.fill_mask import softmax


def _tag(label):
    """("B", "PER") from "B-PER"; ("I", "PER") from "I-PER" or a bare "PER"."""
    if label.startswith(("B-", "I-")):
        return label[0], label[2:]
    return "I", label


class TokenClassificationPipeline(Pipeline):
    """Named-entity style predictions, as transformers' token-classification pipeline.

    `aggregation_strategy="none"` (default) gives one dict per non-special token
    `{entity, score, index, word, start, end}`; `"simple"` groups adjacent tokens of
    the same entity (a `B-` starts a new one) into `{entity_group, score, word,
    start, end}`. Labels "O" are dropped, as in transformers. Both settings can be given
    when the pipeline is made (`pipeline("ner", model, aggregation_strategy="simple")`) or
    per call; a call's own value wins.

    Example:
    >>> # albert_keras.pipeline("token-classification", model="path")("Ada lives in Paris")
    """

    token_outputs = ("logits",)
    strategies = ("none", "simple")

    def __init__(self, runtime, tokenizer, aggregation_strategy="none", ignore_labels=("O",),
                 **kwargs):
        super().__init__(runtime, tokenizer, **kwargs)
        self.aggregation_strategy = self._strategy(aggregation_strategy)
        self.ignore_labels = tuple(ignore_labels)

    def _strategy(self, name):
        """A strategy name, lower-cased as transformers' `AggregationStrategy` takes it."""
        name = str(getattr(name, "value", name)).lower()
        if name not in self.strategies:
            raise ValueError(f"aggregation_strategy={name!r}: use 'none' or 'simple'")
        return name

    def preprocess_batch(self, texts, **kwargs):
        encoding = self.tokenizer(list(texts), truncation=True, max_length=self.max_length,
                                  return_offsets_mapping=True, return_special_tokens_mask=True)
        return [(item, (text, item)) for text, item in
                zip(texts, split_items(encoding, len(texts)))]

    def postprocess(self, outputs, context, aggregation_strategy=None, ignore_labels=None,
                    **kwargs):
        _, encoding = context
        strategy = self.aggregation_strategy if aggregation_strategy is None else \
            self._strategy(aggregation_strategy)
        ignore_labels = self.ignore_labels if ignore_labels is None else ignore_labels
        ids = encoding["input_ids"][0]
        offsets = encoding["offset_mapping"][0]
        special = encoding["special_tokens_mask"][0]
        probabilities = softmax(outputs[0]["logits"].astype("float64"))
        tokens = []
        for index, (token_id, probs) in enumerate(zip(ids, probabilities)):
            if special[index]:
                continue
            start, end = offsets[index]
            best = int(np.argmax(probs))
            tokens.append({"entity": self.config.id2label[best], "score": float(probs[best]),
                           "index": index, "word": self.tokenizer.convert_ids_to_tokens(
                               [int(token_id)])[0], "start": int(start), "end": int(end)})
        if strategy == "none":
            return [t for t in tokens if t["entity"] not in ignore_labels]
        groups = []
        for token in tokens:
            bi, tag = _tag(token["entity"])
            if groups and groups[-1]["tag"] == tag and bi != "B":
                groups[-1]["tokens"].append(token)
            else:
                groups.append({"tag": tag, "tokens": [token]})
        entities = []
        for group in groups:
            members = group["tokens"]
            entities.append({
                "entity_group": group["tag"],
                "score": float(np.mean([t["score"] for t in members])),
                "word": self.tokenizer.convert_tokens_to_string([t["word"] for t in members]),
                "start": members[0]["start"], "end": members[-1]["end"]})
        return [e for e in entities if e["entity_group"] not in ignore_labels]
