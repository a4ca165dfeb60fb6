"""Pre-training examples as the ALBERT paper builds them: SOP segment pairs + n-gram MLM, in TFRecord shards.

Follows google-research/albert `create_pretraining_data.py` (arXiv:1909.11942, sec. 3.1 and 4.1):
`[CLS] A [SEP] B [SEP]` from consecutive segments of one document, swapped half the
time (`sentence_order_label` 1 = swapped); 15% of the tokens predicted, chosen as
whole-word n-grams with n <= 3 and p(n) proportional to 1/n, each predicted token
replaced by `[MASK]` 80%, kept 10%, a random token 10%; a shorter target length with
probability `short_seq_prob` = 0.1. Documents stream through (the corpus never has to
fit in memory); shards are written to a temporary file and renamed into place.
"""

import glob
import gzip
import json
import logging
import os
import re

import numpy as np
import tensorflow as tf

from albert_keras.weights.atomic import atomic_write_bytes, temporary_file

logger = logging.getLogger(__name__)
IGNORE_INDEX = -100
FEATURES = ("input_ids", "attention_mask", "token_type_ids", "labels")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


def read_documents(paths):
    """Yields documents (lists of sentences) from text files, streaming.

    Plain text (documents separated by blank lines, one sentence or paragraph per
    line; paragraphs are split into sentences) and WikiExtractor output
    (`<doc ...>` ... `</doc>`, title line dropped) are both read; `.gz` files too.

    Args:
        paths: str or list of str. Files or glob patterns.
    """
    paths = [paths] if isinstance(paths, str) else list(paths)
    files = sorted(f for p in paths for f in (glob.glob(p) or [p]))
    for path in files:
        document, skip_title = [], False
        for line in _lines(path):
            if line.startswith("<doc"):
                skip_title = True
                continue
            if not line or line == "</doc>":
                if document:
                    yield document
                document = []
                continue
            if skip_title:
                skip_title = False
                continue
            document.extend(s for s in _SENTENCE_END.split(line) if s)
        if document:
            yield document


def _lines(path):
    """The stripped lines of a text (or .gz) file, streaming; bytes that are not UTF-8 and
    gzip files that are not are refused with the file (and line)."""
    opener = gzip.open if path.endswith(".gz") else open
    number = 0
    try:
        with opener(path, "rb") as handle:
            for number, raw in enumerate(handle, 1):  # decoded line by line, to name the line
                yield raw.decode("utf-8").strip()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}:{number}: not UTF-8 text (byte 0x{error.object[error.start]:02x}"
                         "); expected plain text or WikiExtractor output") from None
    except (gzip.BadGzipFile, EOFError) as error:
        raise ValueError(f"{path}: not a readable gzip file ({error})") from None


def sample_ngram_length(rng, max_ngram=3, available=None):
    """n in 1..min(max_ngram, available) with p(n) proportional to 1/n (the paper's rule)."""
    top = max_ngram if available is None else min(max_ngram, available)
    weights = 1.0 / np.arange(1, top + 1)
    return int(rng.choice(np.arange(1, top + 1), p=weights / weights.sum()))


def predictions_per_sequence(num_tokens, masked_lm_prob, max_predictions):
    """How many of a sequence's `num_tokens` maskable tokens `mask_ngrams` scores."""
    return min(max_predictions, max(1, round(num_tokens * masked_lm_prob)))


