"""The serving functions return what the task registry says each task's signature returns."""

import numpy as np
import pytest
import tensorflow as tf

from albert_keras.export import saved_model, signatures
from albert_keras.tasks import EXPORTED, get_task
from albert_keras.tokenization import AlbertTokenizer
from tests.conftest import TINY
from tests.export.conftest import SEQUENCE_LENGTH


@pytest.mark.parametrize("task", EXPORTED)
def test_token_signature_outputs_are_the_registry_row(task, export_spiece):
    tokenizer = AlbertTokenizer(export_spiece)
    model = signatures.model_class(task)(dict(TINY, vocab_size=tokenizer.vocab_size))
    functions = saved_model.ServingFunctions(model, task, tokenizer, SEQUENCE_LENGTH,
                                             num_choices=2)
    shape = signatures.input_shape(task, SEQUENCE_LENGTH, 2, batch_size=3)
    ids = tf.constant(np.full(shape, 5), tf.int32)
    types = tf.constant(np.concatenate([np.zeros(shape[:-1] + [SEQUENCE_LENGTH // 2]),
                                        np.ones(shape[:-1] + [SEQUENCE_LENGTH // 2])], -1),
                        tf.int32)
    outputs = functions.tokens(ids, tf.ones_like(ids), types)
    assert tuple(outputs) == get_task(task).serving_outputs
