"""Code written for transformers' TFAlbert* models runs on albert_keras with only the import changed.

Each test is one pattern of issue #23; numbers are checked against transformers' PyTorch
twin on the same (random) weights.
"""

import collections
import pathlib
import re

import keras
import numpy as np
import pytest
import tensorflow as tf

import albert_keras
from albert_keras import AlbertTokenizer
from tests.conftest import TINY
from tests.helpers.reference import random_hf_model
from tests.pipelines.conftest import _train_spiece

ATOL = 1e-5


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """`folder(task, **config)` -> (folder with weights + spiece.model, transformers twin)."""
    root = tmp_path_factory.mktemp("drop_in")
    _train_spiece(root / "spiece.model")
    tokenizer = AlbertTokenizer(str(root / "spiece.model"))
    made = {}

    def folder(task, **config):
        key = (task, tuple(sorted(config.items())))
        if key not in made:
            kwargs = dict(TINY, vocab_size=len(tokenizer), max_position_embeddings=64)
            kwargs.update(config)
            twin = random_hf_model(task, kwargs, seed=len(made))
            path = root / f"{task}_{len(made)}"
            twin.save_pretrained(str(path))
            tokenizer.save_pretrained(str(path))
            made[key] = (str(path), twin)
        return made[key]

    folder.tokenizer = tokenizer
    return folder


def _torch(twin, features, **labels):
    import torch

    with torch.no_grad():
        return twin(**{k: torch.as_tensor(np.asarray(v, "int64")) for k, v in
                       {**features, **labels}.items()})


TEXTS = ["the cat sat on the mat", "a longer sentence about the history of the city"]


# 1. A BatchEncoding (any mapping) passed positionally, to the call and to predict / fit / evaluate.
def test_a_tokenizer_output_passed_positionally(hub):
    path, twin = hub("AlbertForSequenceClassification")
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path)
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="tf")
    expected = _torch(twin, enc).logits.numpy()
    np.testing.assert_allclose(model(enc).logits, expected, atol=ATOL)
    np.testing.assert_allclose(model.predict(enc, verbose=0)["logits"], expected, atol=ATOL)
    # A mapping that is no dict at all (transformers' BatchEncoding is a UserDict).
    user_dict = collections.UserDict({k: v.numpy() for k, v in enc.items()})
    np.testing.assert_allclose(model(user_dict).logits, expected, atol=ATOL)
    np.testing.assert_allclose(model.predict(user_dict, verbose=0)["logits"], expected, atol=ATOL)
    model.compile(optimizer="adam")
    labels = np.array([0, 2])
    model.fit(enc, labels, epochs=1, verbose=0)
    assert np.isfinite(model.evaluate(user_dict, labels, verbose=0))



def test_transformers_own_batch_encoding_passed_positionally(hub):
    import transformers

    path, twin = hub("AlbertForSequenceClassification")
    hf_tokenizer = transformers.AlbertTokenizer.from_pretrained(path)
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path)
    enc = hf_tokenizer(TEXTS, padding=True, return_tensors="tf")
    assert isinstance(enc, transformers.BatchEncoding)
    expected = _torch(twin, enc).logits.numpy()
    np.testing.assert_allclose(model(enc).logits, expected, atol=ATOL)
    np.testing.assert_allclose(model(enc)[0], expected, atol=ATOL)
    np.testing.assert_allclose(model.predict(enc, verbose=0)["logits"], expected, atol=ATOL)
    np.testing.assert_allclose(model.predict(hf_tokenizer(TEXTS, padding=True, return_tensors="np"),
                                             verbose=0)["logits"], expected, atol=ATOL)

# 2. Outputs index by position, over the fields that are set, in field order.
def test_outputs_index_by_position_like_model_output(hub):
    path, _ = hub("AlbertForSequenceClassification")
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path)
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="tf")
    out = model(enc)
    np.testing.assert_array_equal(out[0], out["logits"])
    out = model(**enc, labels=tf.constant([1, 0]))
    np.testing.assert_array_equal(out[0], out.loss)
    np.testing.assert_array_equal(out[1], out.logits)
    loss, logits = out[:2]
    np.testing.assert_array_equal(logits, out["logits"])
    assert list(out) == ["loss", "logits"]  # iteration gives the keys, as transformers' does
    loss, logits = model(**enc, labels=tf.constant([1, 0]), return_dict=False)
    np.testing.assert_array_equal(loss, out.loss)
    hidden = model(enc, output_hidden_states=True)
    assert len(hidden[1]) == TINY["num_hidden_layers"] + 1  # (logits, hidden_states)


