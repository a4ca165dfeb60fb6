"""Output containers with transformers' field names: `out.logits`, `out["logits"]` and `out[0]` work."""

import keras
import optree


class ModelOutput(dict):
    """A dict whose keys are also attributes, ordered as transformers orders its fields.

    Fields that are None are left out, as transformers' `ModelOutput` does, so
    `to_tuple()` gives exactly the tuple `return_dict=False` returns.

    Example:
    >>> out = SequenceClassifierOutput(logits=[0.1, 0.9])
    >>> out.logits == out["logits"]
    True
    >>> out.to_tuple()
    ([0.1, 0.9],)
    >>> out[0] == out["logits"]
    True
    """

    fields = ()

    def __init__(self, *args, **kwargs):
        data = dict(*args, **kwargs)
        unknown = set(data) - set(self.fields) if self.fields else set()
        if unknown:
            raise TypeError(f"{type(self).__name__} has no field(s) {sorted(unknown)}")
        order = self.fields or tuple(data)
        super().__init__((k, data[k]) for k in order if data.get(k) is not None)

    def __getattr__(self, name):
        if name in self:
            return self[name]
        if name in type(self).fields:
            return None  # a field that was not computed, as in transformers
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __getitem__(self, key):
        # As transformers' ModelOutput: a string is a field name, an int or a slice a
        # position among the fields that are set (iteration still gives the keys).
        if isinstance(key, (int, slice)):
            return self.to_tuple()[key]
        return super().__getitem__(key)

    def to_tuple(self):
        """The values in field order, as `return_dict=False` returns them."""
        return tuple(self.values())


_CLASSES = []


def register_backend_pytrees():
    """Registers the output classes with JAX's or torch's pytrees when Keras runs there (JAX
    jit returns them from traced steps; Keras' torch trainer maps them in `predict`)."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax  # local: optional dependency, on the JAX backend only

        for cls in _CLASSES:
            jax.tree_util.register_pytree_node(
                cls, lambda out: (tuple(out.values()), tuple(out.keys())),
                lambda keys, values, cls=cls: cls(zip(keys, values)))
    elif backend == "torch":
        from torch.utils import _pytree  # local: optional dependency, on the torch backend only

        for cls in _CLASSES:
            _pytree.register_pytree_node(
                cls, lambda out: (list(out.values()), list(out.keys())),
                lambda values, keys, cls=cls: cls(zip(keys, values)))


def _output_class(name, fields, doc):
    cls = type(name, (ModelOutput,), {"fields": tuple(fields), "__doc__": doc})
    # Keras walks outputs with optree: register so `fit`/`predict` see a dict-like node.
    optree.register_pytree_node(
        cls,
        lambda out: (tuple(out.values()), tuple(out.keys()), tuple(out.keys())),
        lambda keys, values: cls(zip(keys, values)),
        namespace="keras",
    )
    _CLASSES.append(cls)
    return cls


_HIDDEN = ("hidden_states", "attentions")
BaseModelOutputWithPooling = _output_class(
    "BaseModelOutputWithPooling", ("last_hidden_state", "pooler_output") + _HIDDEN,
    "Output of AlbertModel.")
AlbertForPreTrainingOutput = _output_class(
    "AlbertForPreTrainingOutput", ("loss", "prediction_logits", "sop_logits") + _HIDDEN,
    "Output of AlbertForPreTraining.")
MaskedLMOutput = _output_class(
    "MaskedLMOutput", ("loss", "logits") + _HIDDEN, "Output of AlbertForMaskedLM.")
SequenceClassifierOutput = _output_class(
    "SequenceClassifierOutput", ("loss", "logits") + _HIDDEN,
    "Output of AlbertForSequenceClassification.")
MultipleChoiceModelOutput = _output_class(
    "MultipleChoiceModelOutput", ("loss", "logits") + _HIDDEN,
    "Output of AlbertForMultipleChoice.")
TokenClassifierOutput = _output_class(
    "TokenClassifierOutput", ("loss", "logits") + _HIDDEN,
    "Output of AlbertForTokenClassification.")
QuestionAnsweringModelOutput = _output_class(
    "QuestionAnsweringModelOutput", ("loss", "start_logits", "end_logits") + _HIDDEN,
    "Output of AlbertForQuestionAnswering.")