def mask_ngrams(input_ids, rng, *, vocab_size, mask_id, special_ids, word_starts=None,
                masked_lm_prob=0.15, max_predictions=20, max_ngram=3, return_spans=False):
    """ALBERT's n-gram masking of one token sequence.

    Args:
        input_ids: list of int. The packed sequence, special tokens included.
        rng: np.random.Generator.
        vocab_size: int. Random replacements are drawn from [0, vocab_size).
        mask_id: int. The `[MASK]` id.
        special_ids: collection of int. Never masked and never drawn as replacements.
        word_starts: bool array indexed by token id (True where the piece begins a
            word, i.e. starts with "▁"); n-grams are then whole words. None: every
            token is a word.
        masked_lm_prob: float. Share of the non-special tokens predicted. Defaults to 0.15.
        max_predictions: int. At most this many predictions. Defaults to 20.
        max_ngram: int. Longest n-gram, in words. Defaults to 3.

    Returns:
        (masked ids, labels) as lists: labels hold the original id at predicted
        positions and -100 elsewhere; with `return_spans`, also the list of chosen
        spans (lists of token positions), for statistics.
    """
    special_ids = {int(i) for i in special_ids}
    words = []  # each word: list of token positions
    for pos, token in enumerate(input_ids):
        if token in special_ids:
            continue
        starts = word_starts is None or bool(word_starts[token])
        if starts or not words or words[-1][-1] != pos - 1:
            words.append([pos])
        else:
            words[-1].append(pos)
    num_tokens = sum(len(w) for w in words)
    num_to_predict = predictions_per_sequence(num_tokens, masked_lm_prob, max_predictions)
    covered, spans = set(), []
    for start in rng.permutation(len(words)):
        if len(covered) >= num_to_predict:
            break
        n = sample_ngram_length(rng, max_ngram, available=len(words) - start)
        span = [p for w in words[start:start + n] for p in w]
        while len(covered) + len(span) > num_to_predict and n > 1:  # try shorter n-grams
            n -= 1
            span = [p for w in words[start:start + n] for p in w]
        if len(covered) + len(span) > num_to_predict or covered.intersection(span):
            continue
        covered.update(span)
        spans.append(span)
    masked, labels = list(input_ids), [IGNORE_INDEX] * len(input_ids)
    for pos in sorted(covered):
        labels[pos] = input_ids[pos]
        draw = rng.random()
        if draw < 0.8:
            masked[pos] = mask_id
        elif draw >= 0.9:  # 10% random token; the other 10% keep the original
            replacement = int(rng.integers(vocab_size))
            while replacement in special_ids:
                replacement = int(rng.integers(vocab_size))
            masked[pos] = replacement
    return (masked, labels, spans) if return_spans else (masked, labels)


def _truncate_pair(first, second, max_tokens, rng):
    """Trims the longer segment, from the front or back at random, as ALBERT does."""
    while len(first) + len(second) > max_tokens:
        longer = first if len(first) > len(second) else second
        if rng.random() < 0.5:
            del longer[0]
        else:
            longer.pop()


def sop_pairs(segments, rng, max_seq_length, short_seq_prob=0.1):
    """(tokens_a, tokens_b, sentence_order_label) pairs from one document's segments.

    Consecutive segments fill a chunk up to a target length (max_seq_length - 3, or a
    random shorter one with probability `short_seq_prob`); the chunk is cut at a
    random segment boundary into A and B, which are swapped half the time (label 1).
    A chunk of a single segment is cut at a random token instead (ALBERT takes B from
    another document there, which a stream cannot do without a second pass).

    Args:
        segments: list of list of int. Token ids of each sentence, in order.
        rng: np.random.Generator.
    """
    max_tokens = max_seq_length - 3
    target = max_tokens
    if rng.random() < short_seq_prob:
        target = int(rng.integers(2, max_tokens + 1))
    pairs, chunk, length = [], [], 0
    for i, segment in enumerate(segments):
        chunk.append(list(segment))
        length += len(segment)
        if i != len(segments) - 1 and length < target:
            continue
        if len(chunk) >= 2:
            a_end = int(rng.integers(1, len(chunk)))
            first = [t for s in chunk[:a_end] for t in s]
            second = [t for s in chunk[a_end:] for t in s]
        else:
            tokens = chunk[0][:max_tokens]
            cut = int(rng.integers(1, len(tokens))) if len(tokens) >= 2 else 0
            first, second = tokens[:cut], tokens[cut:]
        if first and second:
            swapped = int(rng.random() < 0.5)
            if swapped:
                first, second = second, first
            _truncate_pair(first, second, max_tokens, rng)
            pairs.append((first, second, swapped))
        chunk, length = [], 0
        if rng.random() < short_seq_prob:
            target = int(rng.integers(2, max_tokens + 1))
        else:
            target = max_tokens
    return pairs


def pack_pair(first, second, cls_id, sep_id, max_seq_length, pad_id=0):
    """`[CLS] A [SEP] B [SEP]` padded to max_seq_length: ids, attention mask, token types."""
    ids = [cls_id] + first + [sep_id] + second + [sep_id]
    types = [0] * (len(first) + 2) + [1] * (len(second) + 1)
    pad = max_seq_length - len(ids)
    if pad < 0:
        raise ValueError(f"pair of {len(ids)} tokens > max_seq_length {max_seq_length}")
    return ids + [pad_id] * pad, [1] * len(ids) + [0] * pad, types + [0] * pad


