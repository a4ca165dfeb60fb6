"""transformers 4.57.1's seven TFAlbert* docstring examples and a transformers-TF fine-tuning
script, run on albert_keras with only the import and the checkpoint path changed.

Each example's printed values are compared with the same example run on transformers'
PyTorch twin (same random weights, transformers' own tokenizer on the same vocabulary).
One line differs from transformers' text, `round(float(loss), 2)`: in those examples (masked
LM; sequence classification of one sentence) transformers' TF loss has shape (1,), as ours
does, and NumPy >= 2.3 refuses `float()` of a 1-element array,
so that line raises for transformers too; we check it raises the same TypeError, then
read `loss[0]`.
"""

import io
import pathlib

import numpy as np
import pytest
import tensorflow as tf

from tests.conftest import TINY
from tests.helpers.reference import random_hf_model

DATA = pathlib.Path(__file__).resolve().parent / "data"
TASKS = ("AlbertModel", "AlbertForPreTraining", "AlbertForMaskedLM",
         "AlbertForSequenceClassification", "AlbertForMultipleChoice",
         "AlbertForTokenClassification", "AlbertForQuestionAnswering")


def _train_spiece(path):
    """An ALBERT-style vocabulary on tests/data plus the examples' own sentences (so that
    "france" is one piece, as in albert-base-v2, and the MLM example's shapes line up)."""
    import sentencepiece as spm

    text = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").lower().splitlines()
    text += ["the capital of france is paris."] * 50
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text), model_writer=proto, vocab_size=800,
        model_type="unigram", pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"], minloglevel=2, num_threads=2)
    path.write_bytes(proto.getvalue())


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """{task: folder} of random transformers checkpoints with a spiece.model, and the twins."""
    import transformers

    root = tmp_path_factory.mktemp("examples")
    _train_spiece(root / "spiece.model")
    hf_tokenizer = transformers.AlbertTokenizer(str(root / "spiece.model"))
    folders, twins = {}, {}
    for seed, task in enumerate(TASKS):
        kwargs = dict(TINY, vocab_size=len(hf_tokenizer), max_position_embeddings=64,
                      num_labels=2)
        twins[task] = random_hf_model(task, kwargs, seed=seed)
        folders[task] = str(root / task)
        twins[task].save_pretrained(folders[task])
        hf_tokenizer.save_pretrained(folders[task])
    return folders, twins, hf_tokenizer


def _float_like_transformers(loss):
    """`round(float(loss), 2)` of transformers' text, on a (1,) loss (see the module doc)."""
    with pytest.raises(TypeError, match="0-dimensional"):
        round(float(loss), 2)
    return round(float(loss[0]), 2)


def test_tf_albert_model_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertModel"]
    # --- transformers' TFAlbertModel example, import and checkpoint changed
    from albert_keras import AutoTokenizer, TFAlbertModel

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertModel.from_pretrained(checkpoint)

    inputs = tokenizer("Hello, my dog is cute", return_tensors="tf")
    outputs = model(inputs)

    last_hidden_states = outputs.last_hidden_state
    # --- the same on transformers' PyTorch twin
    theirs = twins["AlbertModel"](**hf_tok("Hello, my dog is cute", return_tensors="pt"))
    np.testing.assert_allclose(last_hidden_states, theirs.last_hidden_state.detach(), atol=1e-5)


def test_tf_albert_for_pre_training_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForPreTraining"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForPreTraining

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForPreTraining.from_pretrained(checkpoint)

    input_ids = tf.constant(tokenizer.encode("Hello, my dog is cute", add_special_tokens=True))[None, :]
    # Batch size 1
    outputs = model(input_ids)

    prediction_logits = outputs.prediction_logits
    sop_logits = outputs.sop_logits
    theirs = twins["AlbertForPreTraining"](**hf_tok("Hello, my dog is cute", return_tensors="pt"))
    np.testing.assert_allclose(prediction_logits, theirs.prediction_logits.detach(), atol=1e-5)
    np.testing.assert_allclose(sop_logits, theirs.sop_logits.detach(), atol=1e-5)