# 3. A transformers.AlbertConfig (anything with to_dict) as the config.
def test_a_transformers_config_is_accepted(hub):
    import transformers

    path, twin = hub("AlbertForSequenceClassification")
    config = transformers.AlbertConfig.from_pretrained(path)
    model = albert_keras.TFAlbertForSequenceClassification(config)
    assert model.config.hidden_size == TINY["hidden_size"]
    loaded = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path, config=config)
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="np")
    np.testing.assert_allclose(loaded(enc).logits, _torch(twin, enc).logits, atol=ATOL)


# 4. Config overrides through from_pretrained, and output flags set on model.config.
def test_from_pretrained_config_overrides_take_effect(hub):
    path, twin = hub("AlbertForSequenceClassification")
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="np")
    reference = _torch(twin, enc, output_hidden_states=True, output_attentions=True)
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(
        path, output_hidden_states=True, output_attentions=True)
    out = model(enc)
    assert len(out.attentions) == len(reference.attentions) == 8  # 4 layers x 2 inner
    assert len(out.hidden_states) == len(reference.hidden_states) == 5
    for ours, theirs in zip(out.hidden_states + out.attentions,
                            reference.hidden_states + reference.attentions):
        np.testing.assert_allclose(ours, theirs, atol=ATOL)
    plain = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path)
    assert plain(enc).hidden_states is None
    plain.config.output_hidden_states = True
    assert len(plain(enc).hidden_states) == TINY["num_hidden_layers"] + 1
    assert plain(enc).attentions is None
    plain.config.output_attentions = True
    assert len(plain(enc).attentions) == len(reference.attentions)
    for ours, theirs in zip(plain(enc).attentions, reference.attentions):
        np.testing.assert_allclose(ours, theirs, atol=ATOL)
    predicted = plain.predict(dict(enc), verbose=0)
    assert len(predicted["attentions"]) == len(reference.attentions)
    np.testing.assert_allclose(predicted["attentions"][-1], reference.attentions[-1], atol=ATOL)
    np.testing.assert_allclose(predicted["hidden_states"][-1], reference.hidden_states[-1],
                               atol=ATOL)

    backbone, _ = hub("AlbertModel")
    labels = {0: "neg", 1: "neutral", 2: "pos", 3: "mixed", 4: "n/a"}
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(
        backbone, num_labels=5, id2label=labels, problem_type="multi_label_classification",
        classifier_dropout_prob=0.4, hidden_dropout_prob=0.2)
    assert (model.config.num_labels, model.config.id2label[2]) == (5, "pos")
    assert model.config.hidden_dropout_prob == 0.2
    out = model(enc, labels=np.eye(5, dtype="float32")[[1, 3]])
    assert out.logits.shape == (2, 5)
    logits = np.asarray(out.logits, "float64")
    target = np.eye(5)[[1, 3]]
    bce = np.mean(np.logaddexp(0, logits) - target * logits)  # multi-label: sigmoid BCE
    per_example = np.mean(np.logaddexp(0, logits) - target * logits, axis=-1)
    np.testing.assert_allclose(out.loss, per_example, rtol=1e-5)  # transformers' TF shape
    np.testing.assert_allclose(np.mean(out.loss), bce, rtol=1e-5)
    assert model.dropout.rate == 0.4
    a, b = (np.asarray(model(enc, training=True).logits) for _ in range(2))
    assert not np.allclose(a, b)  # the dropout values are in use


# 5. A list or tuple of inputs in transformers' positional order.
def test_list_inputs_in_transformers_order(hub):
    path, twin = hub("AlbertModel")
    model = albert_keras.TFAlbertModel.from_pretrained(path)
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="tf")
    ids, mask, types = enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]
    expected = _torch(twin, enc).last_hidden_state.numpy()
    np.testing.assert_allclose(model([ids, mask, types]).last_hidden_state, expected, atol=ATOL)
    np.testing.assert_allclose(model((ids, mask)).last_hidden_state, expected, atol=ATOL)
    np.testing.assert_allclose(model.predict([ids, mask], verbose=0)["last_hidden_state"],
                               expected, atol=ATOL)
    with pytest.raises(ValueError, match="at most 6"):
        model([ids] * 7)


