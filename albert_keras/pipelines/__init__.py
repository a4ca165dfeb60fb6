"""Task pipelines in the style of transformers' `pipeline()`.

- `base`: Pipeline, tokenization + length-sorted batching + runtime, written once.
- `runtimes`: KerasRuntime (one tf.function, no retracing per shape; XLA with bucketed
  shapes on request), SavedModelRuntime (the export's token-id signature), TFLiteRuntime
  (LiteRT, row by row at the file's fixed length, or the whole batch at its own length).
- `litert`: LiteRT's CompiledModel with XNNPACK's weight cache (the shared layer packed once).
- `artifacts`: what an exported SavedModel / TFLite file records (task, tokenizer, labels, config).
- `fill_mask`, `text_classification`, `token_classification`, `question_answering`,
  `feature_extraction`: one pipeline each.
- `cli`: the `fill-mask`, `classify` and `answer` subcommands.
"""

import os

import albert_keras
from albert_keras import hub, tasks
from albert_keras.native_logs import import_tensorflow
from albert_keras.pipelines import artifacts
from albert_keras.pipelines.feature_extraction import FeatureExtractionPipeline
from albert_keras.pipelines.fill_mask import FillMaskPipeline
from albert_keras.pipelines.question_answering import QuestionAnsweringPipeline
from albert_keras.pipelines.runtimes import (
    KerasRuntime,
    SavedModelRuntime,
    TFLiteRuntime,
    resolve_dtype,
)
from albert_keras.pipelines.text_classification import TextClassificationPipeline
from albert_keras.pipelines.token_classification import TokenClassificationPipeline
from albert_keras.shipped import default_model
from albert_keras.tokenization import AlbertTokenizer

# transformers' task names (and aliases) -> (pipeline class, model class name): the registry's
# rows with a pipeline (`albert_keras.tasks`).
_CLASSES = {cls.__name__: cls for cls in (
    FeatureExtractionPipeline, FillMaskPipeline, QuestionAnsweringPipeline,
    TextClassificationPipeline, TokenClassificationPipeline)}
TASKS = {name: (_CLASSES[task.pipeline_class], task.model_class)
         for name, task in tasks.PIPELINES.items()}


def pipeline(task, model=None, tokenizer=None, batch_size=8, dtype=None, **kwargs):
    """A ready pipeline for `task` on a model folder, hub id, SavedModel, TFLite file or model.

    `model` is detected: a `.tflite` file runs in LiteRT (`TFLiteRuntime`), a SavedModel
    from `albert_keras.export` (its `NAME/VERSION/` folder, or `NAME/` for the highest
    version) through its token-id signature (`SavedModelRuntime`), anything else is a
    hub-layout folder or hub id loaded as a Keras model. The results are the same on
    all three for a float model; the artifacts truncate at their fixed sequence length
    (an any-length TFLite file, at the model's `max_position_embeddings`). For speed on
    a CPU, export TFLite with `sequence_length=None`: nothing is padded.

    Args:
        task: one of `TASKS` (transformers' names).
        model: a path or hub id as above, an ALBERT Keras model (then pass
            `tokenizer`), or a runtime (`KerasRuntime`, `SavedModelRuntime`,
            `TFLiteRuntime`). Defaults, as in transformers, to the task's default
            model: here the one shipped inside the package (`albert_keras.shipped`).
        tokenizer: `AlbertTokenizer`; read from `model` (its folder, or the
            SentencePiece model inside the artifact) when omitted.
        batch_size: int. Items per forward pass. Defaults to 8.
        dtype: "float32" (None, "auto": the default) or "bfloat16" (also as
            `torch_dtype`, transformers' older name): the Keras model computes in
            bfloat16 (`KerasRuntime`); an exported artifact keeps its own precision.
        **kwargs: passed to the pipeline class (e.g. `max_length`).

    Example:
    >>> # pipeline("fill-mask", model="out/albert-fill-mask-float32.tflite")("A [MASK].")
    >>> try:
    ...     pipeline("summarization", model="albert-base-v2")
    ... except ValueError as error:
    ...     print(str(error)[:34])
    Unknown task 'summarization'; choo
    """
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}; choose one of {sorted(TASKS)}")
    pipeline_class, model_class = TASKS[task]
    torch_dtype = kwargs.pop("torch_dtype", None)
    dtype = resolve_dtype(torch_dtype if dtype is None else dtype)
    if model is None:
        model = default_model(task)
    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        if path.endswith(".tflite") or artifacts.is_tflite(path):
            model = TFLiteRuntime(path)
        elif artifacts.saved_model_version(path):
            import_tensorflow()
            model = SavedModelRuntime(path)
        else:
            import_tensorflow()  # before the model's first import of it: its start-up lines
            path = hub.snapshot(path)  # a hub name's files once, for the model and tokenizer
            if tokenizer is None:
                tokenizer = AlbertTokenizer.from_pretrained(path)
            model = getattr(albert_keras, model_class).from_pretrained(path)
    runtime = model if isinstance(model, RUNTIMES) else KerasRuntime(model, dtype=dtype)
    if dtype != getattr(runtime, "dtype", "float32"):
        raise ValueError(f"dtype={dtype!r} applies to a Keras model; "
                         + (f"{runtime.source} runs at the precision it was exported with"
                            if hasattr(runtime, "source") else
                            f"this KerasRuntime runs in {runtime.dtype} (pass dtype to it)"))
    if isinstance(runtime, (SavedModelRuntime, TFLiteRuntime)):
        exported = runtime.task
        if exported is not None and TASKS.get(exported, (None, exported))[1] != model_class:
            raise ValueError(f"{runtime.path} was exported for {exported!r}, not {task!r}")
        tokenizer = tokenizer or runtime.tokenizer
    if tokenizer is None:
        raise ValueError("Pass the tokenizer along with a model object (or an artifact "
                         "without a SentencePiece model inside)")
    return pipeline_class(runtime, tokenizer, batch_size=batch_size, **kwargs)


RUNTIMES = (KerasRuntime, SavedModelRuntime, TFLiteRuntime)

__all__ = [
    "TASKS",
    "FeatureExtractionPipeline",
    "FillMaskPipeline",
    "KerasRuntime",
    "QuestionAnsweringPipeline",
    "SavedModelRuntime",
    "TFLiteRuntime",
    "TextClassificationPipeline",
    "TokenClassificationPipeline",
    "pipeline",
]
