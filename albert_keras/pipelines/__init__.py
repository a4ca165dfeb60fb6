"""Task pipelines in the style of transformers' `pipeline()`.

- `base`: Pipeline, tokenization + length-sorted batching + runtime, written once.
- `runtimes`: KerasRuntime (one tf.function, no retracing per shape).
- `fill_mask`, `text_classification`, `token_classification`, `question_answering`,
  `feature_extraction`: one pipeline each.
"""

from albert_keras.pipelines.feature_extraction import FeatureExtractionPipeline
from albert_keras.pipelines.fill_mask import FillMaskPipeline
from albert_keras.pipelines.question_answering import QuestionAnsweringPipeline
from albert_keras.pipelines.runtimes import KerasRuntime
from albert_keras.pipelines.text_classification import TextClassificationPipeline
from albert_keras.pipelines.token_classification import TokenClassificationPipeline

# transformers' task names -> (pipeline class, model class name)
TASKS = {
    "fill-mask": (FillMaskPipeline, "AlbertForMaskedLM"),
    "text-classification": (TextClassificationPipeline, "AlbertForSequenceClassification"),
    "sentiment-analysis": (TextClassificationPipeline, "AlbertForSequenceClassification"),
    "token-classification": (TokenClassificationPipeline, "AlbertForTokenClassification"),
    "ner": (TokenClassificationPipeline, "AlbertForTokenClassification"),
    "question-answering": (QuestionAnsweringPipeline, "AlbertForQuestionAnswering"),
    "feature-extraction": (FeatureExtractionPipeline, "AlbertModel"),
}


def pipeline(task, model, tokenizer=None, batch_size=8, **kwargs):
    """A ready pipeline for `task` on a model folder / hub id or a loaded Keras model.

    Args:
        task: one of `TASKS` (transformers' names).
        model: a hub-layout folder or hub id (weights + config + `spiece.model`),
            or an ALBERT Keras model (then pass `tokenizer`).
        tokenizer: `AlbertTokenizer`; read from `model`'s folder when omitted.

    Example:
    >>> # fill = pipeline("fill-mask", model="albert-base-v2")
    >>> # fill("The capital of France is [MASK].")[0]["token_str"]
    """
    import albert_keras
    from albert_keras.tokenization import AlbertTokenizer

    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}; choose one of {sorted(TASKS)}")
    pipeline_class, model_class = TASKS[task]
    if isinstance(model, str):
        if tokenizer is None:
            tokenizer = AlbertTokenizer.from_pretrained(model)
        model = getattr(albert_keras, model_class).from_pretrained(model)
    if tokenizer is None:
        raise ValueError("Pass the tokenizer along with a model object")
    return pipeline_class(KerasRuntime(model), tokenizer, batch_size=batch_size, **kwargs)


__all__ = ["pipeline", "TASKS", "KerasRuntime", "FillMaskPipeline", "TextClassificationPipeline",
           "TokenClassificationPipeline", "QuestionAnsweringPipeline",
           "FeatureExtractionPipeline"]
