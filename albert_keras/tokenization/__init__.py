"""ALBERT tokenization: SentencePiece in Python and inside the TF graph.

Modules:
    normalization.py    ALBERT text preprocessing (spaces, quotes, accents, case) as ONE rule table, Python and tf.strings side by side
    special_tokens.py   [CLS]/[SEP]/[MASK]/<pad>/<unk>: ids, splitting text on them, `[CLS] A [SEP] B [SEP]`
    tokenizer.py        AlbertTokenizer: transformers-identical tokenize/encode/decode/__call__ on `sentencepiece`
    offsets.py          return_offsets_mapping: token spans in the original text
    pieces.py           the `9,` -> `9` `,` rule on SentencePiece pieces (tokenizer and offsets)
    encoding.py         ids -> model inputs: truncation, overflow windows (stride), padding, tensors
    files.py            from_pretrained/save_pretrained in the Hugging Face hub layout (spiece.model + JSON)
    graph_tokenizer.py  AlbertTokenizerLayer: strings -> input_ids/attention_mask/token_type_ids in TF ops
    task_library_spiece.py  a SentencePiece model that tokenizes as AlbertTokenizer does, for the TFLite Task Library
"""

from albert_keras.tokenization.tokenizer import AlbertTokenizer


def __getattr__(name):
    """Import the TF layer only when asked for (keeps the tokenizer TF-free)."""
    if name == "AlbertTokenizerLayer":
        # local: TensorFlow; the tokenizer needs none
        from albert_keras.tokenization.graph_tokenizer import AlbertTokenizerLayer

        return AlbertTokenizerLayer
    raise AttributeError(name)


__all__ = ["AlbertTokenizer", "AlbertTokenizerLayer"]