class ExampleBuilder:
    """Turns documents into serialized pre-training examples with one tokenizer and one rng.

    Args:
        tokenizer: AlbertTokenizer.
        max_seq_length: int. Defaults to 512.
        seed: int. Defaults to 12345.
        Remaining keywords as in `mask_ngrams` and `sop_pairs`.
    """

    def __init__(self, tokenizer, max_seq_length=512, short_seq_prob=0.1, masked_lm_prob=0.15,
                 max_predictions_per_seq=20, max_ngram=3, whole_word=True, seed=12345):
        self.tokenizer, self.max_seq_length = tokenizer, max_seq_length
        self.short_seq_prob, self.masked_lm_prob = short_seq_prob, masked_lm_prob
        self.max_predictions, self.max_ngram = max_predictions_per_seq, max_ngram
        self.rng = np.random.default_rng(seed)
        vocab = [tokenizer.sp_model.id_to_piece(i) for i in range(tokenizer.vocab_size)]
        self.word_starts = np.array([p.startswith("\u2581") for p in vocab]) if whole_word else None
        self.special_ids = set(tokenizer.all_special_ids)

    def examples(self, document):
        """Feature dicts (lists of int) for one document (list of sentences)."""
        segments = [s for s in self.tokenizer(document, add_special_tokens=False)["input_ids"] if s]
        out = []
        for first, second, swapped in sop_pairs(segments, self.rng, self.max_seq_length,
                                                self.short_seq_prob):
            ids, mask, types = pack_pair(first, second, self.tokenizer.cls_token_id,
                                         self.tokenizer.sep_token_id, self.max_seq_length,
                                         self.tokenizer.pad_token_id)
            masked, labels = mask_ngrams(
                ids, self.rng, vocab_size=self.tokenizer.vocab_size,
                mask_id=self.tokenizer.mask_token_id, special_ids=self.special_ids,
                word_starts=self.word_starts, masked_lm_prob=self.masked_lm_prob,
                max_predictions=self.max_predictions, max_ngram=self.max_ngram)
            out.append({"input_ids": masked, "attention_mask": mask, "token_type_ids": types,
                        "labels": labels, "sentence_order_label": [swapped]})
        return out


def serialize_example(example):
    """One feature dict of int lists -> tf.train.Example bytes."""
    feature = {k: tf.train.Feature(int64_list=tf.train.Int64List(value=v))
               for k, v in example.items()}
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString()


def _write_shard(records, path):
    """Writes records to a temporary file beside `path`, then renames it into place."""
    tmp = temporary_file(path)
    try:
        with tf.io.TFRecordWriter(tmp) as writer:
            for record in records:
                writer.write(record)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_pretraining_shards(documents, tokenizer, output_dir, examples_per_shard=10000,
                             dupe_factor=1, **builder_kwargs):
    """Streams documents into `pretrain-XXXXX.tfrecord` shards plus `manifest.json`.

    Each shard's examples are shuffled together (memory holds one shard at most);
    each document is masked `dupe_factor` times with different masks.

    Args:
        documents: iterable of lists of sentences (e.g. `read_documents(paths)`).
        tokenizer: AlbertTokenizer.
        output_dir: str. Created if needed.
        examples_per_shard: int. Defaults to 10000.
        dupe_factor: int. Defaults to 1.
        **builder_kwargs: passed to `ExampleBuilder` (max_seq_length, seed, ...).

    Returns:
        dict: the manifest (`shards`, `num_examples`, settings).
    """
    os.makedirs(output_dir, exist_ok=True)
    builder = ExampleBuilder(tokenizer, **builder_kwargs)
    shards, buffer, total = [], [], 0

    def flush():
        path = os.path.join(output_dir, f"pretrain-{len(shards):05d}.tfrecord")
        order = builder.rng.permutation(len(buffer))
        _write_shard((buffer[i] for i in order), path)
        shards.append(os.path.basename(path))
        buffer.clear()

    for document in documents:
        for _ in range(dupe_factor):
            for example in builder.examples(document):
                buffer.append(serialize_example(example))
                total += 1
                if len(buffer) >= examples_per_shard:
                    flush()
    if buffer:
        flush()
    manifest = {"shards": shards, "num_examples": total, "max_seq_length": builder.max_seq_length,
                "masked_lm_prob": builder.masked_lm_prob, "max_ngram": builder.max_ngram,
                "max_predictions_per_seq": builder.max_predictions,
                "short_seq_prob": builder.short_seq_prob, "dupe_factor": dupe_factor}
    atomic_write_bytes(os.path.join(output_dir, "manifest.json"),
                       json.dumps(manifest, indent=1).encode())
    logger.info("wrote %d examples in %d shards to %s", total, len(shards), output_dir)
    return manifest


