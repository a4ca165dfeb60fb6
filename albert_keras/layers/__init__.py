"""The ALBERT architecture, one block per module (read top to bottom = the paper).

- `factorized_embedding`: AlbertEmbeddings, V x E tables + LayerNorm + E -> H projection.
- `attention`: AlbertAttention, multi-head self-attention with residual LayerNorm.
- `albert_layer`: AlbertLayer, attention then the feed-forward block.
- `shared_encoder`: AlbertTransformer / AlbertLayerGroup, cross-layer parameter sharing.
- `pooler`: AlbertPooler, tanh dense on [CLS].
- `mlm_head`: AlbertMLMHead, masked-LM logits tied to the word table.
- `sop_head`: AlbertSOPHead, sentence-order prediction.
- `layer_norm`: LayerNorm, Keras' LayerNormalization with a NEG-free form for int8 export.
- `initializers`: the N(0, initializer_range) initializer.
- `vocabulary_resize`: resize_rows, a built layer's vocabulary-sized weight resized in place.
"""

from albert_keras.layers.albert_layer import AlbertLayer
from albert_keras.layers.attention import AlbertAttention
from albert_keras.layers.factorized_embedding import AlbertEmbeddings
from albert_keras.layers.mlm_head import AlbertMLMHead
from albert_keras.layers.pooler import AlbertPooler
from albert_keras.layers.shared_encoder import AlbertLayerGroup, AlbertTransformer
from albert_keras.layers.sop_head import AlbertSOPHead

__all__ = [
    "AlbertAttention", "AlbertEmbeddings", "AlbertLayer", "AlbertLayerGroup", "AlbertMLMHead",
    "AlbertPooler", "AlbertSOPHead", "AlbertTransformer",
]
