"""AlbertTransformer: `num_hidden_groups` groups of `inner_group_num` layers reused over `num_hidden_layers`."""

import keras

from albert_keras.layers.albert_layer import AlbertLayer


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertLayerGroup(keras.layers.Layer):
    """`inner_group_num` AlbertLayers applied in sequence; one set of shared parameters.

    Args:
        inner_group_num: int. Number of layers in the group.
        **layer_kwargs: the `AlbertLayer` arguments, shared by every layer of the group.

    Example:
    >>> import numpy as np
    >>> group = AlbertLayerGroup(2, hidden_size=32, num_attention_heads=4,
    ...                          intermediate_size=37, hidden_act="gelu_new")
    >>> out, probs = group(np.zeros((1, 3, 32), "float32"))
    >>> len(probs)
    2
    """

    def __init__(self, inner_group_num, name=None, dtype=None, trainable=True, **layer_kwargs):
        super().__init__(name=name, dtype=dtype, trainable=trainable)
        self.albert_layers = [
            AlbertLayer(name=f"albert_layers_{i}", dtype=self.dtype_policy, **layer_kwargs)
            for i in range(inner_group_num)
        ]
        self.inner_group_num = inner_group_num
        self.layer_kwargs = layer_kwargs

    def build(self, input_shape=None):
        for layer in self.albert_layers:
            layer.build()
        self.built = True

    def call(self, hidden_states, attention_mask=None, head_masks=None, training=False):
        probabilities = []
        for i, layer in enumerate(self.albert_layers):
            head_mask = None if head_masks is None else head_masks[i]
            hidden_states, probs = layer(hidden_states, attention_mask=attention_mask,
                                         head_mask=head_mask, training=training)
            probabilities.append(probs)
        return hidden_states, probabilities

    def get_config(self):
        config = super().get_config()
        config.update({"inner_group_num": self.inner_group_num, **self.layer_kwargs})
        return config


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertTransformer(keras.layers.Layer):
    """ALBERT's cross-layer parameter sharing (section 3.1 of arXiv:1909.11942).

    Layer application `i` (of `num_hidden_layers`) runs group
    `i // (num_hidden_layers / num_hidden_groups)`, exactly as transformers maps it;
    each group runs its `inner_group_num` layers. Hidden states are recorded after
    each application (so there are `num_hidden_layers + 1` of them, the first being
    the input), attentions after each inner layer (`num_hidden_layers *
    inner_group_num` of them), as in transformers.

    Args:
        num_hidden_layers: int. Layer applications.
        num_hidden_groups: int. Groups of parameters; must divide `num_hidden_layers`.
        inner_group_num: int. Layers per group.
        **layer_kwargs: `AlbertLayer` arguments (hidden_size, num_attention_heads, ...).

    Call arguments:
        hidden_states: (batch, seq, H); attention_mask: additive (batch, 1, 1, seq) or None;
        head_mask: (num_hidden_layers, heads, 1, 1) multipliers or None; training: bool.

    Returns:
        `(last_hidden_state, all_hidden_states, all_attentions)` (the last two are lists).

    Example:
    >>> import numpy as np
    >>> encoder = AlbertTransformer(4, 2, 1, hidden_size=32, num_attention_heads=4,
    ...                             intermediate_size=37, hidden_act="gelu_new")
    >>> last, states, attentions = encoder(np.zeros((1, 3, 32), "float32"))
    >>> len(states), len(attentions)
    (5, 4)
    """

    def __init__(self, num_hidden_layers, num_hidden_groups, inner_group_num, name=None,
                 dtype=None, trainable=True, **layer_kwargs):
        super().__init__(name=name, dtype=dtype, trainable=trainable)
        if num_hidden_layers % num_hidden_groups:
            raise ValueError(f"num_hidden_layers={num_hidden_layers} must be divisible by "
                             f"num_hidden_groups={num_hidden_groups}")
        self.albert_layer_groups = [
            AlbertLayerGroup(inner_group_num, name=f"albert_layer_groups_{g}",
                             dtype=self.dtype_policy, **layer_kwargs)
            for g in range(num_hidden_groups)
        ]
        self.num_hidden_layers = num_hidden_layers
        self.num_hidden_groups = num_hidden_groups
        self.inner_group_num = inner_group_num
        self.layer_kwargs = layer_kwargs

    @property
    def layers_per_group(self):
        return self.num_hidden_layers // self.num_hidden_groups

    def group_index(self, layer_index):
        """The group that layer application `layer_index` runs."""
        return layer_index // self.layers_per_group

    def build(self, input_shape=None):
        for group in self.albert_layer_groups:
            group.build()
        self.built = True

    def call(self, hidden_states, attention_mask=None, head_mask=None, training=False):
        all_hidden_states, all_attentions = [hidden_states], []
        for i in range(self.num_hidden_layers):
            g = self.group_index(i)
            # transformers hands group g the head-mask rows g*lpg ... g*lpg + inner - 1.
            head_masks = None
            if head_mask is not None:
                first = g * self.layers_per_group
                head_masks = [head_mask[first + j] for j in range(self.inner_group_num)]
            hidden_states, probabilities = self.albert_layer_groups[g](
                hidden_states, attention_mask=attention_mask, head_masks=head_masks,
                training=training)
            all_hidden_states.append(hidden_states)
            all_attentions.extend(probabilities)
        return hidden_states, all_hidden_states, all_attentions

    def get_config(self):
        config = super().get_config()
        config.update({
            "num_hidden_layers": self.num_hidden_layers,
            "num_hidden_groups": self.num_hidden_groups,
            "inner_group_num": self.inner_group_num,
            **self.layer_kwargs,
        })
        return config