class FakeDataset:
    """What prepare_tf_dataset reads of a `datasets.Dataset`: column_names and columns."""

    def __init__(self, columns):
        self._columns = columns
        self.column_names = list(columns)

    def __getitem__(self, name):
        return self._columns[name]

    def __len__(self):
        return len(next(iter(self._columns.values())))


# 6. prepare_tf_dataset on a datasets.Dataset-like table (the `datasets` package is not needed).
def test_prepare_tf_dataset_without_the_datasets_package(hub):
    path, _ = hub("AlbertForSequenceClassification")
    model = albert_keras.TFAlbertForSequenceClassification.from_pretrained(path)
    texts = TEXTS * 3
    enc = hub.tokenizer(texts)  # lists of different lengths: padded per batch
    table = FakeDataset({"text": texts, "idx": list(range(6)), "label": [0, 1, 2, 0, 1, 2],
                         **enc})
    ds = model.prepare_tf_dataset(table, batch_size=4, shuffle=False, tokenizer=hub.tokenizer)
    batches = list(ds)
    assert len(batches) == 2  # no shuffle: the remainder is kept
    features, labels = batches[0]
    assert sorted(features) == ["attention_mask", "input_ids", "token_type_ids"]
    longest = max(len(ids) for ids in enc["input_ids"][:4])
    assert features["input_ids"].shape == (4, longest)
    assert int(features["input_ids"][0, -1]) == hub.tokenizer.pad_token_id
    np.testing.assert_array_equal(labels, [0, 1, 2, 0])
    shuffled = model.prepare_tf_dataset(dict(table._columns), batch_size=4, shuffle=True)
    assert len(list(shuffled)) == 1  # shuffle drops the remainder, as transformers does
    model.compile(optimizer="adam")
    history = model.fit(ds, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    with pytest.raises(TypeError, match="column_names"):
        model.prepare_tf_dataset([1, 2, 3])


# 7. Input embeddings: get / set / resize, the MLM decoder stays tied.
def test_resize_token_embeddings_keeps_old_ids_and_the_tie(hub, tmp_path):
    import transformers

    path, _ = hub("AlbertForMaskedLM")
    model = albert_keras.TFAlbertForMaskedLM.from_pretrained(path)
    vocab = model.config.vocab_size
    enc = hub.tokenizer(TEXTS, padding=True, return_tensors="np")
    before = np.asarray(model(enc).logits)
    table = model.get_input_embeddings().weight
    assert tuple(table.shape) == (vocab, TINY["embedding_size"])
    resized = model.resize_token_embeddings(vocab + 7)
    assert tuple(resized.shape) == (vocab + 7, TINY["embedding_size"])
    assert model.config.vocab_size == vocab + 7
    after = np.asarray(model(enc).logits)
    assert after.shape[-1] == vocab + 7
    np.testing.assert_allclose(after[..., :vocab], before, atol=1e-6)
    # Tied: a new token's row is what its logit reads.
    new_rows = np.asarray(model.get_input_embeddings().weight).copy()
    new_rows[vocab + 3] = 0.0
    model.set_input_embeddings(new_rows)
    np.testing.assert_allclose(np.asarray(model(enc).logits)[..., vocab + 3], 0.0, atol=1e-6)
    # transformers reads the resized model back with the same outputs.
    model.save_pretrained(str(tmp_path))
    reloaded = transformers.AlbertForMaskedLM.from_pretrained(str(tmp_path)).eval()
    np.testing.assert_allclose(model(enc).logits, _torch(reloaded, enc).logits, atol=ATOL)
    model.compile(optimizer="adam")
    model.fit(dict(enc), enc["input_ids"], epochs=1, verbose=0)  # trains at the new size



@pytest.mark.parametrize("task", ["AlbertForMaskedLM", "AlbertForPreTraining"])
def test_resize_token_embeddings_matches_transformers_pytorch_resize(hub, task):
    """Grown then cut, as transformers' PyTorch `resize_token_embeddings` does it: kept rows
    kept, decoder tied, decoder bias padded with zeros or cut, config.vocab_size updated."""
    from tests.helpers.reference import make_batch

    config = {"num_labels": 2} if task == "AlbertForPreTraining" else {}
    path, _ = hub(task, **config)
    import transformers

    twin = getattr(transformers, task).from_pretrained(path).eval()
    model = getattr(albert_keras, "TF" + task).from_pretrained(path)
    vocab = model.config.vocab_size
    features, _ = make_batch(task, dict(TINY, vocab_size=vocab - 5))
    field = "logits" if task == "AlbertForMaskedLM" else "prediction_logits"
    for size in (vocab + 7, vocab - 5):
        twin.resize_token_embeddings(size, mean_resizing=False)
        model.resize_token_embeddings(size)
        assert model.config.vocab_size == twin.config.vocab_size == size
        # New rows are random in both libraries: give ours transformers' rows.
        model.set_input_embeddings(twin.get_input_embeddings().weight.detach().numpy())
        np.testing.assert_array_equal(model.predictions.bias,
                                      twin.predictions.bias.detach().numpy())
        theirs = _torch(twin, features)[field].numpy()
        ours = np.asarray(model(features)[field])
        assert ours.shape == theirs.shape == (3, 9, size)
        np.testing.assert_allclose(ours, theirs, atol=ATOL)

# 8. transformers' names, importable from albert_keras.
def test_transformers_names_are_importable(hub):
    for name in ("TFAlbertModel", "TFAlbertForPreTraining", "TFAlbertForMaskedLM",
                 "TFAlbertForSequenceClassification", "TFAlbertForMultipleChoice",
                 "TFAlbertForTokenClassification", "TFAlbertForQuestionAnswering",
                 "TFAlbertMainLayer", "TFAlbertPreTrainedModel", "TFSequenceClassifierOutput",
                 "TFBaseModelOutputWithPooling", "AutoTokenizer", "create_optimizer"):
        assert getattr(albert_keras, name) is not None, name
        assert name in albert_keras.__all__
    assert issubclass(albert_keras.TFAlbertModel, albert_keras.TFAlbertPreTrainedModel)
    for auto, task in albert_keras.auto.AUTO_MODELS.items():
        path, _ = hub(task, num_labels=2)
        model = getattr(albert_keras, auto).from_pretrained(path)
        assert type(model).__name__ == task
    assert isinstance(albert_keras.AutoTokenizer.from_pretrained(path), AlbertTokenizer)
    layer = albert_keras.TFAlbertMainLayer(albert_keras.AlbertConfig(**TINY), name="albert")
    assert layer(np.array([[2, 5, 3]])).pooler_output.shape == (1, TINY["hidden_size"])



def _transformers_module_names(module):
    """`__all__` and the classes of an installed transformers module, read from its source
    (importing transformers' TF modules needs tf-keras, which Keras 3 users do not have)."""
    import ast
    import importlib.util

    spec = importlib.util.find_spec(f"transformers.{module}")
    tree = ast.parse(pathlib.Path(spec.origin).read_text(encoding="utf-8"))
    exported, classes, imported = [], [], []
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            exported = [element.value for element in node.value.elts]
        elif isinstance(node, ast.ClassDef):
            classes.append(node.name)
        elif isinstance(node, ast.ImportFrom) and node.module == "modeling_tf_outputs":
            imported = [alias.name for alias in node.names]
    return exported, classes, imported


def test_every_name_transformers_tf_albert_exports_is_importable():
    exported, classes, outputs = _transformers_module_names("models.albert.modeling_tf_albert")
    assert "TFAlbertMainLayer" in exported and len(exported) == 9  # 4.57.1's __all__
    # transformers' TFBaseModelOutput is returned only by its internal TFAlbertTransformer.
    outputs = [name for name in outputs if name != "TFBaseModelOutput"]
    assert len(outputs) == 6
    for name in exported + [c for c in classes if c.endswith("Output")] + outputs:
        assert name in albert_keras.__all__, name
        assert getattr(albert_keras, name) is not None, name
    for name in exported:
        if name not in ("TFAlbertPreTrainedModel", "TFAlbertMainLayer"):
            assert issubclass(getattr(albert_keras, name), albert_keras.TFAlbertPreTrainedModel)
    _, classes, _ = _transformers_module_names("optimization_tf")
    assert {"AdamWeightDecay", "WarmUp"} <= set(classes)
    # GradientAccumulator (for custom TF training loops) is not ported: Keras 3 optimizers
    # take `gradient_accumulation_steps`.
    for name in [c for c in classes if c != "GradientAccumulator"] + ["create_optimizer"]:
        assert name in albert_keras.__all__ and getattr(albert_keras, name) is not None, name


def test_every_tf_auto_class_that_maps_albert_builds_our_class():
    import transformers.models.auto.modeling_tf_auto as tf_auto

    found = {}
    for name in tf_auto.__all__:
        mapping = getattr(getattr(tf_auto, name), "_model_mapping", None)
        names = getattr(mapping, "_model_mapping", {})
        if "albert" in names:
            found[name] = names["albert"]
    assert len(found) == 9  # 4.57.1: the 7 heads, TextEncoding and the deprecated WithLMHead
    assert {name: "TF" + task for name, task in albert_keras.auto.AUTO_MODELS.items()} == found
    for name in found:
        assert name in albert_keras.__all__

def _transformers_schedule(step, init_lr, total, warmup, min_lr_ratio, power):
    """transformers' create_optimizer schedule from its definition: linear WarmUp, then
    PolynomialDecay(init_lr, total - warmup, init_lr * min_lr_ratio, power) of step - warmup."""
    if warmup and step < warmup:
        return init_lr * step / warmup
    decay_steps, end = total - warmup, init_lr * min_lr_ratio
    done = min(step - warmup, decay_steps) / decay_steps
    return (init_lr - end) * (1 - done) ** power + end


# 9. create_optimizer: transformers' arguments and (optimizer, schedule), on Keras 3.
@pytest.mark.parametrize("warmup, min_lr_ratio, power", [(10, 0.0, 1.0), (0, 0.1, 1.0),
                                                         (7, 0.05, 2.0)])
def test_create_optimizer_matches_transformers_schedule(warmup, min_lr_ratio, power):
    optimizer, schedule = albert_keras.create_optimizer(
        3e-5, num_train_steps=100, num_warmup_steps=warmup, min_lr_ratio=min_lr_ratio,
        power=power)
    assert isinstance(optimizer, keras.optimizers.Adam)
    for step in (0, 1, 5, warmup, warmup + 1, 40, 99, 100, 150):
        expected = _transformers_schedule(step, 3e-5, 100, warmup, min_lr_ratio, power)
        np.testing.assert_allclose(float(schedule(step)), expected, rtol=1e-5, atol=1e-12)



def _torch_schedule(init_lr, total, warmup, lr_end, power):
    """transformers' PyTorch polynomial-decay-with-warm-up schedule, as a rate per step."""
    import torch
    import transformers

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=init_lr)
    schedule = transformers.get_polynomial_decay_schedule_with_warmup(
        optimizer, warmup, total, lr_end=lr_end, power=power)
    return lambda step: init_lr * schedule.lr_lambdas[0](step)


