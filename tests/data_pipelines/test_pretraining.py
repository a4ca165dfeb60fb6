"""Pre-training examples: masking statistics, n-gram law, 80/10/10, SOP pairs, TFRecord round trip."""

import collections
import json

import numpy as np
import pytest

from albert_keras.data import pretraining as pt
from tests.data_pipelines.conftest import DATA

VOCAB, MASK, SPECIAL = 1000, 4, (0, 1, 2, 3, 4)


def _sequence(rng, length=128):
    ids = rng.integers(5, VOCAB, size=length - 3).tolist()
    return [2] + ids[:60] + [3] + ids[60:] + [3]


def _mask_many(count=400, max_predictions=1000, word_starts=None, seed=0):
    rng = np.random.default_rng(seed)
    results = []
    for _ in range(count):
        ids = _sequence(rng)
        masked, labels, spans = pt.mask_ngrams(
            ids, rng, vocab_size=VOCAB, mask_id=MASK, special_ids=SPECIAL,
            word_starts=word_starts, max_predictions=max_predictions, return_spans=True)
        results.append((ids, masked, labels, spans))
    return results


def test_masking_rate_is_15_percent_of_the_tokens_and_never_special():
    for ids, masked, labels, _ in _mask_many(50):
        predicted = [i for i, label in enumerate(labels) if label != -100]
        assert len(predicted) == round(125 * 0.15)  # 125 non-special tokens -> 19 exactly
        assert all(ids[i] not in SPECIAL for i in predicted)
        assert all(labels[i] == ids[i] for i in predicted)
        assert [masked[i] for i in (0, 61, 127)] == [2, 3, 3]


def test_max_predictions_caps_the_count():
    rng = np.random.default_rng(1)
    _, labels = pt.mask_ngrams(_sequence(rng), rng, vocab_size=VOCAB, mask_id=MASK,
                               special_ids=SPECIAL, max_predictions=7)
    assert sum(label != -100 for label in labels) == 7


def test_80_10_10_replacement():
    counts = collections.Counter()
    for ids, masked, labels, _ in _mask_many(400):
        for i, label in enumerate(labels):
            if label == -100:
                continue
            counts["mask" if masked[i] == MASK else "keep" if masked[i] == ids[i] else "random"] += 1
            assert masked[i] == MASK or masked[i] not in SPECIAL
    total = sum(counts.values())  # 7,600 predictions: 3 sigma of a share ~ 0.01
    assert abs(counts["mask"] / total - 0.8) < 0.015
    assert abs(counts["keep"] / total - 0.1) < 0.012  # random draws equal to the token are ~0.1%
    assert abs(counts["random"] / total - 0.1) < 0.012


def test_ngram_lengths_follow_one_over_n():
    rng = np.random.default_rng(2)
    draws = collections.Counter(pt.sample_ngram_length(rng, 3) for _ in range(20000))
    expected = np.array([1, 1 / 2, 1 / 3]) / (1 + 1 / 2 + 1 / 3)  # 6/11, 3/11, 2/11
    observed = np.array([draws[n] for n in (1, 2, 3)]) / 20000
    np.testing.assert_allclose(observed, expected, atol=0.012)
    # Accepted spans in real masking keep the law closely (little rejection at 15%).
    spans = collections.Counter(len(s) for *_, spans in _mask_many(300) for s in spans)
    accepted = np.array([spans[n] for n in (1, 2, 3)]) / sum(spans.values())
    np.testing.assert_allclose(accepted, expected, atol=0.05)
    assert set(spans) <= {1, 2, 3}


def test_whole_word_ngrams_never_split_a_word():
    starts = np.zeros(VOCAB, bool)
    starts[::3] = True  # one id in three starts a word
    for ids, _, labels, spans in _mask_many(60, word_starts=starts):
        for span in spans:
            first, last = span[0], span[-1]
            assert starts[ids[first]] or ids[first - 1] in SPECIAL
            after = last + 1
            assert ids[after] in SPECIAL or starts[ids[after]]


