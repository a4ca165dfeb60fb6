"""Multiple choice: CommonsenseQA lines -> (examples, choices, seq) features."""

from albert_keras.data import multiple_choice as mc
from tests.data_pipelines.conftest import DATA


def test_commonsenseqa_sample(tokenizer):
    contexts, choices, labels = mc.read_jsonl_choices(str(DATA / "commonsenseqa" / "dev_sample.jsonl"))
    assert len(contexts) == 60 and all(len(c) == 5 for c in choices)
    assert labels.min() >= 0 and labels.max() <= 4
    features = mc.encode_choices(tokenizer, contexts[:3], choices[:3], max_seq_length=40)
    assert features["input_ids"].shape == (3, 5, 40)
    # the context is the same for every choice; the ending differs
    ids = features["input_ids"][0]
    types = features["token_type_ids"][0]
    assert (ids[0][types[0] == 0][:5] == ids[1][types[1] == 0][:5]).all()
    assert (types.max(axis=1) == 1).all()
