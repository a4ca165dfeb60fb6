"""Fixtures for the checkpoint tests: a SentencePiece model trained here, ALBERT-style."""

import io
import pathlib

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def spiece_model(tmp_path_factory):
    """A 99-piece ALBERT-style model (<pad>=0 <unk>=1 [CLS] [SEP] [MASK]) on tests/data text,
    saved under the Google release name `30k-clean.model`."""
    import sentencepiece as spm

    texts = [line.lower() for line in (DATA / "enwiki_sample.txt").read_text("utf-8").splitlines()
             if line.strip()]
    proto = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(texts), model_writer=proto, vocab_size=99, model_type="unigram",
        pad_id=0, unk_id=1, bos_id=-1, eos_id=-1, control_symbols=["[CLS]", "[SEP]", "[MASK]"],
        minloglevel=2, num_threads=2)
    path = tmp_path_factory.mktemp("spm") / "30k-clean.model"
    path.write_bytes(proto.getvalue())
    return str(path)
