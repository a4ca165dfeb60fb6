"""QuestionAnsweringPipeline: answer text, score and character span from a context."""

import numpy as np

from albert_keras.pipelines.base import (Pipeline, default_length, positive_int, shorten,
                                         split_items)
from albert_keras.pipelines.fill_mask import softmax


class QuestionAnsweringPipeline(Pipeline):
    """Extractive QA, scored as transformers' question-answering pipeline scores it.

    Long contexts are cut into windows (`doc_stride` tokens of overlap); in each,
    tokens outside the context get -10000 before the softmax, a span's score is
    p(start) * p(end) with `start <= end < start + max_answer_len`, spans are widened
    to whole words (`align_to_words`), equal answers from overlapping windows add
    their scores, and the best win. Returns `{score, start, end, answer}` (or a list
    of `top_k` of them); `start`/`end` index the original context string.

    Example:
    >>> # qa = albert_keras.pipeline("question-answering", model="path")
    >>> # qa(question="Who wrote it?", context="It was written by Ada.")
    """

    token_outputs = ("start_logits", "end_logits")
    task = "question-answering"
    call_arguments = ("top_k", "max_answer_len", "align_to_words")

    def __init__(self, runtime, tokenizer, batch_size=8, max_length=None, doc_stride=None):
        # transformers' defaults: 384-token windows (fewer if the model or its tokenizer
        # takes fewer), overlapping by min(128, half a window).
        max_length = positive_int("max_length", max_length, none=True)
        max_length = max_length or min(384, default_length(runtime, tokenizer))
        super().__init__(runtime, tokenizer, batch_size, max_length)
        self.doc_stride = (positive_int("doc_stride", doc_stride, none=True)
                           or min(128, self.max_length // 2))
        if self.doc_stride >= self.max_length:
            raise ValueError(f"doc_stride={self.doc_stride} must be less than "
                             f"max_length={self.max_length}")

    def check_arguments(self, max_answer_len=15, **kwargs):
        super().check_arguments(**kwargs)
        positive_int("max_answer_len", max_answer_len)

    def __call__(self, inputs=None, question=None, context=None, **kwargs):
        if question is not None:
            inputs = {"question": question, "context": context}
        return super().__call__(inputs, **kwargs)

    def _is_single(self, inputs):
        return isinstance(inputs, dict)

    def preprocess_batch(self, items, **kwargs):
        for item in items:
            if not isinstance(item, dict) or not {"question", "context"} <= set(item):
                raise ValueError("question-answering takes {'question': ..., 'context': ...}")
            for key in ("question", "context"):
                if isinstance(item[key], str) and not item[key].strip():
                    raise ValueError(f"question-answering: the {key} is empty")
        questions = [item["question"] for item in items]
        self._check_room(questions)
        encoding = self.tokenizer(
            questions, [item["context"] for item in items], truncation="only_second",
            max_length=self.max_length, stride=self.doc_stride, return_overflowing_tokens=True,
            return_offsets_mapping=True, return_special_tokens_mask=True)
        return [(encoded, (item["context"], encoded))
                for item, encoded in zip(items, split_items(encoding, len(items)))]

    def _check_room(self, questions):
        """Refuses a question that leaves a window no room for `doc_stride` + 1 context
        tokens (the tokenizer would return it untruncated and the model refuse it)."""
        ids = self.tokenizer(list(questions), add_special_tokens=False)["input_ids"]
        for question, asked in zip(questions, map(len, ids)):
            room = self.max_length - asked - 3  # [CLS] question [SEP] context [SEP]
            if room <= self.doc_stride:
                raise ValueError(
                    f"the question is {asked} tokens: with the context it must fit "
                    f"max_length={self.max_length} tokens, leaving more than doc_stride="
                    f"{self.doc_stride} for the context; shorten the question to at most "
                    f"{self.max_length - self.doc_stride - 4} tokens: {shorten(question)}")

    def postprocess(self, outputs, context_info, top_k=1, max_answer_len=15,
                    align_to_words=True, **kwargs):
        context, encoding = context_info
        answers = {}  # answer text -> answer; equal texts from overlapping windows add up
        for window, out in enumerate(outputs):
            types = np.asarray(encoding["token_type_ids"][window])
            special = np.asarray(encoding["special_tokens_mask"][window])
            allowed = (types == 1) & (special == 0)  # context tokens only
            # transformers keeps [CLS] in the softmax, then zeroes its probability.
            in_softmax = allowed.copy()
            in_softmax[0] = True
            start = softmax(np.where(in_softmax, out["start_logits"], -10000.0).astype("float64"))
            end = softmax(np.where(in_softmax, out["end_logits"], -10000.0).astype("float64"))
            start[0] = end[0] = 0.0
            scores = np.tril(np.triu(np.outer(start, end)), max_answer_len - 1)
            offsets = encoding["offset_mapping"][window]
            # A word cut by the window's edge counts only its part inside the window,
            # as transformers' `word_to_chars` on the window's encoding does.
            inside = np.flatnonzero(allowed)
            lo, hi = (int(offsets[inside[0]][0]), int(offsets[inside[-1]][1])) if len(inside) \
                else (0, len(context))
            for flat in np.argsort(-scores, axis=None, kind="stable")[: top_k * 2 + 10]:
                s, e = np.unravel_index(flat, scores.shape)
                if not (allowed[s] and allowed[e]):
                    continue
                a, b = int(offsets[s][0]), int(offsets[e][1])
                if align_to_words:
                    a, b = max(_word_start(context, a), lo), min(_word_end(context, b), hi)
                text = context[a:b]
                if text in answers:
                    answers[text]["score"] += float(scores[s, e])
                else:
                    answers[text] = {"score": float(scores[s, e]), "start": a, "end": b,
                                     "answer": text}
        ranked = sorted(answers.values(), key=lambda c: -c["score"])[:top_k]
        if not ranked:
            return {"score": 0.0, "start": 0, "end": 0, "answer": ""}
        return ranked[0] if len(ranked) == 1 else ranked


def _word_start(text, index):
    """Start of the word holding `text[index]`, as ALBERT's fast tokenizer counts words.

    Its Metaspace pre-tokenizer turns a space into the `\u2581` that starts the
    next word, so a word's span includes the one space before it (transformers'
    pipeline answers " paris", not "paris"); we return the same span.
    """
    while index < len(text) and text[index].isspace():
        index += 1
    while index > 0 and not text[index - 1].isspace():
        index -= 1
    return index - 1 if index > 0 and text[index - 1] == " " else index


def _word_end(text, index):
    """End of the whitespace-delimited word that ends at or after `index`."""
    while index < len(text) and not text[index].isspace():
        index += 1
    return index
