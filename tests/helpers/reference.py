"""assert_matches_transformers(): random transformers twin -> save_pretrained -> ours -> every output."""

import keras
import numpy as np

TORCH_TASKS = ("AlbertModel", "AlbertForPreTraining", "AlbertForMaskedLM",
               "AlbertForSequenceClassification", "AlbertForMultipleChoice",
               "AlbertForTokenClassification", "AlbertForQuestionAnswering")


def random_hf_model(task, config_kwargs, seed=0, scale=None):
    """A transformers PyTorch model with every parameter random (LayerNorm and biases too).

    transformers initialises biases to 0 and LayerNorm to (1, 0); randomising them
    makes a swapped gamma/beta or a dropped bias visible in the outputs. `scale` is
    the weights' std: 0.1 for the tiny configs (large enough to make every weight
    matter), and by default `initializer_range` (0.02, what pre-trained ALBERT
    weights are near) once the hidden size reaches 256, where std 0.1 would blow the
    activations up to magnitudes real checkpoints never see.
    """
    if scale is None:
        scale = 0.1 if config_kwargs["hidden_size"] < 256 else 0.02
    import torch
    import transformers

    torch.manual_seed(seed)
    config = transformers.AlbertConfig(**config_kwargs, attn_implementation="eager")
    model = getattr(transformers, task)(config).eval()
    with torch.no_grad():
        for name, param in model.named_parameters():
            if "LayerNorm.weight" in name or "layer_norm.weight" in name:
                param.copy_(1.0 + 0.1 * torch.randn_like(param))
            else:
                param.copy_(scale * torch.randn_like(param))
    return model


