"""TFLite export of an albert-base-v2-shaped classifier in every quantization mode: size, LiteRT latency, parity.

Random weights (size and speed do not depend on their values; parity is measured against
the same Keras model). The SentencePiece model is trained here on tests/data text (the
vocabulary of albert-base-v2 is not shipped); the embedding table keeps base-v2's 30,000
rows, so file sizes are those of the real model. The export's own verification runs LiteRT
with 1 and 2 threads at batch 1; the report table is printed and saved as JSON.

    python -m benchmarks.bench_tflite [--out DIR] [--seq 128] [--modes all] [--runs 10]
"""

import argparse
import io
import json
import os
import pathlib
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

DATA = pathlib.Path(__file__).resolve().parents[1] / "tests" / "data"


def _spiece(texts, vocab_size):
    """An ALBERT-style SentencePiece model (pad 0, unk 1, [CLS] [SEP] [MASK]) as bytes."""
    import sentencepiece as spm

    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=proto, vocab_size=vocab_size,
        model_type="unigram", pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"], hard_vocab_limit=False, minloglevel=2)
    return proto.getvalue()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None, help="output folder (default: a temp folder)")
    parser.add_argument("--seq", type=int, default=128)
    parser.add_argument("--modes", default="all")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--preset", default="albert-base-v2")
    args = parser.parse_args(argv)

    from albert_keras.export import export_tflite

    from albert_keras import AlbertConfig, AlbertForSequenceClassification
    from albert_keras.tokenization import AlbertTokenizer

    paragraphs = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").splitlines()
    out = args.out or tempfile.mkdtemp(prefix="bench_tflite_")
    model_dir = os.path.join(out, "model")
    os.makedirs(model_dir, exist_ok=True)
    with open(os.path.join(model_dir, "spiece.model"), "wb") as handle:
        handle.write(_spiece([p.lower() for p in paragraphs], 8000))
    AlbertTokenizer(os.path.join(model_dir, "spiece.model")).save_pretrained(model_dir)
    config = AlbertConfig.from_preset(args.preset, num_labels=2)
    AlbertForSequenceClassification(config).save_pretrained(model_dir)
    texts = paragraphs[:40]
    modes = args.modes.split(",") if "," in args.modes else args.modes
    report = export_tflite(model_dir, out, "text-classification", quantize=modes,
                           sequence_length=args.seq, texts=texts[:20], calibration_texts=texts,
                           latency_runs=args.runs, strict=False, progress=print)
    float_size = next((r.size_bytes for r in report.results if r.mode == "float32"), None)
    if float_size:
        for r in report.results:
            print(f"{r.mode:8s} size ratio to float32: {r.size_bytes / float_size:.3f}")
    print(json.dumps(report.to_dict(), indent=1)[:4000])
    return report


if __name__ == "__main__":
    main()
