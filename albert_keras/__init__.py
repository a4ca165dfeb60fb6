"""albert-keras: ALBERT (arXiv:1909.11942) for Keras 3, exact to transformers.

Package index:
- `config`: AlbertConfig, transformers' fields and defaults, config.json I/O.
- `presets`: the 8 published architectures (albert-{base,large,xlarge,xxlarge}-v{1,2}).
- `activations`: the `hidden_act` functions.
- `hub`: hub names and local folders to files (huggingface_hub, offline cache).
- `layers/`: the architecture, one block per module.
- `models/`: AlbertModel and the six task heads (also as TFAlbert* names).
- `checkpoints/`: weight formats in and out, one name table; `load()` reads any of them.
- `auto`: TFAuto* and AutoTokenizer, transformers' auto entry points for ALBERT.
- `cli`: the `albert-keras` command (argument parsing and dispatch only).
- `demo`: `python -m albert_keras.demo`, every task model on a checkpoint.
- `tokenization/`: SentencePiece tokenizer in Python and in the TF graph.
- `data/`: tf.data pipelines: pre-training (SOP + n-gram MLM TFRecords), GLUE, SQuAD, NER, multiple choice.
- `metrics/`: official scorers: GLUE metrics, SQuAD EM/F1, entity-level F1.
- `training/`: pretrain / finetune on model.fit, LAMB/AdamW schedules, tf.distribute strategies, CLI.
- `pipelines/`: fill-mask, classification, NER, QA, feature extraction (transformers' `pipeline()`).
- `export/`: SavedModel (TF Serving) and TFLite exporters, quantization, verification.

`import albert_keras` is light: each public name loads its module on first use, and a
pipeline on a `.tflite` file (or `albert-keras classify --model x.tflite`) runs on LiteRT
without importing TensorFlow at all.

TensorFlow runs its oneDNN kernels by default only on CPUs with AVX-512 or newer. On x86 CPUs
without them, importing albert_keras before TensorFlow turns them on (`TF_ENABLE_ONEDNN_OPTS=1`):
ALBERT's `fit` step runs faster with them (benchmarks/README.md). A value you set
yourself is kept (`TF_ENABLE_ONEDNN_OPTS=0` keeps them off), and nothing changes when TensorFlow
was imported first: it reads the switch when it loads.
"""

import os as _os
import platform as _platform
import sys as _sys

_ONEDNN_DEFAULTED = ("tensorflow" not in _sys.modules
                     and "TF_ENABLE_ONEDNN_OPTS" not in _os.environ
                     and _platform.machine().lower() in ("x86_64", "amd64"))
if _ONEDNN_DEFAULTED:
    # An environment variable, set on import: TensorFlow reads this switch when its library
    # loads, and we found no Python API that turns oneDNN on afterwards.
    _os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"

import importlib as _importlib
import importlib.util as _importlib_util

# Public name -> the module that defines it. Nothing below is imported until first used
# (PEP 562), so `pipeline(..., model="x.tflite")` runs without loading TensorFlow.
_MODELS = ("AlbertForMaskedLM", "AlbertForMultipleChoice", "AlbertForPreTraining",
           "AlbertForQuestionAnswering", "AlbertForSequenceClassification",
           "AlbertForTokenClassification", "AlbertModel", "AlbertPreTrainedModel")
_AUTO = ("AutoTokenizer", "TFAutoModel", "TFAutoModelForMaskedLM", "TFAutoModelForMultipleChoice",
         "TFAutoModelForPreTraining", "TFAutoModelForQuestionAnswering",
         "TFAutoModelForSequenceClassification", "TFAutoModelForTextEncoding",
         "TFAutoModelForTokenClassification", "TFAutoModelWithLMHead")
_OUTPUTS = ("AlbertForPreTrainingOutput", "BaseModelOutputWithPooling", "MaskedLMOutput",
            "MultipleChoiceModelOutput", "QuestionAnsweringModelOutput",
            "SequenceClassifierOutput", "TokenClassifierOutput")