def test_tf_albert_for_masked_lm_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForMaskedLM"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForMaskedLM

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForMaskedLM.from_pretrained(checkpoint)

    # add mask_token
    inputs = tokenizer(f"The capital of [MASK] is Paris.", return_tensors="tf")  # noqa: F541
    logits = model(**inputs).logits

    # retrieve index of [MASK]
    mask_token_index = tf.where(inputs.input_ids == tokenizer.mask_token_id)[0][1]
    predicted_token_id = tf.math.argmax(logits[0, mask_token_index], axis=-1)
    predicted = tokenizer.decode(predicted_token_id)

    labels = tokenizer("The capital of France is Paris.", return_tensors="tf")["input_ids"]
    labels = tf.where(inputs.input_ids == tokenizer.mask_token_id, labels, -100)

    outputs = model(**inputs, labels=labels)
    loss = _float_like_transformers(outputs.loss)
    # --- transformers' PyTorch twin
    import torch

    pt_inputs = hf_tok("The capital of [MASK] is Paris.", return_tensors="pt")
    pt_labels = hf_tok("The capital of France is Paris.", return_tensors="pt")["input_ids"]
    pt_labels = torch.where(pt_inputs.input_ids == hf_tok.mask_token_id, pt_labels, -100)
    theirs = twins["AlbertForMaskedLM"](**pt_inputs, labels=pt_labels)
    index = int(mask_token_index)
    assert predicted == hf_tok.decode(int(theirs.logits[0, index].argmax()))
    assert loss == round(float(theirs.loss), 2)


def test_tf_albert_for_sequence_classification_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForSequenceClassification"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForSequenceClassification.from_pretrained(checkpoint)

    inputs = tokenizer("Hello, my dog is cute", return_tensors="tf")

    logits = model(**inputs).logits

    predicted_class_id = int(tf.math.argmax(logits, axis=-1)[0])
    label = model.config.id2label[predicted_class_id]

    # To train a model on `num_labels` classes, you can pass `num_labels=num_labels` to `.from_pretrained(...)`
    num_labels = len(model.config.id2label)
    model = TFAlbertForSequenceClassification.from_pretrained(checkpoint, num_labels=num_labels)

    labels = tf.constant(1)
    loss = model(**inputs, labels=labels).loss
    loss = _float_like_transformers(loss)

    import torch

    twin = twins["AlbertForSequenceClassification"]
    theirs = twin(**hf_tok("Hello, my dog is cute", return_tensors="pt"), labels=torch.tensor(1))
    assert label == twin.config.id2label[int(theirs.logits.argmax())]
    assert loss == round(float(theirs.loss), 2)


def test_tf_albert_for_multiple_choice_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForMultipleChoice"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForMultipleChoice

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForMultipleChoice.from_pretrained(checkpoint)

    prompt = "In Italy, pizza served in formal settings, such as at a restaurant, is presented unsliced."
    choice0 = "It is eaten with a fork and a knife."
    choice1 = "It is eaten while held in the hand."

    encoding = tokenizer([prompt, prompt], [choice0, choice1], return_tensors="tf", padding=True)
    inputs = {k: tf.expand_dims(v, 0) for k, v in encoding.items()}
    outputs = model(inputs)  # batch size is 1

    # the linear classifier still needs to be trained
    logits = outputs.logits
    pt = hf_tok([prompt, prompt], [choice0, choice1], return_tensors="pt", padding=True)
    theirs = twins["AlbertForMultipleChoice"](**{k: v.unsqueeze(0) for k, v in pt.items()})
    np.testing.assert_allclose(logits, theirs.logits.detach(), atol=1e-5)


def test_tf_albert_for_token_classification_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForTokenClassification"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForTokenClassification

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForTokenClassification.from_pretrained(checkpoint)

    inputs = tokenizer(
        "HuggingFace is a company based in Paris and New York", add_special_tokens=False, return_tensors="tf"
    )

    logits = model(**inputs).logits
    predicted_token_class_ids = tf.math.argmax(logits, axis=-1)

    # Note that tokens are classified rather then input words which means that
    # there might be more predicted token classes than words.
    # Multiple token classes might account for the same word
    predicted_tokens_classes = [model.config.id2label[t] for t in predicted_token_class_ids[0].numpy().tolist()]

    labels = predicted_token_class_ids
    loss = tf.math.reduce_mean(model(**inputs, labels=labels).loss)
    loss = round(float(loss), 2)

    twin = twins["AlbertForTokenClassification"]
    pt = hf_tok("HuggingFace is a company based in Paris and New York",
                add_special_tokens=False, return_tensors="pt")
    theirs = twin(**pt)
    ids = theirs.logits.argmax(-1)
    assert predicted_tokens_classes == [twin.config.id2label[t] for t in ids[0].tolist()]
    assert loss == round(float(twin(**pt, labels=ids).loss), 2)