@pytest.mark.parametrize("warmup, min_lr_ratio, power", [(10, 0.0, 1.0), (0, 0.1, 1.0),
                                                         (7, 0.05, 2.0)])
def test_create_optimizer_schedule_equals_transformers_pytorch_schedules(warmup, min_lr_ratio,
                                                                         power):
    import torch
    import transformers

    _, schedule = albert_keras.create_optimizer(3e-5, 100, warmup, min_lr_ratio=min_lr_ratio,
                                                power=power)
    theirs = _torch_schedule(3e-5, 100, warmup, 3e-5 * min_lr_ratio, power)
    steps = (0, 1, 5, warmup, warmup + 1, 40, 99, 100, 150)
    for step in steps:
        np.testing.assert_allclose(float(schedule(step)), theirs(step), rtol=1e-5, atol=1e-12)
    # transformers' TF WarmUp around a Keras PolynomialDecay, as its create_optimizer builds it.
    decay = keras.optimizers.schedules.PolynomialDecay(3e-5, 100 - warmup, 3e-5 * min_lr_ratio,
                                                       power=power)
    warm_up = albert_keras.WarmUp(3e-5, decay, warmup) if warmup else decay
    for step in steps:
        np.testing.assert_allclose(float(warm_up(step)), theirs(step), rtol=1e-5, atol=1e-12)
    if min_lr_ratio == 0.0 and power == 1.0:  # the linear schedule PyTorch scripts use
        optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=3e-5)
        linear = transformers.get_linear_schedule_with_warmup(optimizer, warmup, 100)
        for step in steps[:-1]:
            np.testing.assert_allclose(float(schedule(step)), 3e-5 * linear.lr_lambdas[0](step),
                                       rtol=1e-5, atol=1e-12)