_SOURCES = {
    "AlbertConfig": "albert_keras.config",
    "AlbertTokenizer": "albert_keras.tokenization",
    "AlbertTokenizerLayer": "albert_keras.tokenization",
    "PRESETS": "albert_keras.presets",
    "detect_format": "albert_keras.checkpoints",
    "load": "albert_keras.checkpoints",
    "pipeline": "albert_keras.pipelines",
    **{name: "albert_keras.models" for name in _MODELS},
    **{name: "albert_keras.auto" for name in _AUTO},
    **{name: "albert_keras.models.outputs" for name in _OUTPUTS},
    **{name: "albert_keras.training.optimization" for name in (
        "AdamWeightDecay", "WarmUp", "create_transformers_optimizer")},
}
# transformers' TF names for the same objects: TFAlbert* classes, TFAlbertMainLayer (the
# backbone), the TF* output classes, and create_optimizer (transformers' signature).
_ALIASES = {**{"TF" + name: name for name in _MODELS + _OUTPUTS},
            "TFAlbertMainLayer": "AlbertModel",
            "create_optimizer": "create_transformers_optimizer"}


def __getattr__(name):
    """Imports a public name (or a subpackage such as `albert_keras.models`) on first use."""
    target = _ALIASES.get(name, name)
    if target in _SOURCES:
        value = getattr(_importlib.import_module(_SOURCES[target]), target)
    else:
        try:
            value = _importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))


def _importing_own_modules():
    """True while one of this package's modules is half imported (it imported Keras).

    Importing the models then would import that module again, half done; the models are
    registered when the import that is under way reaches them.
    """
    return any(getattr(getattr(module, "__spec__", None), "_initializing", False)
               for name, module in list(_sys.modules.items())
               if name.startswith(f"{__name__}."))


def _register_with_keras():
    """Registers the model classes with Keras (`keras.models.load_model` reads our `.keras`
    files) as soon as Keras is imported, without importing it here."""
    if "keras" in _sys.modules:
        _importlib.import_module(f"{__name__}.models")
        return

    class KerasImportHook:
        """Finds `keras` as usual, then imports the models once Keras has loaded."""

        def find_spec(self, name, path=None, target=None):
            if name != "keras":
                return None
            _sys.meta_path.remove(self)
            spec = _importlib_util.find_spec(name)
            if spec is not None and spec.loader is not None:
                exec_module = spec.loader.exec_module

                def exec_and_register(module):
                    exec_module(module)
                    if not _importing_own_modules():  # else that import finishes first
                        _importlib.import_module(f"{__name__}.models")

                spec.loader.exec_module = exec_and_register
            return spec

    _sys.meta_path.insert(0, KerasImportHook())


_register_with_keras()


__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "AdamWeightDecay",
    "AlbertConfig",
    "AlbertForMaskedLM",
    "AlbertForMultipleChoice",
    "AlbertForPreTraining",
    "AlbertForPreTrainingOutput",
    "AlbertForQuestionAnswering",
    "AlbertForSequenceClassification",
    "AlbertForTokenClassification",
    "AlbertModel",
    "AlbertPreTrainedModel",
    "AlbertTokenizer",
    "AlbertTokenizerLayer",
    "AutoTokenizer",
    "BaseModelOutputWithPooling",
    "MaskedLMOutput",
    "MultipleChoiceModelOutput",
    "QuestionAnsweringModelOutput",
    "SequenceClassifierOutput",
    "TFAlbertForMaskedLM",
    "TFAlbertForMultipleChoice",
    "TFAlbertForPreTraining",
    "TFAlbertForPreTrainingOutput",
    "TFAlbertForQuestionAnswering",
    "TFAlbertForSequenceClassification",
    "TFAlbertForTokenClassification",
    "TFAlbertMainLayer",
    "TFAlbertModel",
    "TFAlbertPreTrainedModel",
    "TFAutoModel",
    "TFAutoModelForMaskedLM",
    "TFAutoModelForMultipleChoice",
    "TFAutoModelForPreTraining",
    "TFAutoModelForQuestionAnswering",
    "TFAutoModelForSequenceClassification",
    "TFAutoModelForTextEncoding",
    "TFAutoModelForTokenClassification",
    "TFAutoModelWithLMHead",
    "TFBaseModelOutputWithPooling",
    "TFMaskedLMOutput",
    "TFMultipleChoiceModelOutput",
    "TFQuestionAnsweringModelOutput",
    "TFSequenceClassifierOutput",
    "TFTokenClassifierOutput",
    "TokenClassifierOutput",
    "WarmUp",
    "create_optimizer",
    "create_transformers_optimizer",
    "detect_format",
    "load",
    "pipeline",
]