def test_tf_albert_for_question_answering_example(checkpoints):
    folders, twins, hf_tok = checkpoints
    checkpoint = folders["AlbertForQuestionAnswering"]
    import tensorflow as tf

    from albert_keras import AutoTokenizer, TFAlbertForQuestionAnswering

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = TFAlbertForQuestionAnswering.from_pretrained(checkpoint)

    question, text = "Who was Jim Henson?", "Jim Henson was a nice puppet"

    inputs = tokenizer(question, text, return_tensors="tf")
    outputs = model(**inputs)

    answer_start_index = int(tf.math.argmax(outputs.start_logits, axis=-1)[0])
    answer_end_index = int(tf.math.argmax(outputs.end_logits, axis=-1)[0])

    predict_answer_tokens = inputs.input_ids[0, answer_start_index : answer_end_index + 1]
    answer = tokenizer.decode(predict_answer_tokens)

    # target is "nice puppet"
    target_start_index = tf.constant([12])
    target_end_index = tf.constant([13])

    outputs = model(**inputs, start_positions=target_start_index, end_positions=target_end_index)
    loss = tf.math.reduce_mean(outputs.loss)
    loss = round(float(loss), 2)

    import torch

    pt = hf_tok(question, text, return_tensors="pt")
    twin = twins["AlbertForQuestionAnswering"]
    theirs = twin(**pt, start_positions=torch.tensor([12]), end_positions=torch.tensor([13]))
    start, end = int(theirs.start_logits.argmax()), int(theirs.end_logits.argmax())
    assert answer == hf_tok.decode(pt.input_ids[0, start:end + 1])
    assert loss == round(float(theirs.loss), 2)


def test_a_transformers_tf_fine_tuning_script_learns(checkpoints, tmp_path):
    """The shape of transformers' TF text-classification examples, import changed only."""
    folders, _, _ = checkpoints
    checkpoint = folders["AlbertModel"]
    lines = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if line.strip()][:32]
    raw = {"sentence": [f"{'yes' if i % 2 else 'no'} {line[:40]}" for i, line in
                        enumerate(lines)], "label": [i % 2 for i in range(len(lines))]}
    # --- the script
    from albert_keras import AutoTokenizer, TFAutoModelForSequenceClassification, create_optimizer

    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    encoded = dict(raw, **tokenizer(raw["sentence"], truncation=True, max_length=32))
    model = TFAutoModelForSequenceClassification.from_pretrained(checkpoint, num_labels=2)
    tf_train_dataset = model.prepare_tf_dataset(encoded, batch_size=8, shuffle=True,
                                                tokenizer=tokenizer)
    num_epochs = 10
    num_train_steps = len(tf_train_dataset) * num_epochs
    optimizer, _schedule = create_optimizer(init_lr=1e-3, num_warmup_steps=2,
                                           num_train_steps=num_train_steps,
                                           weight_decay_rate=0.01)
    model.compile(optimizer=optimizer)  # no loss: the model's own
    history = model.fit(tf_train_dataset, epochs=num_epochs, verbose=0)
    model.save_pretrained(str(tmp_path / "out"))
    tokenizer.save_pretrained(str(tmp_path / "out"))
    reloaded = TFAutoModelForSequenceClassification.from_pretrained(str(tmp_path / "out"))
    batch = tokenizer(raw["sentence"], padding=True, truncation=True, max_length=32,
                      return_tensors="tf")
    predictions = reloaded.predict(batch, verbose=0)["logits"]
    # --- it learned, and the reloaded model is the trained one
    losses = history.history["loss"]
    # A tiny random encoder learns slowly: the check is that the loss falls, not how far.
    assert np.mean(losses[-3:]) < np.mean(losses[:3]) - 0.003, losses
    np.testing.assert_allclose(predictions, model.predict(batch, verbose=0)["logits"], atol=1e-5)
    assert isinstance(tf_train_dataset, tf.data.Dataset)
