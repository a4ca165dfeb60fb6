"""The ALBERT architecture, one block per module (read top to bottom = the paper).

- `embeddings`: AlbertEmbeddings, the factorized embedding: V x E tables + LayerNorm + E -> H.
- `attention`: AlbertAttention, multi-head self-attention with residual LayerNorm.
- `albert_layer`: AlbertLayer, attention then the feed-forward block.
- `transformer`: AlbertTransformer / AlbertLayerGroup, cross-layer parameter sharing.
- `pooler`: AlbertPooler, tanh dense on [CLS].
- `mlm_head`: AlbertMLMHead, masked-LM logits tied to the word table.
- `sop_head`: AlbertSOPHead, sentence-order prediction.
- `fusible_dense`: FusibleDense, Keras' Dense as one 2-D product that oneDNN fuses with bias and GELU.
- `layer_norm`: LayerNorm, Keras' LayerNormalization with a NEG-free form for int8 export.
- `initializers`: the N(0, initializer_range) initializer.
- `vocabulary_resize`: resize_rows, a built layer's vocabulary-sized weight resized in place.

`albert_keras.layers.factorized_embedding` and `.shared_encoder`, the addresses of `embeddings`
and `transformer` before their names matched their classes, are the same module objects.
"""

import sys

from albert_keras.layers.albert_layer import AlbertLayer
from albert_keras.layers.attention import AlbertAttention
from albert_keras.layers.embeddings import AlbertEmbeddings
from albert_keras.layers.mlm_head import AlbertMLMHead
from albert_keras.layers.pooler import AlbertPooler
from albert_keras.layers.transformer import AlbertLayerGroup, AlbertTransformer
from albert_keras.layers.sop_head import AlbertSOPHead

from albert_keras.layers import embeddings as factorized_embedding
from albert_keras.layers import transformer as shared_encoder

# The old addresses, the same module objects.
sys.modules[f"{__name__}.factorized_embedding"] = factorized_embedding
sys.modules[f"{__name__}.shared_encoder"] = shared_encoder

__all__ = [
    "AlbertAttention", "AlbertEmbeddings", "AlbertLayer", "AlbertLayerGroup", "AlbertMLMHead",
    "AlbertPooler", "AlbertSOPHead", "AlbertTransformer",
]