def test_warm_up_power_and_adam_weight_decay_take_transformers_arguments():
    decay = keras.optimizers.schedules.PolynomialDecay(1.0, 10, 0.0)
    warm_up = albert_keras.WarmUp(initial_learning_rate=1.0, decay_schedule_fn=decay,
                                  warmup_steps=4, power=2.0)
    assert [float(warm_up(s)) for s in (1, 2, 4)] == [1 / 16, 1 / 4, 1.0]  # (step / 4) ** 2
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(warm_up))
    assert float(again(2)) == 0.25 and float(again(9)) == float(decay(5))
    variable = keras.Variable(np.ones(3, "float32"), name="kernel")
    plain = albert_keras.AdamWeightDecay(learning_rate=0.1)  # weight_decay_rate defaults to 0
    plain.apply_gradients([(np.zeros(3, "float32"), variable)])
    np.testing.assert_array_equal(variable, np.ones(3))
    decaying = albert_keras.AdamWeightDecay(learning_rate=0.1, weight_decay_rate=0.5,
                                            exclude_from_weight_decay=["bias"])
    assert decaying.weight_decay_rate == 0.5
    decaying.apply_gradients([(np.zeros(3, "float32"), variable)])
    np.testing.assert_allclose(variable, np.full(3, 1 - 0.1 * 0.5), rtol=1e-6)

