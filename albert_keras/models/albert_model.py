"""AlbertModel: embeddings + shared encoder + pooler (the backbone every head wraps)."""

import keras
import numpy as np
from keras import ops

from albert_keras.layers import AlbertEmbeddings, AlbertPooler, AlbertTransformer
from albert_keras.models.base import AlbertPreTrainedModel
from albert_keras.models.outputs import BaseModelOutputWithPooling

# The additive mask value transformers uses: the most negative finite number of the dtype.
_MASK_MIN = {"float16": -65504.0, "bfloat16": -3.3895313892515355e38,
             "float32": float(np.finfo(np.float32).min), "float64": float(np.finfo(np.float64).min)}


@keras.saving.register_keras_serializable(package="albert_keras")
class AlbertModel(AlbertPreTrainedModel):
    """The bare ALBERT encoder: token ids in, contextual vectors out.

    Same weights, inputs and outputs as transformers' `AlbertModel`/`TFAlbertModel`.

    Args:
        config: AlbertConfig (or its dict, or a preset name).
        add_pooling_layer: bool. Build the [CLS] pooler. Defaults to True.
        attention_mask_value: float or None. What is added to the attention scores
            of padding positions. None (default): the dtype's most negative number,
            as transformers does. Full-integer TFLite exports use a small value
            (-30: padding still gets a weight below 1e-13) so that the scores plus
            the mask fit one narrow int8 range.

    Call arguments: see `AlbertPreTrainedModel`.

    Returns:
        `BaseModelOutputWithPooling` with `last_hidden_state` (batch, seq, H),
        `pooler_output` (batch, H), and optionally `hidden_states`
        (num_hidden_layers + 1 tensors) and `attentions`.

    Example:
    >>> import numpy as np
    >>> from albert_keras import AlbertConfig, AlbertModel
    >>> config = AlbertConfig(vocab_size=99, embedding_size=16, hidden_size=32,
    ...                       num_hidden_layers=2, num_attention_heads=4, intermediate_size=37)
    >>> out = AlbertModel(config)(np.array([[2, 15, 16, 3]]))
    >>> tuple(out.last_hidden_state.shape), tuple(out.pooler_output.shape)
    ((1, 4, 32), (1, 32))
    """

    output_class = BaseModelOutputWithPooling
    architecture = "AlbertModel"
    weight_prefix = ""  # a bare backbone: its weights at the top
    label_names = ()
    main_output = "last_hidden_state"

    def __init__(self, config, add_pooling_layer=True, attention_mask_value=None, **kwargs):
        self.add_pooling_layer = add_pooling_layer
        self.attention_mask_value = attention_mask_value
        super().__init__(config, **kwargs)

    def _create_layers(self, config):
        self.embeddings = AlbertEmbeddings(
            config.vocab_size, config.embedding_size, config.hidden_size,
            config.max_position_embeddings, config.type_vocab_size,
            layer_norm_eps=config.layer_norm_eps, dropout=config.hidden_dropout_prob,
            initializer_range=config.initializer_range, name="embeddings",
            dtype=self.dtype_policy)
        self.encoder = AlbertTransformer(
            config.num_hidden_layers, config.num_hidden_groups, config.inner_group_num,
            hidden_size=config.hidden_size, num_attention_heads=config.num_attention_heads,
            intermediate_size=config.intermediate_size, hidden_act=config.hidden_act,
            layer_norm_eps=config.layer_norm_eps, hidden_dropout=config.hidden_dropout_prob,
            attention_dropout=config.attention_probs_dropout_prob,
            initializer_range=config.initializer_range, name="encoder", dtype=self.dtype_policy)
        self.pooler = None
        if self.add_pooling_layer:
            self.pooler = AlbertPooler(config.hidden_size, config.initializer_range,
                                       name="pooler", dtype=self.dtype_policy)

    def _build_weights(self):
        self.embeddings.build()
        self.encoder.build()
        if self.pooler is not None:
            self.pooler.build()

    def get_config(self):
        return dict(super().get_config(), add_pooling_layer=self.add_pooling_layer,
                    attention_mask_value=self.attention_mask_value)

    def _forward(self, features, training, output_attentions, output_hidden_states):
        hidden = self.embeddings(
            features["input_ids"], token_type_ids=features["token_type_ids"],
            position_ids=features["position_ids"], inputs_embeds=features["inputs_embeds"],
            training=training)  # (batch, seq, H)
        mask = features["attention_mask"]
        additive_mask = None
        if mask is not None:
            # expand_dims, not [:, None, None, :]: TFLite has no StridedSlice with new axes
            # when the batch is dynamic (any-batch files).
            mask = ops.expand_dims(ops.cast(mask, hidden.dtype), (1, 2))  # (batch, 1, 1, seq)
            value = self.attention_mask_value
            if value is None:
                value = _MASK_MIN[keras.backend.standardize_dtype(hidden.dtype)]
            additive_mask = (1.0 - mask) * value
        last, all_states, all_attentions = self.encoder(
            hidden, attention_mask=additive_mask, head_mask=self._head_mask(features["head_mask"]),
            training=training)
        outputs = {"last_hidden_state": last}
        if self.pooler is not None:
            outputs["pooler_output"] = self.pooler(last)
        if output_hidden_states:
            outputs["hidden_states"] = tuple(all_states)
        if output_attentions:
            outputs["attentions"] = tuple(all_attentions)
        return outputs

    def _head_mask(self, head_mask):
        """(heads,) or (num_hidden_layers, heads) -> (num_hidden_layers, heads, 1, 1)."""
        if head_mask is None:
            return None
        head_mask = ops.convert_to_tensor(head_mask)
        if len(head_mask.shape) == 1:
            head_mask = ops.broadcast_to(head_mask[None, :], (self.config.num_hidden_layers,
                                                              head_mask.shape[0]))
        return head_mask[:, :, None, None]
