"""FeatureExtractionPipeline: the last hidden state of every token."""

from albert_keras.pipelines.base import Pipeline, split_items


class FeatureExtractionPipeline(Pipeline):
    """Returns the (tokens, hidden_size) vectors of each text, as nested lists like transformers.

    Pass `return_tensors=True` for numpy arrays instead.

    Example:
    >>> # albert_keras.pipeline("feature-extraction", model="path")("some text")
    """

    token_outputs = ("last_hidden_state",)
    task = "feature-extraction"
    call_arguments = ("return_tensors",)

    def preprocess_batch(self, texts, **kwargs):
        encoding = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        return [(item, None) for item in split_items(encoding, len(texts))]

    def postprocess(self, outputs, context, return_tensors=False, **kwargs):
        vectors = outputs[0]["last_hidden_state"][None]  # (1, tokens, H) as transformers
        return vectors if return_tensors else vectors.tolist()
