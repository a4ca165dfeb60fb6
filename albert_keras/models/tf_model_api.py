"""TFModelAPI: the methods transformers' TF models give their users, on Keras 3.

What code written for `transformers.TFAlbert*` calls beyond the forward pass: a
tokenizer's output (any mapping) or a list of tensors as the first argument, also in
`fit` / `evaluate` / `predict`; `get_input_embeddings` / `set_input_embeddings` /
`resize_token_embeddings`; and `prepare_tf_dataset`. `AlbertPreTrainedModel` mixes it in.
"""

from collections.abc import Mapping

import numpy as np

# transformers' TF call signature, in order: a list or tuple first argument fills these.
POSITIONAL_FEATURES = ("input_ids", "attention_mask", "token_type_ids", "position_ids",
                       "head_mask", "inputs_embeds")
# Label columns of a data set that transformers' collators rename to `labels`.
_LABEL_ALIASES = {"label": "labels", "label_ids": "labels"}


def as_feature_dict(inputs):
    """A plain dict of features from a mapping (BatchEncoding) or a list/tuple in call order.

    Keras 3 takes only tensors or plain dicts/lists as a layer's first argument and
    `predict` rejects dict subclasses it does not know; transformers' TF models take
    `model(tokenizer(text))` and `model([input_ids, attention_mask])`. Anything else
    is returned unchanged.
    """
    if isinstance(inputs, Mapping) and type(inputs) is not dict:
        return dict(inputs)
    if isinstance(inputs, (list, tuple)) and inputs and not _is_nested(inputs):
        if len(inputs) > len(POSITIONAL_FEATURES):
            raise ValueError(f"got {len(inputs)} positional inputs; transformers' order takes "
                             f"at most {len(POSITIONAL_FEATURES)}: {list(POSITIONAL_FEATURES)}")
        return {k: v for k, v in zip(POSITIONAL_FEATURES, inputs) if v is not None}
    return inputs


def _is_nested(values):
    return any(isinstance(v, (Mapping, list, tuple)) for v in values)


