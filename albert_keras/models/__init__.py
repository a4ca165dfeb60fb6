"""The seven task models, one per module, each a thin head on AlbertModel.

- `base`: AlbertPreTrainedModel, transformers' call convention, fit/compile, I/O (written once).
- `task_model`: AlbertTaskModel, an `albert` backbone plus a head.
- `outputs`: output containers with transformers' field names.
- `tf_model_api`: TFModelAPI, the methods transformers' TF models give their users.
- `feature_checks`: the token features checked at the model boundary (backend-neutral);
  `graph_feature_checks`: the same checks as TensorFlow graph ops (TensorFlow backend only).
- `losses`: transformers-compatible losses (-100 ignored, problem_type).
- `albert_model`: AlbertModel, the backbone.
- `pretraining`: AlbertForPreTraining (MLM + SOP).
- `masked_lm`: AlbertForMaskedLM.
- `sequence_classification`: AlbertForSequenceClassification.
- `multiple_choice`: AlbertForMultipleChoice.
- `token_classification`: AlbertForTokenClassification.
- `question_answering`: AlbertForQuestionAnswering.
"""

import keras

from albert_keras.native_logs import import_tensorflow

if keras.backend.backend() == "tensorflow":
    import_tensorflow()  # when the models are what loads it: without its start-up lines

from albert_keras.models.albert_model import AlbertModel
from albert_keras.models.base import AlbertPreTrainedModel
from albert_keras.models.masked_lm import AlbertForMaskedLM
from albert_keras.models.multiple_choice import AlbertForMultipleChoice
from albert_keras.models.pretraining import AlbertForPreTraining
from albert_keras.models.question_answering import AlbertForQuestionAnswering
from albert_keras.models.sequence_classification import AlbertForSequenceClassification
from albert_keras.models.token_classification import AlbertForTokenClassification

TASK_MODELS = {
    "AlbertModel": AlbertModel,
    "AlbertForPreTraining": AlbertForPreTraining,
    "AlbertForMaskedLM": AlbertForMaskedLM,
    "AlbertForSequenceClassification": AlbertForSequenceClassification,
    "AlbertForMultipleChoice": AlbertForMultipleChoice,
    "AlbertForTokenClassification": AlbertForTokenClassification,
    "AlbertForQuestionAnswering": AlbertForQuestionAnswering,
}

__all__ = list(TASK_MODELS) + ["AlbertPreTrainedModel", "TASK_MODELS"]
