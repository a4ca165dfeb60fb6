"""masked_token_accuracy: per-token counts over all sentences, whatever the batch size."""


import numpy as np
import pytest

from albert_keras.metrics import masked_token_accuracy
from albert_keras.tokenization import AlbertTokenizer

SENTENCES = [
    "The race started in Ghent and finished in Lokeren.",
    "He was born in 1936.",
    "However, the miners needed to crush the quartz ore to extract gold.",
    "Meanwhile, the steamer stood by.",
    "The show was held on 18 February 2018 at the Eventim Apollo in London.",
    "It rained.",
    "Fullerton died in a railroad accident near Oakland, Maryland, on March 20, 1897.",
]


@pytest.fixture(scope="module")
def tokenizer():
    return AlbertTokenizer.from_pretrained("albert-tiny-en")


class ConstantModel:
    """Predicts `token` everywhere, and records the widths it was called with."""

    def __init__(self, token, vocab_size):
        self.token, self.vocab_size, self.widths = token, vocab_size, []

    def __call__(self, input_ids, attention_mask, token_type_ids):
        self.widths.append(input_ids.shape[1])
        logits = np.zeros((*input_ids.shape, self.vocab_size), np.float32)
        logits[..., self.token] = 1.0
        return {"logits": logits}


def _masked_targets(tokenizer, rate=0.15, seed=0):
    """The masked tokens, drawn as the metric documents it (independently of its code)."""
    encoded = tokenizer(SENTENCES, truncation=True, max_length=128, padding="longest",
                        return_tensors="np")
    ids, mask = encoded["input_ids"], encoded["attention_mask"]
    chosen = ((np.random.default_rng(seed).random(ids.shape) < rate)
              & ~np.isin(ids, tokenizer.all_special_ids) & (mask == 1))
    return ids[chosen]


def test_a_constant_predictor_scores_its_token_frequency(tokenizer):
    targets = _masked_targets(tokenizer)
    counts = np.bincount(targets)
    for token in (int(counts.argmax()), int(targets[-1])):
        model = ConstantModel(token, tokenizer.vocab_size)
        accuracy, guess = masked_token_accuracy(model, tokenizer, SENTENCES, batch_size=3)
        assert accuracy == pytest.approx(counts[token] / len(targets))
        assert guess == pytest.approx(counts.max() / len(targets))


def test_batches_are_trimmed_to_their_longest_sentence(tokenizer):
    model = ConstantModel(5, tokenizer.vocab_size)
    masked_token_accuracy(model, tokenizer, SENTENCES, batch_size=2)
    lengths = [len(tokenizer(s)["input_ids"]) for s in SENTENCES]
    assert model.widths == [max(lengths[i:i + 2]) for i in range(0, len(SENTENCES), 2)]


def test_the_result_does_not_depend_on_the_batch_size(tokenizer):
    import albert_keras

    model = albert_keras.AlbertForMaskedLM.from_pretrained("albert-tiny-en")
    results = {b: masked_token_accuracy(model, tokenizer, SENTENCES * 3, batch_size=b)
               for b in (1, 4, 64)}
    assert results[1] == results[4] == results[64], results


@pytest.mark.parametrize("kwargs, message", [
    ({"rate": 0.0}, "rate must be in"),
    ({"batch_size": 0}, "batch_size must be a positive integer"),
])
def test_bad_arguments_are_named(tokenizer, kwargs, message):
    with pytest.raises(ValueError, match=message):
        masked_token_accuracy(ConstantModel(0, 10), tokenizer, SENTENCES, **kwargs)
