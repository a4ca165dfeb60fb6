"""Masked-token accuracy on held-out sentences, against the best guess that ignores context.

An MLM accuracy alone does not say whether a small model reads the sentence: early in
pre-training every model predicts the corpus' most frequent tokens. `masked_token_accuracy`
reports the model's accuracy beside that of the best constant guess (the most frequent
masked token itself, an upper bound of any context-free predictor) on the same masks.
"""

import numpy as np


def masked_token_accuracy(model, tokenizer, sentences, rate=0.15, seed=0, max_length=128,
                          batch_size=64):
    """`(accuracy, constant_guess_accuracy)` on tokens masked at random in `sentences`.

    `rate` of the non-special tokens of each sentence are replaced by `[MASK]` (one
    random draw from `seed`), and the model predicts each from the rest of its sentence.
    Both accuracies are per masked token over all sentences; `batch_size` only bounds
    memory (the masks and the result do not depend on it).

    Args:
        model: a masked-LM model called as `model(input_ids=, attention_mask=,
            token_type_ids=)` returning `{"logits": (batch, seq, vocab)}`, such as
            `AlbertForMaskedLM`.
        tokenizer: the model's `AlbertTokenizer`.
        sentences: list of str, text the model never trained on.
        rate: float. Share of tokens masked. Defaults to 0.15.
        seed: int. The masking draw. Defaults to 0.
        max_length: int. Sentences are truncated to this many tokens. Defaults to 128.
        batch_size: int. Sentences per model call. Defaults to 64.

    Example:
    >>> from albert_keras import AlbertForMaskedLM, AlbertTokenizer
    >>> model = AlbertForMaskedLM.from_pretrained("albert-tiny-en")
    >>> tokenizer = AlbertTokenizer.from_pretrained("albert-tiny-en")
    >>> accuracy, guess = masked_token_accuracy(
    ...     model, tokenizer, ["The cat sat on the mat.", "Paris is the capital of France."])
    >>> 0.0 <= accuracy <= 1.0 and 0.0 < guess <= 1.0
    True
    """
    if not 0 < rate < 1:
        raise ValueError(f"rate must be in (0, 1), got {rate}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size}")
    encoded = tokenizer(list(sentences), truncation=True, max_length=max_length,
                        padding="longest", return_tensors="np")
    ids, mask = encoded["input_ids"].copy(), encoded["attention_mask"]
    special = np.isin(ids, tokenizer.all_special_ids)
    chosen = (np.random.default_rng(seed).random(ids.shape) < rate) & ~special & (mask == 1)
    if not chosen.any():
        raise ValueError("no token was masked: give more or longer sentences, or a higher rate")
    targets = ids[chosen]
    ids[chosen] = tokenizer.mask_token_id
    predicted = []
    for start in range(0, len(ids), batch_size):
        rows = slice(start, start + batch_size)
        width = int(np.flatnonzero(mask[rows].any(axis=0)).max()) + 1  # drop all-padding columns
        batch_ids, batch_mask = ids[rows, :width], mask[rows, :width]
        logits = model(input_ids=batch_ids, attention_mask=batch_mask,
                       token_type_ids=np.zeros_like(batch_ids))["logits"]
        predicted.append(np.asarray(logits).argmax(-1)[chosen[rows, :width]])
    predicted = np.concatenate(predicted)
    constant = np.bincount(targets).max() / len(targets)
    return float(np.mean(predicted == targets)), float(constant)
