"""AlbertPreTrainedModel: the transformers call convention, output packing, Keras citizenship, I/O."""

from collections.abc import Mapping

import keras
from keras import ops

from albert_keras.config import AlbertConfig, as_config  # noqa: F401 (as_config: its old home)
from albert_keras.models.feature_checks import check_features, poison_invalid
from albert_keras.models.outputs import register_backend_pytrees
from albert_keras.models.tf_model_api import TFModelAPI
from albert_keras.weights import hf
from albert_keras.weights.names import weight_names

register_backend_pytrees()  # the output classes, on JAX and torch
FEATURE_NAMES = ("input_ids", "attention_mask", "token_type_ids", "position_ids", "head_mask",
                 "inputs_embeds")


def _replicas_in_sync():
    """The replicas of the current `tf.distribute` strategy (1 on the other backends)."""
    if keras.backend.backend() != "tensorflow":
        return 1
    import tensorflow as tf  # the TensorFlow backend only

    return tf.distribute.get_strategy().num_replicas_in_sync


class AlbertPreTrainedModel(TFModelAPI, keras.Model):
    """Base of every ALBERT model: one place for the transformers calling convention.

    Subclasses define their layers in `_create_layers`, their forward pass in
    `_forward` (features -> dict of outputs) and their loss in `_loss`; everything a
    user touches is here, written once:

    - `call(input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None,
      head_mask=None, inputs_embeds=None, output_attentions=None,
      output_hidden_states=None, return_dict=None, training=False, **labels)` as in
      transformers' TFAlbert* models; `input_ids` may also be a dict of those
      features (and labels), which is what `model.fit` on a `tf.data.Dataset` of
      feature dicts passes. Returns the output class (`out.logits` or
      `out["logits"]`), or a tuple in transformers' order with `return_dict=False`.
    - `compile()` without a loss trains on transformers' loss for the task, taking
      labels from `y` (a tensor, or a dict keyed by label name) or from the
      features dict; a user loss or metric given to `compile` applies to the
      model's main output (`logits`).
    - `get_config`/`from_config` and the `.keras` format; `from_pretrained` and
      `save_pretrained` in the Hugging Face hub layout.
    """

    output_class = None  # set by subclasses
    label_names = ("labels",)
    main_output = "logits"
    base_model_prefix = "albert"
    # Declared by AlbertModel and each head (inherited by their subclasses): the name the task
    # registry, the weight-name table and config.json's `architectures` know the class by.
    architecture = None
    weight_prefix = "albert."  # where the backbone's weights sit in this model's checkpoints
    input_rank = 2  # input_ids of shape (batch, seq); 3 for (batch, choices, seq)
    loss_scaled_for_distribution = True  # compute_loss divides by the replica count

    def __init__(self, config, **kwargs):
        config = as_config(config)
        super().__init__(**kwargs)
        self.config = config
        self._create_layers(config)
        self.build()

    # ------------------------------------------------------------ subclass hooks
    def _create_layers(self, config):
        """Creates the model's layers (no weights yet); called once, from `__init__`."""
        raise NotImplementedError

    def _build_weights(self):
        """Creates the weights of the layers `_create_layers` made (from `build`)."""

    def _forward(self, features, training, output_attentions, output_hidden_states):
        raise NotImplementedError

    def _loss(self, labels, outputs):
        """transformers' PyTorch loss (a scalar, the mean): what `fit` minimizes."""
        raise NotImplementedError

    def _output_loss(self, labels, outputs):
        """`out.loss` in transformers' TF shape: (1,) here, (batch,) in per-example heads."""
        return ops.reshape(self._loss(labels, outputs), (1,))

    # ------------------------------------------------------------ Keras plumbing
    def build(self, input_shape=None):
        if self.built:
            return
        self._build_weights()
        self.built = True

    def get_config(self):
        return {"config": self.config.to_dict(), "name": self.name, "trainable": self.trainable,
                "dtype": keras.dtype_policies.serialize(self.dtype_policy)}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "dtype" in config and isinstance(config["dtype"], dict):
            config["dtype"] = keras.dtype_policies.deserialize(config["dtype"])
        return cls(config.pop("config"), **config)

    # ------------------------------------------------------------ the call
    def call(self, input_ids=None, attention_mask=None, token_type_ids=None, position_ids=None,
             head_mask=None, inputs_embeds=None, output_attentions=None,
             output_hidden_states=None, return_dict=None, training=False, **labels):
        features = {"input_ids": input_ids, "attention_mask": attention_mask,
                    "token_type_ids": token_type_ids, "position_ids": position_ids,
                    "head_mask": head_mask, "inputs_embeds": inputs_embeds}
        if isinstance(input_ids, Mapping):
            features, labels = self._unpack_dict(input_ids, features, labels)
        config = self.config  # transformers' defaults for what the call leaves as None
        output_attentions = config.output_attentions if output_attentions is None \
            else output_attentions
        output_hidden_states = config.output_hidden_states if output_hidden_states is None \
            else output_hidden_states
        return_dict = config.return_dict if return_dict is None else return_dict
        unknown = set(labels) - set(self.label_names)
        if unknown:
            raise TypeError(f"{type(self).__name__}.call got unexpected argument(s) "
                            f"{sorted(unknown)}; its labels are {list(self.label_names)}")
        features, valid = self._check_features(features)
        outputs = self._forward(features, training, bool(output_attentions),
                                bool(output_hidden_states))
        if valid is not None:
            outputs = poison_invalid(outputs, valid)
        labels = {k: v for k, v in labels.items() if v is not None}
        if labels:
            # In the shape transformers' TF head returns (its hf_compute_loss).
            outputs["loss"] = self._output_loss(labels, outputs)
        outputs = self.output_class(outputs)
        return outputs if return_dict else outputs.to_tuple()

    def _unpack_dict(self, data, features, labels):
        """Splits a features dict (as `fit` passes it) into features and labels."""
        data = dict(data)
        unknown = set(data) - set(FEATURE_NAMES) - set(self.label_names)
        if unknown:
            raise ValueError(f"Unknown input(s) {sorted(unknown)}; expected some of "
                             f"{list(FEATURE_NAMES)} (labels: {list(self.label_names)})")
        for name in FEATURE_NAMES:
            if features[name] is None or name == "input_ids":
                features[name] = data.get(name)
        labels = dict(labels)
        for name in self.label_names:
            if name in data:
                labels[name] = data[name]
        return features, labels

    def weight_rows(self):
        """This model's weights as `weights.names.WeightName` rows (ours, transformers', TF1,
        keras-hub), from its declared `architecture` and `weight_prefix`."""
        backbone = getattr(self, self.base_model_prefix) if self.weight_prefix else self
        return weight_names(self.architecture, self.config, pooler=backbone.pooler is not None,
                            base_prefix=self.weight_prefix)

    def _check_features(self, features, values=True):
        """`feature_checks.check_features` with this model's config: `(features, valid)`."""
        return check_features(features, self.config, values)

    # ------------------------------------------------------------ fit / evaluate
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if self.loss is not None:  # set by compile(loss=...): the compiled loss on the main output
            return super().compute_loss(x, y, self._main(y_pred), sample_weight, training)
        labels = self._labels_from(x, y)
        if labels:
            loss = self._loss(labels, y_pred)
            # As Keras does for compiled losses: each replica's gradient is summed across
            # replicas, so its loss is divided by their number.
            replicas = _replicas_in_sync()
            if replicas > 1:
                loss = loss / replicas
        elif isinstance(y_pred, dict) and "loss" in y_pred:
            # Labels out of sight: the mean of the output's loss (per-example heads give an
            # ignored row 0, so PyTorch's mean needs the labels, above).
            loss = ops.mean(y_pred["loss"])
        else:
            raise ValueError(
                f"{type(self).__name__} was compiled without a loss and got no labels: pass "
                f"labels as y or in the features dict under {list(self.label_names)}")
        if self.losses:
            loss = loss + ops.sum(self.losses)
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        return super().compute_metrics(x, y, self._main(y_pred), sample_weight)

    def _main(self, y_pred):
        if isinstance(y_pred, dict) and self.main_output in y_pred:
            return y_pred[self.main_output]
        return y_pred

    def _labels_from(self, x, y):
        if isinstance(y, Mapping):
            return {k: v for k, v in y.items() if k in self.label_names}
        if y is not None:
            return {self.label_names[0]: y}
        if isinstance(x, Mapping):
            return {k: x[k] for k in self.label_names if k in x}
        return {}

    # ------------------------------------------------------------ weights I/O
    @classmethod
    def from_pretrained(cls, path_or_name, config=None, **kwargs):
        """Loads weights in the Hugging Face hub layout (see `albert_keras.weights.hf`).

        Args:
            path_or_name: a folder with `config.json` and `model.safetensors`,
                `pytorch_model.bin`, `tf_model.h5` or a sharded index; or a hub id
                such as `albert-base-v2`, fetched through `huggingface_hub`.
            config: optional AlbertConfig (or overrides dict) used instead of the file's.
            **kwargs: AlbertConfig overrides, e.g. `num_labels=3`.
        """
        return hf.load_model(cls, path_or_name, config=config, **kwargs)

    def save_pretrained(self, directory, max_shard_size=None):
        """Writes `config.json` + `model.safetensors` that transformers loads back."""
        hf.save_model(self, directory, max_shard_size=max_shard_size)
