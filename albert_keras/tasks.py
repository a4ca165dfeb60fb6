"""The task registry: one row per task, the only table of tasks in the package.

Pipelines (`pipeline(task)`), the export (signatures, TFLite names, `--task` choices), the
checkpoint loader (`load(path, task=...)`), the command line and the shipped models all read
their task facts from `TASKS`; nobody else lists task names. The module imports nothing, so
the command line can list tasks without TensorFlow: classes are named here, as strings, and
each consumer resolves the name in its own package (`albert_keras.models`,
`albert_keras.pipelines`) when it needs the class.

Example:
>>> from albert_keras.tasks import get_task
>>> get_task("sentiment-analysis").name, get_task("ner").model_class
('text-classification', 'AlbertForTokenClassification')
>>> get_task("question-answering").default_model
'albert-tiny-en-squad'
"""

import dataclasses

# The token features every task model takes, in transformers' names, and the same features in
# the export's TFLite names (BertNLClassifier / BertQuestionAnswerer), in the same order.
TOKEN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
TFLITE_INPUTS = ("ids", "mask", "segment_ids")


@dataclasses.dataclass(frozen=True)
class Task:
    """One task: its names, its model, its pipeline and what its export takes and returns.

    Args:
        name: str. The transformers pipeline name, e.g. `question-answering`.
        model_class: str. The `albert_keras.models` class of the task.
        aliases: tuple of str. Other names transformers accepts (`sentiment-analysis`).
        pipeline_class: str or None. The `albert_keras.pipelines` class; None: no pipeline.
        text_inputs: tuple of str. Raw-text SavedModel signature inputs (one batch of strings
            each); empty for a task the export does not take.
        serving_outputs: tuple of str. Outputs of the SavedModel's token-id signature
            (`tokens`); the raw-text signature adds the answer text and offsets for QA.
        tflite_outputs: tuple of str. TFLite output names (the Task Library's names where it
            has them: `probability`, `start_logits`, `end_logits`).
        label_output: str or None. TFLite output whose arg-max is the predicted label.
        default_model: str or None. The shipped model a pipeline or command uses when no model
            is given (`albert_keras.shipped`).
        labels: bool. Outputs are class labels named by `config.id2label` (their names go
            into the artifact's metadata).
        token_level: bool. One prediction per token (compared on the real tokens only).
        verification_file: str. The held-out text (`assets/verification/`) its export is
            verified and calibrated on.
    """

    name: str
    model_class: str
    aliases: tuple = ()
    pipeline_class: str = None
    text_inputs: tuple = ()
    serving_outputs: tuple = ()
    tflite_outputs: tuple = ()
    label_output: str = None
    default_model: str = None
    labels: bool = False
    token_level: bool = False
    verification_file: str = "sentences.txt"

    @property
    def names(self):
        """The name and its aliases."""
        return (self.name, *self.aliases)

    @property
    def exported(self):
        """True when `albert_keras.export` writes SavedModel and TFLite files for the task."""
        return bool(self.text_inputs)


TASKS = (
    Task("text-classification", "AlbertForSequenceClassification",
         aliases=("sentiment-analysis",), pipeline_class="TextClassificationPipeline",
         text_inputs=("text",),
         serving_outputs=("logits", "probabilities", "label_id", "label", "score"),
         tflite_outputs=("probability",), label_output="probability",
         default_model="albert-tiny-en-sst2", labels=True),
    Task("token-classification", "AlbertForTokenClassification", aliases=("ner",),
         pipeline_class="TokenClassificationPipeline", text_inputs=("text",),
         serving_outputs=("logits", "probabilities", "label_ids", "labels", "tokens",
                          "attention_mask"),
         tflite_outputs=("logits",), label_output="logits", labels=True, token_level=True),
    Task("question-answering", "AlbertForQuestionAnswering",
         pipeline_class="QuestionAnsweringPipeline", text_inputs=("question", "context"),
         serving_outputs=("start_logits", "end_logits", "start_index", "end_index", "score"),
         tflite_outputs=("end_logits", "start_logits"), label_output="start_logits",
         default_model="albert-tiny-en-squad", verification_file="question_answering.tsv"),
    Task("fill-mask", "AlbertForMaskedLM", pipeline_class="FillMaskPipeline",
         text_inputs=("text",),
         serving_outputs=("logits", "mask_position", "top_k_ids", "top_k_scores",
                          "top_k_tokens"),
         tflite_outputs=("logits",), label_output="logits", default_model="albert-tiny-en",
         token_level=True, verification_file="fill_mask.txt"),
    Task("multiple-choice", "AlbertForMultipleChoice", text_inputs=("prompt", "choices"),
         serving_outputs=("logits", "probabilities", "choice"),
         tflite_outputs=("logits",), label_output="logits"),
    Task("feature-extraction", "AlbertModel", pipeline_class="FeatureExtractionPipeline",
         text_inputs=("text",),
         serving_outputs=("last_hidden_state", "pooler_output", "attention_mask"),
         tflite_outputs=("last_hidden_state", "pooler_output"), label_output="pooler_output",
         default_model="albert-tiny-en"),
    Task("pretraining", "AlbertForPreTraining"),
)
BY_NAME = {name: task for task in TASKS for name in task.names}
EXPORTED = tuple(task.name for task in TASKS if task.exported)
PIPELINES = {name: task for name, task in BY_NAME.items() if task.pipeline_class}


def get_task(name):
    """The `Task` of a name or alias; a ValueError lists the valid names."""
    if name not in BY_NAME:
        raise ValueError(f"unknown task {name!r}; choose from {sorted(BY_NAME)}")
    return BY_NAME[name]
