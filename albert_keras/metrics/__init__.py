"""Official scorers for the fine-tuning benchmarks, in plain NumPy.

Package index:
- `classification`: accuracy, F1, Matthews correlation, Pearson and Spearman (GLUE's choices per task).
- `squad`: SQuAD v1.1 / v2.0 exact match and F1 with the official answer normalization.
- `masked_lm`: masked-token accuracy beside the best context-free guess (pre-training).
- `ner`: entity-level precision / recall / F1 over IOB1 or IOB2 tags, as seqeval and conlleval count.
"""

from albert_keras.metrics.classification import (
    accuracy,
    f1_score,
    glue_metrics,
    matthews_corrcoef,
    pearson,
    spearman,
)
from albert_keras.metrics.masked_lm import masked_token_accuracy
from albert_keras.metrics.ner import entity_scores, get_entities
from albert_keras.metrics.squad import squad_evaluate, squad_v2_evaluate

__all__ = ["accuracy", "entity_scores", "f1_score", "get_entities", "glue_metrics",
           "masked_token_accuracy", "matthews_corrcoef", "pearson", "spearman", "squad_evaluate",
           "squad_v2_evaluate"]