class TFModelAPI:
    """transformers' TF-model methods; mixed into `AlbertPreTrainedModel` before `keras.Model`."""

    # ------------------------------------------------------------ inputs
    def __call__(self, *args, **kwargs):
        if args:
            args = (as_feature_dict(args[0]),) + args[1:]
        elif isinstance(kwargs.get("input_ids"), (Mapping, list, tuple)):
            kwargs["input_ids"] = as_feature_dict(kwargs["input_ids"])
        return super().__call__(*args, **kwargs)

    def fit(self, x=None, *args, **kwargs):
        return super().fit(_plain(x), *args, **kwargs)

    def evaluate(self, x=None, *args, **kwargs):
        return super().evaluate(_plain(x), *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        return super().predict(_plain(x), *args, **kwargs)

    def train_on_batch(self, x, *args, **kwargs):
        return super().train_on_batch(_plain(x), *args, **kwargs)

    def test_on_batch(self, x, *args, **kwargs):
        return super().test_on_batch(_plain(x), *args, **kwargs)

    def predict_on_batch(self, x):
        return super().predict_on_batch(_plain(x))

    # ------------------------------------------------------------ embeddings
    def _backbone(self):
        return getattr(self, "albert", self)

    def get_input_embeddings(self):
        """The embeddings layer (`AlbertEmbeddings`); its `.weight` is the word table (V, E)."""
        return self._backbone().embeddings

    def set_input_embeddings(self, value):
        """Uses `value` (a (V, E) array, tensor, variable, or a layer with `.weight`) as the word
        table; V may differ from the current vocabulary, as in transformers."""
        table = getattr(value, "weight", getattr(value, "embeddings", value))
        table = np.asarray(table)
        embeddings = self.get_input_embeddings()
        if table.ndim != 2 or table.shape[1] != embeddings.embedding_size:
            raise ValueError(f"input embeddings must have shape (vocab, {embeddings.embedding_size})"
                             f", got {table.shape}")
        self.resize_token_embeddings(table.shape[0])
        embeddings.weight.assign(table.astype(embeddings.weight.dtype))

    def resize_token_embeddings(self, new_num_tokens=None):
        """Grows or cuts the vocabulary to `new_num_tokens`; returns the word table.

        Kept tokens keep their vectors (so outputs for them are unchanged), new rows are
        drawn from N(0, initializer_range), and an MLM head stays tied to the table (its
        bias grows with zeros). `config.vocab_size` follows. None returns the table as is.
        Resize before `compile`: an optimizer built earlier holds the old shapes.
        """
        embeddings = self.get_input_embeddings()
        if new_num_tokens is None or new_num_tokens == self.config.vocab_size:
            return embeddings.weight
        if int(new_num_tokens) < 1:
            raise ValueError(f"new_num_tokens must be a positive int, got {new_num_tokens!r}")
        table = embeddings.resize_vocabulary(new_num_tokens)
        head = getattr(self, "predictions", None)
        if head is not None:
            head.resize_vocabulary(new_num_tokens)
        self.config.vocab_size = int(new_num_tokens)
        # Traced functions captured the old variables.
        self.train_function = self.test_function = self.predict_function = None
        return table

    # ------------------------------------------------------------ data
    def prepare_tf_dataset(self, dataset, batch_size=8, shuffle=True, tokenizer=None,
                           collate_fn=None, collate_fn_args=None, drop_remainder=None,
                           prefetch=True):
        """A `tf.data.Dataset` of this model's features (and labels) from a table of columns.

        As transformers' `TFPreTrainedModel.prepare_tf_dataset`, without needing the
        `datasets` package: `dataset` is a `datasets.Dataset` or anything with
        `column_names` and `dataset[column]`, or a dict of columns. Columns the model
        does not take (text, ids) are dropped; `label` / `label_ids` become `labels`.
        Each batch is padded to its longest row: `input_ids` with the tokenizer's
        `pad_token_id` (else `config.pad_token_id`), sequence labels with -100, the rest
        with 0. Elements are `(features, labels)` (labels a tensor, or a dict when the
        model has several, as for question answering), or `features` when there are no
        labels.

        Args:
            dataset: the columns, as above.
            batch_size: int. Defaults to 8.
            shuffle: bool. Shuffle each epoch. Defaults to True.
            tokenizer: optional; only its `pad_token_id` is read.
            collate_fn, collate_fn_args: not supported (transformers' data collators are
                PyTorch/NumPy objects); passing one raises.
            drop_remainder: bool. Drop the last short batch. Defaults to `shuffle`.
            prefetch: bool. Defaults to True.
        """
        import tensorflow as tf  # local: the JAX and torch backends need no TensorFlow

        if collate_fn is not None or collate_fn_args is not None:
            raise ValueError("prepare_tf_dataset pads its batches itself; collate_fn is not "
                             "supported (map the returned tf.data.Dataset instead)")
        columns = _columns(dataset)
        label_names = tuple(self.label_names)
        data, pads = {}, {}
        pad_id = getattr(tokenizer, "pad_token_id", None)
        pad_id = self.config.pad_token_id if pad_id is None else pad_id
        for column, values in columns.items():
            name = _LABEL_ALIASES.get(column, column) if "labels" in label_names else column
            if name not in POSITIONAL_FEATURES and name not in label_names:
                continue
            data[name] = _as_column(values, column)
            pads[name] = pad_id if name == "input_ids" else -100 if name in label_names else 0
        if not any(k in data for k in ("input_ids", "inputs_embeds")):
            raise ValueError(f"the data set has no input_ids column; its columns are "
                             f"{sorted(columns)}")
        size = len(next(iter(data.values())))
        ds = tf.data.Dataset.from_tensor_slices(data)
        if shuffle:
            ds = ds.shuffle(size, reshuffle_each_iteration=True)
        if any(isinstance(v, tf.RaggedTensor) for v in data.values()):  # rows of any length
            ds = ds.map(lambda row: {k: (v.to_tensor() if isinstance(v, tf.RaggedTensor) else v)
                                     for k, v in row.items()})
        padding = {k: tf.constant(v, data[k].dtype) for k, v in pads.items()}
        ds = ds.padded_batch(batch_size, padding_values=padding,
                             drop_remainder=shuffle if drop_remainder is None else drop_remainder)
        labels = [k for k in label_names if k in data]
        if labels:
            def split(batch):
                features = {k: v for k, v in batch.items() if k not in labels}
                y = {k: batch[k] for k in labels}
                return features, (y[labels[0]] if len(labels) == 1 else y)
            ds = ds.map(split)
        return ds.prefetch(tf.data.AUTOTUNE) if prefetch else ds


def _plain(x):
    return as_feature_dict(x) if isinstance(x, (Mapping, list, tuple)) else x


def _columns(dataset):
    """{column: values} from a dict of columns or a `datasets.Dataset`-like table."""
    if isinstance(dataset, Mapping):
        return dict(dataset)
    if hasattr(dataset, "column_names") and hasattr(dataset, "__getitem__"):
        return {name: dataset[name] for name in dataset.column_names}
    raise TypeError(f"prepare_tf_dataset takes a datasets.Dataset, an object with column_names "
                    f"and __getitem__, or a dict of columns; got {type(dataset).__name__}")


def _as_column(values, column):
    """A dense or ragged tensor from a column of numbers or of number sequences."""
    import tensorflow as tf  # local: the JAX and torch backends need no TensorFlow

    if hasattr(values, "shape") and not isinstance(values, list):
        return tf.convert_to_tensor(np.asarray(values))
    values = list(values)
    if values and isinstance(values[0], str):
        raise TypeError(f"column {column!r} holds text; tokenize it first")
    lengths = {len(v) for v in values} if values and hasattr(values[0], "__len__") else set()
    if len(lengths) > 1:
        return tf.ragged.constant(values)
    return tf.convert_to_tensor(np.asarray(values))
