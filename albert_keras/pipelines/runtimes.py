"""One predict interface over the places a model can live: a Keras model, a SavedModel, a TFLite file.

Each runtime has `.config` (an `AlbertConfig`), `.max_length` (the longest sequence it
takes) and `__call__(features) -> {name: numpy array}`, with transformers' input and
output names, so a pipeline never knows which one it runs on. TensorFlow is imported
only by the Keras and SavedModel runtimes: a TFLite file runs with LiteRT alone.
"""

import os

import numpy as np

from albert_keras.config import check_id_range, check_mask_values
from albert_keras.pipelines import artifacts
from albert_keras.pipelines.litert import SharedWeightsRunner
from albert_keras.tasks import BY_NAME, TFLITE_INPUTS, TOKEN_INPUTS
from albert_keras.tokenization import AlbertTokenizer
from albert_keras.tflite_metadata import LABELS_FILE, has_int8_weights
from albert_keras.tokenization.encoding import pad_to_shape

ANY_LENGTH_LIMIT = 512  # ALBERT's max_position_embeddings: an any-length file without config.json
MODEL_OUTPUTS = ("logits", "start_logits", "end_logits", "last_hidden_state", "pooler_output")
# `dtype=` names (transformers' pipeline argument) -> the Keras dtype policy the model runs in.
# bfloat16 keeps one bfloat16 copy of the weights: a mixed_bfloat16 twin (float32 weights)
# casts every weight on every use, 12 times per forward pass for the shared layer.
DTYPES = {"float32": None, "bfloat16": "bfloat16"}
# Tokens per LiteRT call for a file with int8 weights: XNNPACK's dynamically quantized
# layers slow down as a call grows (benchmarks/README.md has the measurements).
QUANTIZED_TOKENS_PER_CALL = 256


def resolve_dtype(dtype):
    """'float32' or 'bfloat16' for a `dtype=` argument (None and "auto": the model's float32).

    Takes names and dtype objects (`tf.bfloat16`, `torch.bfloat16`, `np.float32`); any
    other value is a ValueError that lists the choices.
    """
    if dtype is None or (isinstance(dtype, str) and dtype == "auto"):
        return "float32"
    name = dtype if isinstance(dtype, str) else getattr(dtype, "name", None)
    if not isinstance(name, str):  # a numpy scalar type, torch.bfloat16, anything else
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = str(dtype)
    name = name.removeprefix("torch.")
    if name not in DTYPES:
        raise ValueError(f"dtype={dtype!r} is not supported; choose one of "
                         f"{sorted(DTYPES)} (or None / 'auto' for float32)")
    return name


def with_dtype(model, dtype):
    """`model`, or a twin of it that computes in `dtype` ('float32' or 'bfloat16').

    The twin is built from the model's config with the dtype's Keras policy and gets
    the model's weights (rounded once); `model` itself is left as it was.
    """
    policy = DTYPES[resolve_dtype(dtype)]
    if policy is None or model.dtype_policy.name == policy:
        return model
    twin = type(model).from_config(dict(model.get_config(), dtype=policy))
    twin.set_weights(model.get_weights())
    return twin


def _has_sequence_axis(name, array):
    """True for outputs shaped (batch, seq, ...): token logits, QA logits, hidden states."""
    if name in ("start_logits", "end_logits"):
        return True
    return name in ("logits", "last_hidden_state") and array.ndim == 3


