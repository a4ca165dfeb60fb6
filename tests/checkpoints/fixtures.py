"""Checkpoints in other projects' formats, written in the test from a random transformers model."""

import json
import os

import numpy as np

# Google's albert_config.json names the tanh GELU "gelu" (transformers: "gelu_new").
_GOOGLE_ACT = {"gelu_new": "gelu", "relu": "relu"}
_GOOGLE_KEYS = ["vocab_size", "embedding_size", "hidden_size", "num_hidden_layers",
                "num_hidden_groups", "num_attention_heads", "intermediate_size",
                "inner_group_num", "hidden_act", "hidden_dropout_prob",
                "attention_probs_dropout_prob", "max_position_embeddings", "type_vocab_size",
                "initializer_range"]


def google_config(config_kwargs):
    """`albert_config.json` as google-research/albert releases write it."""
    data = {k: config_kwargs.get(k, 0.02 if k == "initializer_range" else None)
            for k in _GOOGLE_KEYS}
    data["hidden_act"] = _GOOGLE_ACT[config_kwargs["hidden_act"]]
    data.update(down_scale_factor=1, gap_size=0, net_structure_type=0, num_memory_blocks=0,
                layers_to_keep=[])
    return data


def tf1_tensors(hf_model, task, config_kwargs):
    """{TF1 name: array} of a transformers model, by the published google-research/albert names.

    Kernels are stored (in, out) and `output_weights` (labels, H), as TF1 did.
    """
    import albert_keras
    from albert_keras.checkpoints.hf import rows_for
    from albert_keras.config import AlbertConfig

    state = {k: v.detach().numpy() for k, v in hf_model.state_dict().items()}
    ours = getattr(albert_keras, task)(AlbertConfig(**config_kwargs))
    tensors = {}
    for row in rows_for(ours):
        if row.tf1_name is None or row.hf_key not in state:
            continue
        value = state[row.hf_key]
        kernel = row.transpose and not row.tf1_name.endswith("output_weights")
        tensors[row.tf1_name] = np.ascontiguousarray(value.T if kernel else value)
    return tensors


def write_tf1_checkpoint(tensors, prefix):
    """Saves {name: array} as a name-based TF1 checkpoint with `tf.compat.v1.train.Saver`."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        variables = {name: tf.compat.v1.Variable(value, name=f"v{n}")
                     for n, (name, value) in enumerate(sorted(tensors.items()))}
        saver = tf.compat.v1.train.Saver(var_list=variables)
        with tf.compat.v1.Session(graph=graph) as session:
            session.run(tf.compat.v1.global_variables_initializer())
            return saver.save(session, prefix, write_meta_graph=False)


def with_optimizer_state(tensors, step=1234):
    """Adds LAMB/Adam `adam_m`/`adam_v` slots for every weight and `global_step`."""
    out = dict(tensors)
    for name, value in tensors.items():
        out[name + "/adam_m"] = np.zeros_like(value)
        out[name + "/adam_v"] = np.ones_like(value)
    out["global_step"] = np.array(step, dtype=np.int64)
    return out


def write_google_release(folder, tensors, config_kwargs, step="best"):
    """A folder laid out like `albert_base_v2.tar.gz`: checkpoint + albert_config.json."""
    os.makedirs(folder, exist_ok=True)
    prefix = write_tf1_checkpoint(tensors, os.path.join(folder, f"model.ckpt-{step}"))
    with open(os.path.join(folder, "albert_config.json"), "w") as f:
        json.dump(google_config(config_kwargs), f, indent=2)
    return prefix


def write_tf_hub_module(folder, tensors, config_kwargs):
    """A TF-Hub module layout: `tfhub_module.pb`, `variables/variables.*`, `assets/`.

    The graph file is a placeholder: the loader never imports graphs.
    """
    os.makedirs(os.path.join(folder, "assets"), exist_ok=True)
    os.makedirs(os.path.join(folder, "variables"), exist_ok=True)
    with open(os.path.join(folder, "tfhub_module.pb"), "wb") as f:
        f.write(b"")
    with open(os.path.join(folder, "assets", "albert_config.json"), "w") as f:
        json.dump(google_config(config_kwargs), f, indent=2)
    prefixed = {"module/" + k: v for k, v in tensors.items()}
    return write_tf1_checkpoint(prefixed, os.path.join(folder, "variables", "variables"))