def test_sop_pairs_are_consecutive_and_swapped_half_the_time():
    rng = np.random.default_rng(3)
    swapped = []
    for _ in range(300):
        segments = [[100 * s + t for t in range(int(rng.integers(3, 12)))] for s in range(12)]
        flat = [t for s in segments for t in s]
        for a, b, label in pt.sop_pairs(segments, rng, max_seq_length=40, short_seq_prob=0.1):
            assert len(a) + len(b) <= 37 and a and b
            first, second = (b, a) if label else (a, b)
            # In order, A then B is one contiguous run of the document (after truncation).
            joined = first + second
            start = flat.index(joined[0])
            if len(joined) == len(first) + len(second) and flat[start:start + len(first)] == first:
                assert flat.index(second[0]) > flat.index(first[-1])
            swapped.append(label)
    assert 0.45 < np.mean(swapped) < 0.55


def test_short_sequences_at_short_seq_prob():
    rng = np.random.default_rng(4)
    lengths = []
    for _ in range(200):
        segments = [[7] * 9 for _ in range(60)]
        pairs = pt.sop_pairs(segments, rng, 128, 0.1)[:-1]  # the last is the document's tail
        lengths += [len(a) + len(b) for a, b, _ in pairs]
    short = np.mean([n < 120 for n in lengths])
    assert 0.06 < short < 0.14  # ~10% of targets are shorter (uniform in [2, 125])


def test_pack_pair_layout():
    ids, mask, types = pt.pack_pair([5, 6], [7], cls_id=2, sep_id=3, max_seq_length=8)
    assert ids == [2, 5, 6, 3, 7, 3, 0, 0]
    assert mask == [1, 1, 1, 1, 1, 1, 0, 0]
    assert types == [0, 0, 0, 0, 1, 1, 0, 0]


def test_read_documents_plain_and_wikiextractor(tmp_path):
    plain = tmp_path / "a.txt"
    plain.write_text("First one. Second one.\nThird line\n\nNew doc here.\n")
    wiki = tmp_path / "b.txt"
    wiki.write_text('<doc id="1" title="T">\nTitle\n\nBody A. Body B.\n</doc>\n')
    docs = list(pt.read_documents([str(plain), str(wiki)]))
    assert docs == [["First one.", "Second one.", "Third line"], ["New doc here."],
                    ["Body A.", "Body B."]]


def test_shards_round_trip_through_tf_data(tokenizer, tmp_path):
    paragraphs = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").splitlines()[:60]
    documents = pt.read_documents([str(DATA / "enwiki_sample.txt")])
    documents = (d for _, d in zip(range(60), documents))
    manifest = pt.write_pretraining_shards(documents, tokenizer, str(tmp_path / "out"),
                                           examples_per_shard=40, max_seq_length=64, seed=5)
    assert manifest["num_examples"] > 40 and len(manifest["shards"]) >= 2
    assert json.loads((tmp_path / "out" / "manifest.json").read_text()) == manifest
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
    dataset = pt.pretraining_dataset(str(tmp_path / "out" / "*.tfrecord"), 8, 64, repeat=False)
    features, labels = next(iter(dataset))
    assert features["input_ids"].shape == (8, 64) and labels["labels"].shape == (8, 64)
    assert labels["sentence_order_label"].shape == (8,)
    ids, gold = features["input_ids"].numpy(), labels["labels"].numpy()
    assert (ids[:, 0] == tokenizer.cls_token_id).all()
    predicted = gold != -100
    assert predicted.any(axis=1).all()
    assert ((ids == tokenizer.mask_token_id) <= predicted).all()  # every [MASK] is scored
    total = sum(int(f["input_ids"].shape[0]) for f, _ in dataset)
    assert total == manifest["num_examples"] // 8 * 8
    assert paragraphs  # the sample is real text


def test_dataset_order_is_a_function_of_the_seed(tokenizer, tmp_path):
    documents = (d for _, d in zip(range(20), pt.read_documents(str(DATA / "enwiki_sample.txt"))))
    pt.write_pretraining_shards(documents, tokenizer, str(tmp_path), max_seq_length=32)
    first = [f["input_ids"].numpy() for f, _ in pt.pretraining_dataset(
        str(tmp_path / "*.tfrecord"), 4, 32, seed=9).take(5)]
    again = [f["input_ids"].numpy() for f, _ in pt.pretraining_dataset(
        str(tmp_path / "*.tfrecord"), 4, 32, seed=9).skip(2).take(3)]
    np.testing.assert_array_equal(np.stack(first[2:]), np.stack(again))


def test_no_files_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="no TFRecord files"):
        pt.pretraining_dataset(str(tmp_path / "*.tfrecord"), 2, 8)
