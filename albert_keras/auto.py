"""TFAuto* and AutoTokenizer: transformers' auto entry points, for the ALBERT heads this library has.

`TFAutoModelForSequenceClassification.from_pretrained(path)` is
`AlbertForSequenceClassification.from_pretrained(path)` once the folder's `config.json`
says `model_type: albert`; a checkpoint of any other architecture is refused by name.
"""

import json

from albert_keras import hub
from albert_keras.tokenization import AlbertTokenizer

# TFAuto* name -> the ALBERT class it builds (transformers' TF auto mapping for ALBERT).
AUTO_MODELS = {
    "TFAutoModel": "AlbertModel",
    "TFAutoModelForPreTraining": "AlbertForPreTraining",
    "TFAutoModelForMaskedLM": "AlbertForMaskedLM",
    "TFAutoModelForSequenceClassification": "AlbertForSequenceClassification",
    "TFAutoModelForMultipleChoice": "AlbertForMultipleChoice",
    "TFAutoModelForTokenClassification": "AlbertForTokenClassification",
    "TFAutoModelForQuestionAnswering": "AlbertForQuestionAnswering",
    "TFAutoModelForTextEncoding": "AlbertModel",
    "TFAutoModelWithLMHead": "AlbertForMaskedLM",  # deprecated in transformers, still there
}


def _check_albert(path_or_name):
    """Raises a ValueError when a folder's config.json is not an ALBERT config."""
    path = hub.resolve_file(path_or_name, "config.json", required=False)
    if path is None:
        return
    with open(path, encoding="utf-8") as f:
        model_type = json.load(f).get("model_type", "albert")
    if model_type != "albert":
        raise ValueError(f"{path_or_name} holds a {model_type!r} model; albert_keras builds "
                         "only ALBERT (model_type 'albert')")


class _AutoModel:
    """Base of the TFAuto* classes: `from_pretrained` and `from_config` build `model_class`."""

    model_class = None  # an ALBERT class name, set per subclass

    def __init__(self, *args, **kwargs):
        raise OSError(f"{type(self).__name__} is built with from_pretrained(path) or "
                               "from_config(config), as in transformers")

    @classmethod
    def _class(cls):
        import albert_keras.models  # local: Keras (TensorFlow); AutoTokenizer needs none

        return getattr(albert_keras.models, cls.model_class)

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, *args, **kwargs):
        """The ALBERT model of this head from a folder or hub name (see `from_pretrained`)."""
        kwargs.pop("from_pt", None)  # every format loads without it
        folder = hub.snapshot(pretrained_model_name_or_path, vocabulary=False)
        _check_albert(folder)
        return cls._class().from_pretrained(folder, *args, **kwargs)

    @classmethod
    def from_config(cls, config, **kwargs):
        """A randomly initialised model of this head from a config (ours, a dict, or transformers')."""
        return cls._class()(config, **kwargs)


def _auto_class(name, model_class):
    doc = (f"transformers' `{name}` for ALBERT: `from_pretrained` / `from_config` build "
           f"`{model_class}`.")
    return type(name, (_AutoModel,), {"model_class": model_class, "__doc__": doc,
                                      "__module__": __name__})


TFAutoModel = _auto_class("TFAutoModel", AUTO_MODELS["TFAutoModel"])
TFAutoModelForPreTraining = _auto_class("TFAutoModelForPreTraining",
                                        AUTO_MODELS["TFAutoModelForPreTraining"])
TFAutoModelForMaskedLM = _auto_class("TFAutoModelForMaskedLM",
                                     AUTO_MODELS["TFAutoModelForMaskedLM"])
TFAutoModelForSequenceClassification = _auto_class(
    "TFAutoModelForSequenceClassification", AUTO_MODELS["TFAutoModelForSequenceClassification"])
TFAutoModelForMultipleChoice = _auto_class("TFAutoModelForMultipleChoice",
                                           AUTO_MODELS["TFAutoModelForMultipleChoice"])
TFAutoModelForTokenClassification = _auto_class(
    "TFAutoModelForTokenClassification", AUTO_MODELS["TFAutoModelForTokenClassification"])
TFAutoModelForQuestionAnswering = _auto_class("TFAutoModelForQuestionAnswering",
                                              AUTO_MODELS["TFAutoModelForQuestionAnswering"])
TFAutoModelForTextEncoding = _auto_class("TFAutoModelForTextEncoding",
                                         AUTO_MODELS["TFAutoModelForTextEncoding"])
TFAutoModelWithLMHead = _auto_class("TFAutoModelWithLMHead", AUTO_MODELS["TFAutoModelWithLMHead"])


class AutoTokenizer:
    """transformers' `AutoTokenizer` for ALBERT: loads this library's `AlbertTokenizer`.

    `AutoTokenizer.from_pretrained(folder)` reads the folder's `spiece.model` (and its
    tokenizer config), as `AlbertTokenizer.from_pretrained` does. `use_fast` is accepted
    and ignored: there is one tokenizer, identical to both of transformers'.
    """

    def __init__(self, *args, **kwargs):
        raise OSError("AutoTokenizer is built with AutoTokenizer.from_pretrained(path)")

    @classmethod
    def from_pretrained(cls, pretrained_model_name_or_path, *args, use_fast=None, **kwargs):
        """The `AlbertTokenizer` of a folder, `spiece.model` file or hub name."""
        return AlbertTokenizer.from_pretrained(pretrained_model_name_or_path, *args, **kwargs)


__all__ = list(AUTO_MODELS) + ["AUTO_MODELS", "AutoTokenizer"]
