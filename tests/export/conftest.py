"""Fixtures for the export tests: a SentencePiece model trained here on tests/data text, and
hub-layout model folders (tiny odd-sized configs) for every task."""

import pytest

from tests.conftest import TINY
from tests.tokenization.conftest import USER_DEFINED, _train, real_text

SEQUENCE_LENGTH = 20  # TINY has max_position_embeddings 23


@pytest.fixture(scope="session")
def export_texts():
    """Real text: Wikipedia sentences, SQuAD (question, context) pairs."""
    return real_text()


@pytest.fixture(scope="session")
def export_spiece(export_texts, tmp_path_factory):
    """A small ALBERT-style (lower-cased) SentencePiece model trained on tests/data."""
    texts = [t.lower() for t in export_texts["paragraphs"]]
    path = tmp_path_factory.mktemp("export_spm") / "spiece.model"
    path.write_bytes(_train(texts, 400, user_defined_symbols=USER_DEFINED))
    return str(path)


@pytest.fixture(scope="session")
def make_model_dir(export_spiece, tmp_path_factory):
    """make_model_dir(task, **config) -> hub-layout folder (config, weights, spiece.model)."""
    from albert_keras.export import signatures

    from albert_keras.tokenization import AlbertTokenizer

    tokenizer = AlbertTokenizer(export_spiece)
    cache = {}

    def make(task, **overrides):
        key = (task, tuple(sorted(overrides.items())))
        if key not in cache:
            config = dict(TINY, vocab_size=tokenizer.vocab_size, **overrides)
            folder = tmp_path_factory.mktemp(task.replace("-", "_"))
            signatures.model_class(task)(config).save_pretrained(str(folder))
            tokenizer.save_pretrained(str(folder))
            cache[key] = str(folder)
        return cache[key]

    return make


def sample_texts(task, export_texts, count=12):
    """Real text in the shape a task's export takes."""
    if task == "question-answering":
        return export_texts["squad_pairs"][:count]
    if task == "multiple-choice":
        s = export_texts["sentences"]
        return [(s[i], [s[i + 1], s[i + 2]]) for i in range(0, 3 * count, 3)]
    if task == "fill-mask":
        return [" ".join(w if i != 2 else "[MASK]" for i, w in enumerate(s.split()))
                for s in export_texts["sentences"][:count]]
    return export_texts["sentences"][:count]