def test_create_optimizer_weight_decay_skips_layer_norm_and_bias():
    model = albert_keras.TFAlbertForSequenceClassification(albert_keras.AlbertConfig(**TINY))
    optimizer, _ = albert_keras.create_optimizer(1e-2, 10, 0, weight_decay_rate=0.5,
                                                 adam_beta1=0.8, adam_epsilon=1e-6,
                                                 adam_global_clipnorm=1.0)
    assert (optimizer.beta_1, optimizer.epsilon, optimizer.global_clipnorm) == (0.8, 1e-6, 1.0)
    variables = model.trainable_variables
    before = {v.path: np.asarray(v) for v in variables}
    # Zero gradients: Adam moves nothing, so only the decoupled decay changes weights.
    optimizer.apply_gradients([(tf.zeros_like(v), v) for v in variables])
    for v in variables:
        shrunk = not np.allclose(np.asarray(v), before[v.path])
        excluded = any(name in v.path for name in ("LayerNorm", "layer_norm", "bias"))
        assert shrunk == (not excluded), v.path
    kernel = next(v for v in variables if v.path.endswith("classifier/kernel"))
    np.testing.assert_allclose(np.asarray(kernel), before[kernel.path] * (1 - 1e-2 * 0.5),
                               rtol=1e-6)


# 10. The loss has transformers' TF shape per head, and PyTorch's value.
def _transformers_tf_loss_shape(task):
    """"(1,)" or "per example": read from transformers' TF source (its classes need tf-keras)."""
    import transformers

    root = pathlib.Path(transformers.__file__).parent
    source = ((root / "models" / "albert" / "modeling_tf_albert.py").read_text()
              + (root / "modeling_tf_utils.py").read_text())
    bases = re.search(rf"^class TF{task}\((.*?)\):", source, re.M).group(1)
    mixin = next(b.strip() for b in bases.split(",") if b.strip().endswith("Loss"))
    while True:  # up to the class that defines hf_compute_loss
        head, body = re.search(rf"^class {mixin}\b(.*?):\n(.*?)(?=^\S)", source,
                               re.M | re.S).groups()
        if "def hf_compute_loss" in body:
            break
        mixin = head.strip("()")
    final_return = re.findall(r"^ +return (.*)$", body, re.M)[-1]  # the non-legacy path
    if re.fullmatch(r"tf\.reshape\(.*, \(1,\)\)", final_return):
        return "(1,)"
    assert "reduction=keras.losses.Reduction.NONE" in body, body
    return "per example"


