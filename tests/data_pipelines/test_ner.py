"""NER data: CoNLL reading and word labels aligned to the first sub-token."""

from albert_keras.data import ner
from tests.data_pipelines.conftest import DATA

CONLL = str(DATA / "conll2003" / "eng.testa.sample")


def test_read_conll():
    sentences, tags = ner.read_conll(CONLL)
    assert sentences[0][:3] == ["CRICKET", "-", "LEICESTERSHIRE"]
    assert tags[0][:3] == ["O", "O", "I-ORG"]
    assert all(len(s) == len(t) for s, t in zip(sentences, tags))
    assert len(sentences) > 100


def test_align_labels_hand_worked():
    # [CLS] w0 w0 w1 [SEP] pad
    assert ner.align_labels([None, 0, 0, 1, None, None], [7, 8]) == [-100, 7, -100, 8, -100, -100]


def test_first_sub_token_gets_the_label(tokenizer):
    sentences, tags = ner.read_conll(CONLL, limit=40)
    features, word_ids = ner.encode_words(tokenizer, sentences, max_seq_length=48)
    names = sorted({t for s in tags for t in s})
    for row, (sentence, sentence_tags) in enumerate(zip(sentences, tags)):
        labels = ner.align_labels(word_ids[row], [names.index(t) for t in sentence_tags])
        ids = features["input_ids"][row]
        kept = sorted({w for w in word_ids[row] if w is not None})
        assert kept == list(range(len(kept)))  # words kept in order, cut only at the end
        for position, word in enumerate(word_ids[row]):
            if labels[position] != -100:
                assert word_ids[row][position - 1] != word
                assert names[labels[position]] == sentence_tags[word]
                # the first sub-token is where the word's text begins
                piece = tokenizer.convert_ids_to_tokens(int(ids[position]))
                assert piece.startswith("\u2581") or piece in sentence[word].lower()
        assert sum(label != -100 for label in labels) == len(kept)
        assert features["attention_mask"][row].sum() == sum(w is not None for w in word_ids[row]) + 2
    predictions = ner.word_predictions(list(range(48)), word_ids[0], len(sentences[0]), -1)
    assert predictions[0] == 1  # word 0 starts right after [CLS]
