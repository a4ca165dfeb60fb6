"""tf.data input pipelines, one task family per module.

Package index:
- `pretraining`: documents -> SOP segment pairs + n-gram MLM (80/10/10) examples; TFRecord shards in and out.
- `classification`: GLUE-style single-sentence / sentence-pair features (SST-2, BANKING77, CoLA, MRPC, RTE, STS-B).
- `squad`: SQuAD v1.1 / v2.0 window features with a document stride; n-best span post-processing.
- `ner`: CoNLL files; word labels aligned to the first sub-token.
- `multiple_choice`: SWAG / RACE layout (CommonsenseQA, OpenBookQA) -> (batch, choices, seq) features.
- `text_files`: data files read as UTF-8 text, JSON or JSON lines; refused with the file and line when they are not.
"""
