"""Tokenizer throughput: ours (Python and in-graph) against transformers' slow and fast
AlbertTokenizer, on the same real sentences, in the same run.

    python benchmarks/bench_tokenizer.py [--spiece PATH] [--repeats 3] [--max-length 128]

Every peer encodes the same sentences to [CLS] A [SEP], truncated and padded to
`--max-length`. Without `--spiece`, a SentencePiece model is trained first in ALBERT's
settings on tests/data (as the tests do). The corpus is SST-2 dev from
/work/shared/data/sst2/dev.tsv when present, else the Wikipedia sentences in tests/data.
"""

import argparse
import csv
import io
import logging
import os
import pathlib
import platform
import re
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SST2_DEV = pathlib.Path("/work/shared/data/sst2/dev.tsv")

logger = logging.getLogger("bench_tokenizer")


def load_corpus():
    """(name, sentences): SST-2 dev if present, else tests/data Wikipedia sentences."""
    if SST2_DEV.is_file():
        with open(SST2_DEV, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
        return "SST-2 dev", [row.get("text") or row["sentence"] for row in rows]
    paragraphs = (ROOT / "tests" / "data" / "enwiki_sample.txt").read_text("utf-8").splitlines()
    sentences = [s for p in paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if s]
    return "tests/data enwiki sentences", sentences


def train_spiece(path):
    """A 3,000-piece unigram model in ALBERT's spm_train settings on tests/data."""
    import sentencepiece as spm

    text = (ROOT / "tests" / "data" / "enwiki_sample.txt").read_text("utf-8").lower().splitlines()
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text), model_writer=proto, vocab_size=3000, model_type="unigram",
        pad_id=0, unk_id=1, bos_id=-1, eos_id=-1, control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        user_defined_symbols=["(", ")", '"', "-", ".", "\u2013", "\u00a3", "\u20ac"],
        character_coverage=0.99995, minloglevel=2)
    pathlib.Path(path).write_bytes(proto.getvalue())


def best_rate(fn, count, repeats):
    """Best sentences/s over `repeats` timed runs (after one warm-up run)."""
    fn()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return count / best


def layer_runner(layer, texts, batch_size):
    """Encode `texts` with the in-graph layer in a tf.function, `batch_size` at a time."""
    import tensorflow as tf

    encode = tf.function(lambda batch: layer(batch))
    batches = [tf.constant(texts[i:i + batch_size]) for i in range(0, len(texts), batch_size)]

    def run():
        for batch in batches:
            encode(batch)["input_ids"].numpy()

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spiece", help="spiece.model to use (default: train one on tests/data)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-length", type=int, default=128)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import tensorflow as tf
    import transformers

    from albert_keras.tokenization import AlbertTokenizer, AlbertTokenizerLayer

    spiece = args.spiece
    if spiece is None:
        spiece = os.path.join(tempfile.mkdtemp(), "spiece.model")
        train_spiece(spiece)
    corpus_name, texts = load_corpus()
    kwargs = {"truncation": True, "max_length": args.max_length, "padding": "max_length"}
    ours = AlbertTokenizer(spiece)
    slow = transformers.AlbertTokenizer(spiece)
    fast = transformers.AlbertTokenizerFast(vocab_file=spiece)
    layer = AlbertTokenizerLayer.from_tokenizer(ours, sequence_length=args.max_length)

    peers = {
        "albert_keras AlbertTokenizer (batch call)": lambda: ours(texts, **kwargs),
        "albert_keras AlbertTokenizerLayer, batch 32 (tf.function)": layer_runner(layer, texts, 32),
        "albert_keras AlbertTokenizerLayer, batch 256 (tf.function)": layer_runner(layer, texts, 256),
        "transformers AlbertTokenizer (slow)": lambda: slow(texts, **kwargs),
        "transformers AlbertTokenizerFast": lambda: fast(texts, **kwargs),
    }
    if ours(texts, **kwargs)["input_ids"] != slow(texts, **kwargs)["input_ids"]:
        logger.warning("ours and transformers' slow tokenizer disagree on this corpus")
    rates = {name: best_rate(fn, len(texts), args.repeats) for name, fn in peers.items()}
    fastest = max(rates.values())
    print(f"corpus: {corpus_name}, {len(texts)} sentences; max_length={args.max_length}; "
          f"best of {args.repeats} runs")
    print(f"python {platform.python_version()}, tensorflow {tf.__version__}, transformers "
          f"{transformers.__version__}, {os.cpu_count()} CPU cores")
    width = max(map(len, rates))
    print(f"{'tokenizer':<{width}}  {'sentences/s':>12}  {'vs fastest':>10}")
    for name, rate in rates.items():
        print(f"{name:<{width}}  {rate:>12,.0f}  {rate / fastest:>9.2f}x")


if __name__ == "__main__":
    main()