def cpu_cores():
    """CPU cores this process may run on (its affinity), else all of them."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def check_token_ids(arrays, config):
    """The features' ids against the model's vocabularies, their mask 0 or 1.

    Run on the features as given, before the int32 cast: a cast first would wrap
    2**33 + 5 to a valid 5.
    """
    check_id_range(arrays["input_ids"], "token id", config.vocab_size, "vocab_size",
                   "input_ids")
    check_id_range(arrays["token_type_ids"], "token type id", config.type_vocab_size,
                   "type_vocab_size", "token_type_ids")
    check_mask_values(arrays["attention_mask"])


def int32_features(features, config):
    """The token features as int32 arrays, after checking them at their own width."""
    arrays = {k: np.asarray(features[k]) for k in TOKEN_INPUTS}
    for name in TOKEN_INPUTS[1:]:
        if arrays[name].shape != arrays["input_ids"].shape:
            raise ValueError(f"{name} shape {arrays[name].shape} != input_ids shape "
                             f"{arrays['input_ids'].shape}")
    check_token_ids(arrays, config)
    return {k: v.astype(np.int32) for k, v in arrays.items()}


class KerasRuntime:
    """Runs a Keras ALBERT model on numpy features and returns numpy outputs.

    The forward pass is one `tf.function` with a fully dynamic signature (batch and
    sequence of any size): it is traced once, never per batch shape. With XLA
    (`jit_compile=True`) each distinct input shape is compiled once, so batches are
    padded to bucketed shapes (the sequence to a multiple of `sequence_bucket`, the batch
    to a power of two) to bound the number of compilations; the padding is masked out
    and the outputs cut back, so the results equal the unpadded batch's (within 1e-5).
    XLA is off by default: on a 2-core CPU it was no faster than the plain graph once
    the bucket padding is paid for (benchmarks/README.md), and each new shape costs
    seconds to compile.

    Args:
        model: an `AlbertPreTrainedModel`.
        jit_compile: bool. Compile the forward pass with XLA. Defaults to False.
        sequence_bucket: int. With XLA, sequences are padded to a multiple of it (at
            most the model's `max_position_embeddings`). Defaults to 8.
        dtype: str. "float32" (None, "auto": the default) or "bfloat16": the forward
            pass runs on a bfloat16 twin of the model (`with_dtype`), fast where the CPU
            has AVX512_BF16 or AMX (oneDNN); outputs come back as float32 arrays.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertForMaskedLM
    >>> runtime = KerasRuntime(AlbertForMaskedLM(AlbertConfig(
    ...     vocab_size=99, embedding_size=16, hidden_size=32, num_hidden_layers=2,
    ...     num_attention_heads=4, intermediate_size=37)))
    >>> runtime({"input_ids": np.array([[2, 4, 3]]), "attention_mask": np.ones((1, 3)),
    ...          "token_type_ids": np.zeros((1, 3))})["logits"].shape
    (1, 3, 99)
    """

    def __init__(self, model, jit_compile=False, sequence_bucket=8, dtype=None):
        self.dtype = resolve_dtype(dtype)
        self.model = model = with_dtype(model, self.dtype)
        self.config = model.config
        self.max_length = self.config.max_position_embeddings
        self.jit_compile = bool(jit_compile)
        self.sequence_bucket = sequence_bucket
        self.traces = 0  # times the forward pass was traced (once, whatever the shapes)
        import keras  # local: the LiteRT path needs no Keras

        if keras.backend.backend() != "tensorflow":  # JAX, torch: the model runs eagerly
            self._forward = self._eager
            return
        import tensorflow as tf  # local: the TensorFlow backend only; LiteRT needs none

        spec = tf.TensorSpec([None] * model.input_rank, tf.int32)
        self._forward = tf.function(self._call, input_signature=[spec, spec, spec],
                                    jit_compile=self.jit_compile)

    def _call(self, input_ids, attention_mask, token_type_ids):
        import tensorflow as tf  # local: the TensorFlow backend only; LiteRT needs none

        # local: imports Keras (TensorFlow); the LiteRT path needs none
        from albert_keras.models.feature_checks import values_checked_by_caller

        self.traces += 1
        with values_checked_by_caller():  # `__call__` checked them, with a clear message
            outputs = dict(self.model(input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids))
        return tf.nest.map_structure(  # bfloat16 outputs as float32: numpy reads those
            lambda t: tf.cast(t, tf.float32) if getattr(t, "dtype", tf.int32).is_floating else t,
            outputs)

    def _eager(self, input_ids, attention_mask, token_type_ids):
        import keras  # local: the LiteRT path needs no Keras

        # local: imports Keras (TensorFlow); the LiteRT path needs none
        from albert_keras.models.feature_checks import values_checked_by_caller

        with values_checked_by_caller():  # `__call__` checked them, with a clear message
            outputs = dict(self.model(input_ids, attention_mask=attention_mask,
                                      token_type_ids=token_type_ids))
        return keras.tree.map_structure(  # as float32 numpy arrays (bfloat16 included)
            lambda t: keras.ops.convert_to_numpy(
                keras.ops.cast(t, "float32") if "float" in str(t.dtype) else t), outputs)

    def bucket_shape(self, shape):
        """The padded (batch, ..., seq) shape a batch of `shape` runs at."""
        if not self.jit_compile:
            return tuple(shape)
        batch, *middle, width = shape
        step = self.sequence_bucket
        width = min(-(-width // step) * step, max(self.max_length, width))
        return (1 << max(batch - 1, 0).bit_length(), *middle, width)

    def __call__(self, features):
        """`features`: dict of int arrays `input_ids`, `attention_mask`, `token_type_ids`."""
        arrays = int32_features(features, self.config)
        shape = arrays["input_ids"].shape
        padded = self.bucket_shape(shape)
        if padded != shape:  # zeros: pad id, no attention, segment 0
            arrays = {k: pad_to_shape(v, padded) for k, v in arrays.items()}
        outputs = {k: np.asarray(v) for k, v in
                   self._forward(*(arrays[k] for k in TOKEN_INPUTS)).items()}
        width = shape[-1]
        return {k: (v[:shape[0], :width] if _has_sequence_axis(k, v) else v[:shape[0]])
                for k, v in outputs.items()}


class _ArtifactRuntime:
    """What the SavedModel and TFLite runtimes share: fixed length, id check, padding."""

    def _check(self, features):
        """The int32 features, after checking them against the artifact's limits."""
        arrays = int32_features(features, self.config)
        width = arrays["input_ids"].shape[1]
        if width > self.max_length:
            limit = "it takes at most" if self.any_length else "its fixed sequence length is"
            raise ValueError(f"{width} tokens do not fit {self.source}: {limit} "
                             f"{self.max_length} tokens (export it with a larger "
                             f"sequence_length, or pass max_length<={self.max_length})")
        return arrays, width

    def _pad(self, arrays):
        """Each feature padded to the artifact's length with zeros (pad id, no attention)."""
        shape = (len(arrays["input_ids"]), self.max_length)
        return {k: pad_to_shape(v, shape) for k, v in arrays.items()}

    @staticmethod
    def _trim(outputs, width):
        """Outputs with a sequence axis cut back to the features' width."""
        return {k: (v[:, :width] if _has_sequence_axis(k, v) else v) for k, v in outputs.items()}


class SavedModelRuntime(_ArtifactRuntime):
    """Runs a SavedModel written by `albert_keras.export.export_saved_model`.

    It calls the token-id signature (`tokens`). That signature takes any sequence length
    (up to `max_position_embeddings`), so each batch runs at its own width; a SavedModel
    exported before it did (a fixed length) gets each batch padded to that length and
    the outputs cut back. The tokenizer is
    the SentencePiece model inside the SavedModel, the label names those its graph
    returns; `tensorflow_text` must be importable (the in-graph tokenizer's ops).

    Args:
        path: str. The `NAME/VERSION/` folder, or the `NAME/` folder (the highest
            version is used).

    Example:
    >>> # runtime = SavedModelRuntime("out/albert-fill-mask")  # highest version
    >>> # runtime(runtime.tokenizer(["a [MASK]."], return_tensors="np"))["logits"].shape
    >>> import tempfile
    >>> SavedModelRuntime(tempfile.mkdtemp())
    Traceback (most recent call last):
    ...
    ValueError: '...' has no SavedModel (saved_model.pb) in it or in a version folder
    """

    def __init__(self, path):
        import tensorflow as tf  # local: TensorFlow; the LiteRT path needs none
        import tensorflow_text  # noqa: F401 - registers the in-graph tokenizer's ops

        self.path = artifacts.saved_model_version(path)
        if self.path is None:
            raise ValueError(f"{path!r} has no SavedModel (saved_model.pb) in it or in a "
                             "version folder")
        self.source = f"the SavedModel {self.path}"
        self.task = artifacts.saved_model_task(self.path)
        self._loaded = tf.saved_model.load(self.path)
        if "tokens" not in self._loaded.signatures:
            raise ValueError(f"{self.path} has no 'tokens' signature (not a SavedModel from "
                             "albert_keras.export)")
        self._function = self._loaded.signatures["tokens"]
        _, spec = self._function.structured_input_signature
        width = spec["input_ids"].shape[-1]
        self.any_length = width is None
        self.max_length = ANY_LENGTH_LIMIT if self.any_length else int(width)
        self.tokenizer = artifacts.saved_model_tokenizer(self.path)
        outputs = self._function.structured_outputs
        vocab = len(self.tokenizer)
        labels = None
        if self.task == "fill-mask":
            vocab = int(outputs["logits"].shape[-1])
        elif "logits" in outputs and self.task in BY_NAME and BY_NAME[self.task].labels:
            labels = artifacts.saved_model_labels(self._function,
                                                  int(outputs["logits"].shape[-1]))
        self.config = artifacts.artifact_config(artifacts.saved_model_config_file(self.path),
                                                vocab, self.max_length, labels)
        if self.any_length:
            self.max_length = self.config.max_position_embeddings

    def __call__(self, features):
        """`features`: dict of int arrays (batch, seq) with seq <= `max_length`."""
        import tensorflow as tf  # local: TensorFlow; the LiteRT path needs none

        arrays, width = self._check(features)
        padded = {k: tf.constant(v) for k, v in
                  (arrays if self.any_length else self._pad(arrays)).items()}
        outputs = self._function(**padded)
        return self._trim({k: v.numpy() for k, v in outputs.items() if k in MODEL_OUTPUTS},
                          width)


class TFLiteRuntime(_ArtifactRuntime):
    """Runs a `.tflite` file written by `albert_keras.export.export_tflite` in LiteRT.

    A file exported with a fixed sequence length (the Task Library's) takes batch 1:
    each row runs alone, padded to that length, and its outputs are cut back to the
    row's width. An any-length file (`export_tflite(..., sequence_length=None)`) takes
    any batch and length up to the model's `max_position_embeddings`: the whole batch
    runs in one call at its own width, several times faster on short text (an
    any-length file from before batches were free runs row by row); a file with int8
    weights runs it in slices of about `QUANTIZED_TOKENS_PER_CALL` tokens, which its
    dynamically quantized layers run fastest. Outputs get the
    names the pipelines read: a text-classification file's `probability` (softmax)
    becomes `logits` = log-probabilities, whose softmax is the same probabilities.
    The tokenizer and label names are read from the file's metadata. LiteRT packs the
    shared layer's weights once (`litert.SharedWeightsRunner`), not once per depth.

    Args:
        path: str. The `.tflite` file.
        num_threads: int. LiteRT CPU threads. Defaults to the CPU cores this
            process may use.

    Example:
    >>> # runtime = TFLiteRuntime("out/albert-text-classification-float32.tflite")
    >>> # runtime.max_length, runtime.config.id2label  # (128, {0: 'negative', ...})
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "model.tflite")
    >>> with open(path, "wb") as handle:
    ...     _ = handle.write(b"not a flatbuffer")
    >>> TFLiteRuntime(path)
    Traceback (most recent call last):
    ...
    ValueError: '...model.tflite' is not a TFLite file (no TFL3)
    """

    def __init__(self, path, num_threads=None):
        if not artifacts.is_tflite(path):
            raise ValueError(f"{path!r} is not a TFLite file (no TFL3)")
        self.path = os.fspath(path)
        self.source = f"the TFLite file {self.path}"
        with open(self.path, "rb") as handle:
            data = handle.read()
        self.task, files = artifacts.tflite_metadata(data)
        self.num_threads = num_threads or cpu_cores()
        self._runner = SharedWeightsRunner(data, self.num_threads)
        inputs = {name: signature for name, (signature, _) in self._runner.inputs.items()}
        if set(inputs) != set(TFLITE_INPUTS):
            raise ValueError(f"{self.path} takes {sorted(inputs)}, not {list(TFLITE_INPUTS)} "
                             "(not a file from albert_keras.export)")
        shape = inputs["ids"]
        if len(shape) != 2:
            raise ValueError(f"{self.path} takes ids of shape {list(shape)}; pipelines need "
                             "(1, sequence_length)")
        self.any_length = shape[1] == -1
        self.any_batch = shape[0] == -1
        self.tokens_per_call = QUANTIZED_TOKENS_PER_CALL if has_int8_weights(data) else None
        self.max_length = None if self.any_length else int(shape[1])
        outputs = {name: signature for name, (signature, _) in self._runner.outputs.items()}
        self.tokenizer = None
        if artifacts.SPIECE_FILE in files:
            self.tokenizer = AlbertTokenizer(files[artifacts.SPIECE_FILE])
        labels = files.get(LABELS_FILE)
        labels = labels.decode("utf-8").splitlines() if labels else None
        width = {k: int(v[-1]) for k, v in outputs.items()}
        vocab = width["logits"] if self.task == "fill-mask" else (
            len(self.tokenizer) if self.tokenizer else None)
        self.config = artifacts.artifact_config(files.get(artifacts.CONFIG_FILE), vocab,
                                                self.max_length or ANY_LENGTH_LIMIT, labels)
        if self.any_length:
            self.max_length = self.config.max_position_embeddings
        if "probability" in outputs and (width["probability"] == 1 or self.config.problem_type
                                         in ("regression", "multi_label_classification")):
            raise ValueError(f"{self.path} outputs softmax probabilities: the scores of a "
                             "regression, one-label or multi-label classifier cannot be "
                             "recovered from them; use the SavedModel or the Keras model")

    def __call__(self, features):
        """`features`: dict of int arrays (batch, seq) with seq <= `max_length`."""
        arrays, width = self._check(features)
        padded = arrays if self.any_length else self._pad(arrays)
        count = len(padded["input_ids"])
        step = 1  # a batch-free file: row by row
        if self.any_batch:  # the whole batch in one call, or in slices of tokens_per_call
            step = max(count, 1) if not self.tokens_per_call else max(
                1, self.tokens_per_call // max(padded["input_ids"].shape[1], 1))
        rows = []
        for i in range(0, count, step):
            rows.append(self._runner(**{name: padded[key][i:i + step] for key, name in
                                        zip(TOKEN_INPUTS, TFLITE_INPUTS)}))
        outputs = {k: np.concatenate([row[k] for row in rows]) for k in rows[0]} if rows else {}
        if "probability" in outputs:
            with np.errstate(divide="ignore"):  # log(0) = -inf: softmax gives it 0 again
                outputs["logits"] = np.log(outputs.pop("probability"))
        return self._trim(outputs, width)