def parse_example(record, max_seq_length):
    """tf.train.Example bytes -> (features dict, labels dict) of int32 tensors."""
    spec = {k: tf.io.FixedLenFeature([max_seq_length], tf.int64) for k in FEATURES}
    spec["sentence_order_label"] = tf.io.FixedLenFeature([1], tf.int64)
    parsed = {k: tf.cast(v, tf.int32) for k, v in tf.io.parse_single_example(record, spec).items()}
    labels = {"labels": parsed.pop("labels"),
              "sentence_order_label": parsed.pop("sentence_order_label")[0]}
    return parsed, labels


def shard_files(file_pattern):
    """The sorted shard files matching a glob pattern or a list of them."""
    patterns = [file_pattern] if isinstance(file_pattern, str) else list(file_pattern)
    return sorted(f for p in patterns for f in glob.glob(p))


def check_shards(files, max_seq_length):
    """Reads and parses the first record of each shard, so that a file that is not a TFRecord
    of these features is refused by name before training, not as a `Graph execution error`."""
    for path in files:
        try:
            for record in tf.data.TFRecordDataset(path).take(1):
                parse_example(record, max_seq_length)
        except (tf.errors.DataLossError, tf.errors.InvalidArgumentError) as error:
            reason = re.sub(r"\{\{.*?\}\}\s*|\s*\[Op:.*", "", error.message, flags=re.DOTALL)
            raise ValueError(f"{path}: not a pre-training shard with max_seq_length="
                             f"{max_seq_length} ({reason.strip()[:160]})") from None


def max_predictions_from_manifest(file_pattern, max_seq_length):
    """The most positions any example of these shards scores, from their `manifest.json`
    (written by `write_pretraining_shards`); None when there is no manifest."""
    files = shard_files(file_pattern)
    path = os.path.join(os.path.dirname(files[0]), "manifest.json") if files else None
    if path is None or not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as handle:
        manifest = json.load(handle)
    # A packed pair holds at most max_seq_length - 3 tokens besides [CLS] and two [SEP].
    return predictions_per_sequence(max_seq_length - 3, manifest["masked_lm_prob"],
                                    manifest["max_predictions_per_seq"])


def pretraining_dataset(file_pattern, batch_size, max_seq_length, shuffle=True, repeat=True,
                        seed=0, shuffle_buffer=10000, drop_remainder=True):
    """A `tf.data.Dataset` of (features, labels) batches read from TFRecord shards.

    The order is a fixed function of `seed`, so a resumed run can skip to where it
    stopped; files are interleaved, never loaded whole.

    Args:
        file_pattern: str or list of str. Shard files or glob patterns.
        batch_size: int. The global batch size.
        max_seq_length: int. As the shards were written.
        shuffle: bool. Defaults to True.
        repeat: bool. Repeat forever. Defaults to True.
        seed: int. Defaults to 0.
    """
    files = shard_files(file_pattern)
    if not files:
        raise ValueError(f"no TFRecord files match {file_pattern!r}")
    if tf.executing_eagerly():
        check_shards(files, max_seq_length)
    dataset = tf.data.Dataset.from_tensor_slices(files)
    if repeat:
        dataset = dataset.repeat()
    dataset = dataset.interleave(tf.data.TFRecordDataset, cycle_length=min(4, len(files)))
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer, seed=seed)
    dataset = dataset.map(lambda r: parse_example(r, max_seq_length),
                          num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return dataset.batch(batch_size, drop_remainder=drop_remainder).prefetch(tf.data.AUTOTUNE)
