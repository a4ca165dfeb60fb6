"""A model folder in the hub layout (random transformers weights + a SentencePiece vocab trained here)."""

import io
import pathlib
import zlib

import pytest

DATA = pathlib.Path(__file__).resolve().parents[1] / "data"
LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]


def _train_spiece(path, vocab_size=800):
    import sentencepiece as spm

    text = (DATA / "enwiki_sample.txt").read_text(encoding="utf-8").lower().splitlines()
    proto = io.BytesIO()
    # ALBERT's settings (google-research/albert): <pad>=0 <unk>=1 [CLS]=2 [SEP]=3 [MASK]=4.
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(text), model_writer=proto, vocab_size=vocab_size,
        model_type="unigram", pad_id=0, unk_id=1, bos_id=-1, eos_id=-1,
        control_symbols=["[CLS]", "[SEP]", "[MASK]"], minloglevel=2, num_threads=2)
    path.write_bytes(proto.getvalue())


@pytest.fixture(scope="session")
def hf_folder_factory(tmp_path_factory):
    """`make(task)` -> (folder, transformers model, transformers slow tokenizer, fast tokenizer)."""
    import transformers

    from tests.conftest import TINY
    from tests.helpers.reference import random_hf_model

    root = tmp_path_factory.mktemp("pipelines")
    spiece = root / "spiece.model"
    _train_spiece(spiece)
    slow = transformers.AlbertTokenizer(str(spiece))
    fast = transformers.AlbertTokenizerFast(vocab_file=str(spiece))
    made = {}

    def make(task, **config):
        if task not in made:
            kwargs = dict(TINY, vocab_size=len(slow), max_position_embeddings=64, **config)
            if task == "AlbertForTokenClassification":
                kwargs.update(num_labels=len(LABELS), id2label=dict(enumerate(LABELS)),
                              label2id={label: i for i, label in enumerate(LABELS)})
            if task == "AlbertForQuestionAnswering":
                kwargs["num_labels"] = 2
            # Seeded by the task, not by the order of creation: the same weights whichever
            # test file asks first.
            model = random_hf_model(task, kwargs, seed=zlib.crc32(task.encode()) % 2**16)
            folder = root / task
            model.save_pretrained(str(folder))
            slow.save_pretrained(str(folder))
            made[task] = (str(folder), model, slow, fast)
        return made[task]

    return make
