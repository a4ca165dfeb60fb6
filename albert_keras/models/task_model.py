"""AlbertTaskModel: the shared shape of every head model (an `albert` backbone plus a head)."""

from albert_keras.models.albert_model import AlbertModel
from albert_keras.models.base import AlbertPreTrainedModel


class AlbertTaskModel(AlbertPreTrainedModel):
    """A head on an `AlbertModel` kept as the `albert` attribute, as in transformers.

    Subclasses set `add_pooling_layer` (whether the head reads the pooled [CLS]
    vector), build their head in `_create_head`, and map the backbone output to
    their own outputs in `_head`.
    """

    add_pooling_layer = True

    def _create_layers(self, config):
        self.albert = AlbertModel(config, add_pooling_layer=self.add_pooling_layer,
                                  name="albert", dtype=self.dtype_policy)
        self._create_head(config)

    def _create_head(self, config):
        raise NotImplementedError

    def _head(self, backbone_outputs, training):
        raise NotImplementedError

    def _forward(self, features, training, output_attentions, output_hidden_states):
        backbone = self.albert(
            features["input_ids"], attention_mask=features["attention_mask"],
            token_type_ids=features["token_type_ids"], position_ids=features["position_ids"],
            head_mask=features["head_mask"], inputs_embeds=features["inputs_embeds"],
            output_attentions=output_attentions, output_hidden_states=output_hidden_states,
            training=training)
        outputs = self._head(backbone, training)
        for name in ("hidden_states", "attentions"):
            if name in backbone:
                outputs[name] = backbone[name]
        return outputs

    def _check_features(self, features, values=True):
        # Shapes here, before a head reshapes them (multiple choice flattens its choices);
        # the backbone checks the values when it is called.
        return super()._check_features(features, values=False)