def _torch_losses(case, twin, features, labels):
    """(transformers' PyTorch loss, its per-example losses by reduction="none", or None)."""
    import torch
    import torch.nn.functional as F

    with torch.no_grad():
        out = twin(**{k: torch.as_tensor(np.asarray(v, "int64")) for k, v in features.items()},
                   **{k: torch.as_tensor(v) for k, v in labels.items()})
    if "regression" in case:
        target = torch.as_tensor(labels["labels"])
        per = F.mse_loss(out.logits.squeeze(), target.squeeze(), reduction="none")
        per = per.mean(-1) if per.ndim == 2 else per
    elif case.endswith("multi_label_classification"):
        per = F.binary_cross_entropy_with_logits(out.logits, torch.as_tensor(labels["labels"]),
                                                 reduction="none").mean(-1)
    elif case in ("AlbertForSequenceClassification", "AlbertForMultipleChoice"):
        per = F.cross_entropy(out.logits, torch.as_tensor(labels["labels"]), reduction="none")
    elif case == "AlbertForQuestionAnswering":
        ignored = out.start_logits.shape[1]  # transformers clamps to it and ignores it
        per = sum(F.cross_entropy(logits, torch.as_tensor(labels[name]).clamp(0, ignored),
                                  ignore_index=ignored, reduction="none")
                  for name, logits in (("start_positions", out.start_logits),
                                       ("end_positions", out.end_logits))) / 2
    else:
        per = None
    return float(out.loss), (None if per is None else per.numpy())


@pytest.mark.parametrize("case", [
    "AlbertForSequenceClassification", "AlbertForSequenceClassification/regression/1",
    "AlbertForSequenceClassification/regression/3",
    "AlbertForSequenceClassification/multi_label_classification", "AlbertForMaskedLM",
    "AlbertForTokenClassification", "AlbertForQuestionAnswering", "AlbertForMultipleChoice",
    "AlbertForPreTraining"])
def test_loss_has_transformers_tf_shape(hub, case):
    from tests.helpers.reference import make_batch

    task, *problem = case.split("/")
    config = {"num_labels": 2} if task in ("AlbertForQuestionAnswering",
                                           "AlbertForPreTraining") else {}
    if problem:
        config = {"problem_type": problem[0], "num_labels": int((problem + ["3"])[1])}
    path, twin = hub(task, **config)
    model = getattr(albert_keras, "TF" + task).from_pretrained(path)
    features, labels = make_batch(task, dict(TINY, vocab_size=model.config.vocab_size, **config))
    counts = np.ones(3, bool)  # the examples PyTorch counts
    if case in ("AlbertForSequenceClassification", "AlbertForMultipleChoice"):
        labels["labels"][1] = -100
        counts[1] = False
    if task == "AlbertForQuestionAnswering":
        counts[2] = False  # make_batch's last answer lies past the sequence
    out = model(features, **labels)
    expected, per_example = _torch_losses(case, twin, features, labels)
    if _transformers_tf_loss_shape(task) == "(1,)":
        assert per_example is None
        assert tuple(out.loss.shape) == (1,)
        np.testing.assert_allclose(out.loss, [expected], atol=ATOL)
        return
    loss = np.asarray(out.loss)
    assert loss.shape == (3,)
    np.testing.assert_allclose(loss, per_example, atol=ATOL)
    assert np.all(loss[~counts] == 0)
    np.testing.assert_allclose(np.mean(loss[counts]), expected, atol=ATOL)
    # compile() with no loss: Keras reports (and fit minimizes) PyTorch's mean over the
    # examples that count, not the mean of the per-example losses.
    model.compile(optimizer="adam")
    reported = model.evaluate({**features, **labels}, batch_size=3, verbose=0)
    np.testing.assert_allclose(reported, expected, atol=ATOL)
    if not counts.all():
        assert abs(reported - np.mean(loss)) > 1e-3