def make_batch(task, config_kwargs, batch=3, seq=9, num_choices=2, seed=1):
    """Inputs with padding in the mask and both token types, plus the task's labels."""
    rng = np.random.default_rng(seed)
    vocab = config_kwargs["vocab_size"]
    shape = (batch, num_choices, seq) if task == "AlbertForMultipleChoice" else (batch, seq)
    input_ids = rng.integers(5, vocab, size=shape).astype("int64")
    attention_mask = np.ones(shape, "int64")
    attention_mask[..., 1, -3:] = 0 if task == "AlbertForMultipleChoice" else 1
    flat_mask = attention_mask.reshape(-1, seq)
    for row in range(flat_mask.shape[0]):
        if row % 2 == 1:
            flat_mask[row, seq - 1 - row % 4:] = 0  # padding of varying length
    attention_mask = flat_mask.reshape(shape)
    token_type_ids = np.zeros(shape, "int64")
    token_type_ids[..., seq // 2:] = 1
    inputs = {"input_ids": input_ids, "attention_mask": attention_mask,
              "token_type_ids": token_type_ids}
    labels = {}
    num_labels = config_kwargs.get("num_labels", 2)
    if task in ("AlbertForMaskedLM", "AlbertForPreTraining"):
        mlm = rng.integers(0, vocab, size=shape).astype("int64")
        mlm[rng.random(shape) < 0.6] = -100
        labels["labels"] = mlm
    if task == "AlbertForPreTraining":
        labels["sentence_order_label"] = rng.integers(0, 2, size=(batch,)).astype("int64")
    if task == "AlbertForSequenceClassification":
        if config_kwargs.get("problem_type") == "regression" or num_labels == 1:
            labels["labels"] = rng.normal(size=(batch, num_labels) if num_labels > 1
                                          else (batch,)).astype("float32")
        elif config_kwargs.get("problem_type") == "multi_label_classification":
            labels["labels"] = (rng.random((batch, num_labels)) < 0.5).astype("float32")
        else:
            labels["labels"] = rng.integers(0, num_labels, size=(batch,)).astype("int64")
    if task == "AlbertForTokenClassification":
        tags = rng.integers(0, num_labels, size=shape).astype("int64")
        tags[:, 0] = -100
        labels["labels"] = tags
    if task == "AlbertForMultipleChoice":
        labels["labels"] = rng.integers(0, num_choices, size=(batch,)).astype("int64")
    if task == "AlbertForQuestionAnswering":
        # The last example's answer lies beyond the sequence: clamped and ignored.
        labels["start_positions"] = np.array([1, 4, seq + 5][:batch] + [2] * (batch - 3))
        labels["end_positions"] = np.array([3, 6, seq + 7][:batch] + [2] * (batch - 3))
    return inputs, labels


def hf_outputs(model, inputs, labels):
    """Every output of a transformers model as numpy, hidden states and attentions included."""
    import torch

    with torch.no_grad():
        out = model(**{k: torch.as_tensor(v) for k, v in {**inputs, **labels}.items()},
                    output_hidden_states=True, output_attentions=True, return_dict=True)
    return {k: (tuple(t.numpy() for t in v) if isinstance(v, tuple) else v.numpy())
            for k, v in out.items() if v is not None}


def our_outputs(model, inputs, labels):
    """Every output of our model as numpy."""
    out = model(**inputs, **labels, output_hidden_states=True, output_attentions=True)
    numpy = keras.ops.convert_to_numpy  # on every backend (a torch tensor may require grad)
    result = {k: (tuple(numpy(t) for t in v) if isinstance(v, tuple) else numpy(v))
              for k, v in out.items()}
    if "loss" in result and result["loss"].shape != (1,):
        # One loss per example (transformers' TF shape for this head): PyTorch's loss is the
        # mean over the rows it counts, kept in shape (1,) like the other heads'.
        counted = _rows_pytorch_counts(inputs, labels)
        result["loss"] = np.reshape(np.mean(result["loss"][counted]), (1,))
    return result


def _rows_pytorch_counts(inputs, labels):
    """Rows transformers' PyTorch loss counts: labels not -100; QA positions inside the sequence
    (it clamps them to [0, seq] and ignores seq; make_batch moves start and end together)."""
    if "start_positions" in labels:
        seq = np.shape(inputs["input_ids"])[-1]
        return np.asarray(labels["start_positions"]) < seq
    label = np.asarray(labels["labels"])
    return label != -100 if label.ndim == 1 and label.dtype.kind == "i" else np.ones(
        label.shape[0], bool)


def assert_outputs_close(ours, reference, atol):
    """Same output names, and every tensor within `atol`; the message names the worst one."""
    assert set(ours) == set(reference), f"outputs differ: {sorted(ours)} vs {sorted(reference)}"
    for name, expected in reference.items():
        got = ours[name]
        if name == "loss":  # transformers' TF models (and ours) give shape (1,), PyTorch ()
            got = got.reshape(np.shape(expected))
        if isinstance(expected, tuple):
            assert len(got) == len(expected), f"{name}: {len(got)} vs {len(expected)} tensors"
            pairs = [(f"{name}[{i}]", g, e) for i, (g, e) in enumerate(zip(got, expected))]
        else:
            pairs = [(name, got, expected)]
        for label, g, e in pairs:
            assert g.shape == e.shape, f"{label}: shape {g.shape} vs {e.shape}"
            diff = float(np.max(np.abs(g.astype("float64") - e))) if g.size else 0.0
            assert diff <= atol, f"{label}: max abs diff {diff:.3g} > {atol}"


def assert_matches_transformers(task, config_kwargs, tmp_path, atol=1e-5, fmt="safetensors"):
    """Random transformers twin -> save_pretrained -> our from_pretrained -> compare everything.

    Returns our loaded model (for further checks).
    """
    import albert_keras

    reference = random_hf_model(task, config_kwargs)
    reference.save_pretrained(tmp_path, safe_serialization=(fmt == "safetensors"))
    ours = getattr(albert_keras, task).from_pretrained(str(tmp_path))
    inputs, labels = make_batch(task, config_kwargs)
    assert_outputs_close(our_outputs(ours, inputs, labels),
                         hf_outputs(reference, inputs, labels), atol)
    return ours
