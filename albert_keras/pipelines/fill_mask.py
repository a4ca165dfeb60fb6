"""FillMaskPipeline: the top-k tokens and scores for each [MASK]."""

import numpy as np

from albert_keras.pipelines.base import Pipeline, shorten, split_items


def softmax(x):
    """Numerically stable softmax over the last axis."""
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class FillMaskPipeline(Pipeline):
    """Predicts the tokens behind `[MASK]`, as transformers' fill-mask pipeline does.

    Returns, for a text with one mask, a list of `top_k` dicts `{score, token,
    token_str, sequence}`; with several masks, one such list per mask.

    Example:
    >>> # pipe = albert_keras.pipeline("fill-mask", model="path/to/albert")
    >>> # pipe("The capital of France is [MASK].", top_k=3)
    """

    token_outputs = ("logits",)
    task = "fill-mask"
    call_arguments = ("top_k",)

    def preprocess_batch(self, texts, **kwargs):
        encoding = self.tokenizer(list(texts), truncation=True, max_length=self.max_length)
        encoded = []
        for text, item in zip(texts, split_items(encoding, len(texts))):
            ids = item["input_ids"][0]
            if self.tokenizer.mask_token_id not in ids:
                mask = self.tokenizer.mask_token
                if mask in text:
                    raise ValueError(f"The {mask} is past the first {self.max_length} tokens "
                                     f"the model takes, and truncation removed it: "
                                     f"{shorten(text)}; put it nearer the start or shorten the "
                                     f"text")
                raise ValueError(f"No {mask} in the input: {shorten(text)}")
            encoded.append((item, ids))
        return encoded

    def postprocess(self, outputs, ids, top_k=5, **kwargs):
        logits = outputs[0]["logits"]
        ids = np.asarray(ids)
        positions = np.flatnonzero(ids == self.tokenizer.mask_token_id)
        probabilities = softmax(logits[positions].astype("float64"))
        single = len(positions) == 1
        results = []
        for position, probs in zip(positions, probabilities):
            best = np.argsort(-probs, kind="stable")[:top_k]
            row = []
            for token in best:
                filled = ids.copy()
                filled[position] = token
                filled = filled[filled != self.tokenizer.pad_token_id]
                row.append({"score": float(probs[token]), "token": int(token),
                            "token_str": self.tokenizer.decode([int(token)]),
                            "sequence": self.tokenizer.decode(filled.tolist(),
                                                              skip_special_tokens=single)})
            results.append(row)
        return results[0] if single else results
