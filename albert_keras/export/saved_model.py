"""Versioned NAME/VERSION SavedModel writer for TF Serving (atomic): text, token and tokenize signatures."""

import os

import keras
import tensorflow as tf

from albert_keras.tokenization import AlbertTokenizerLayer

from . import signatures

SIGNATURES = ("serving_default", "tokens", "tokenize")


class ServingFunctions:
    """The three serving functions of one task model, callable eagerly or exported.

    - `serving_default(**texts)`: raw strings in (the task's `text_inputs`), client-ready
      outputs out; the tokenizer runs inside the graph.
    - `tokens(input_ids, attention_mask, token_type_ids)`: int32 token features in, of
      any sequence length up to `max_position_embeddings` (clients send unpadded
      batches, so short text costs less).
    - `tokenize(**texts)`: the in-graph tokenizer alone (for debugging clients).

    Args:
        model: an albert_keras task model.
        task: str. Pipeline task name.
        tokenizer: `AlbertTokenizer` of the model.
        sequence_length: int. Token length of the raw-text signatures (padding/truncation).
        num_choices: int or None. Choices per example (multiple-choice); None: any.
        text_pair: bool. text-classification takes sentence pairs (`text`, `text_pair`).
        top_k: int. Tokens returned per [MASK] (fill-mask).
    """

    def __init__(self, model, task, tokenizer, sequence_length, num_choices=None,
                 text_pair=False, top_k=5):
        self.model, self.task = model, task
        self.sequence_length, self.num_choices = sequence_length, num_choices
        self.text_inputs = signatures.get_task(task).text_inputs
        if text_pair and task == "text-classification":
            self.text_inputs = ("text", "text_pair")
        self.layer = AlbertTokenizerLayer.from_tokenizer(tokenizer, sequence_length=sequence_length)
        self.layer(["built"])  # ExportArchive tracks built layers only
        pieces = [tokenizer.sp_model.id_to_piece(i) for i in range(tokenizer.sp_model.get_piece_size())]
        self.pieces = tf.constant(pieces, tf.string)
        mask_id = tokenizer.convert_tokens_to_ids(tokenizer.mask_token)
        self.post = signatures.Postprocessor(task, signatures.label_names(model.config), pieces,
                                             mask_id, top_k)

    # ------------------------------------------------------------ the functions
    def tokenize(self, **texts):
        """Strings -> int32 `input_ids`, `attention_mask`, `token_type_ids`.

        Bytes that are not UTF-8 become U+FFFD first (a defined result, never an error).
        """
        texts = {k: tf.strings.unicode_transcode(v, "UTF-8", "UTF-8", errors="replace")
                 for k, v in texts.items()}
        if self.task == "multiple-choice":
            prompt, choices = texts["prompt"], texts["choices"]  # (batch,), (batch, choices)
            count = tf.shape(choices)[1]
            features = self.layer(tf.repeat(prompt, count), tf.reshape(choices, [-1]))
            shape = [-1, count, self.sequence_length]  # (batch, choices, seq)
            return {k: tf.reshape(v, shape) for k, v in features.items()}
        return dict(self.layer(*[texts[name] for name in self.text_inputs]))

    def tokens(self, input_ids, attention_mask, token_type_ids):
        """Token features -> client-ready outputs."""
        out = signatures.raw_outputs(self.model, self.task, input_ids, attention_mask,
                                     token_type_ids)
        return self.post(out, input_ids, attention_mask, token_type_ids)

    def serving_default(self, **texts):
        """Raw strings -> client-ready outputs (answer offsets and text for QA)."""
        features = self.tokenize(**texts)
        outputs = self.tokens(**features)
        if self.task == "question-answering":
            start, end = signatures.answer_offsets(
                self.pieces, features["input_ids"], features["token_type_ids"],
                outputs["start_index"], outputs["end_index"])
            outputs["answer_start"], outputs["answer_end"] = start, end
            text = tf.strings.substr(texts["context"], tf.maximum(start, 0),
                                     tf.maximum(end - start, 0), unit="UTF8_CHAR")
            outputs["answer"] = tf.where(start >= 0, text, "")
        return outputs

    # ------------------------------------------------------------ signatures
    def text_spec(self):
        """TensorSpecs of the raw-text inputs."""
        specs = []
        for name in self.text_inputs:
            shape = [None, self.num_choices] if name == "choices" else [None]
            specs.append(tf.TensorSpec(shape, tf.string, name=name))
        return specs

    def token_spec(self):
        """TensorSpecs of the token inputs, (batch, seq) or (batch, choices, seq), any seq."""
        shape = signatures.input_shape(self.task, None, self.num_choices)
        return [tf.TensorSpec(shape, tf.int32, name=n) for n in signatures.TOKEN_INPUTS]

    def archive(self):
        """A `keras.export.ExportArchive` with the three endpoints."""
        archive = keras.export.ExportArchive()
        archive.track(self.model)
        archive.track(self.layer)
        names = self.text_inputs

        def text_fn(*args):
            return self.serving_default(**dict(zip(names, args)))

        def tokenize_fn(*args):
            return self.tokenize(**dict(zip(names, args)))

        archive.add_endpoint("serving_default", text_fn, input_signature=self.text_spec())
        archive.add_endpoint("tokens", self.tokens, input_signature=self.token_spec())
        archive.add_endpoint("tokenize", tokenize_fn, input_signature=self.text_spec())
        return archive


def next_version(base):
    """1 + the largest numeric folder name in `base` (TF Serving's version folders)."""
    if not os.path.isdir(base):
        return 1
    numbers = [int(n) for n in os.listdir(base) if n.isdigit()]
    return max(numbers, default=0) + 1


def write(functions, directory):
    """Writes the SavedModel of `functions` (a `ServingFunctions`) into `directory`."""
    functions.archive().write_out(directory, verbose=False)
