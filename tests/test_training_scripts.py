"""The reproduce commands on the shipped models' cards are valid for their scripts."""

import importlib.util
import json
import os
import shlex

import pytest

from albert_keras.shipped import ASSETS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _script(name):
    spec = importlib.util.spec_from_file_location(name, os.path.join(ROOT, "scripts", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("model, script", [("albert-tiny-en", "train_albert_tiny"),
                                           ("albert-tiny-en-sst2", "finetune_albert_tiny"),
                                           ("albert-tiny-en-squad", "finetune_albert_tiny_squad")])
def test_card_command_parses_and_names_the_shipped_settings(model, script):
    with open(os.path.join(ASSETS, model, "training_facts.json"), encoding="utf-8") as handle:
        facts = json.load(handle)
    words = shlex.split(facts["command"])
    assert words[:2] == ["python", f"scripts/{script}.py"]
    args = _script(script).build_parser().parse_args(words[2:])
    assert args.output == f"albert_keras/assets/{model}"
    assert args.learning_rate == facts["learning_rate"]
    assert args.max_seq_length == facts["max_seq_length"]
    assert args.batch_size == facts["batch_size"]


def test_pretraining_command_line_round_trips():
    module = _script("train_albert_tiny")
    parser = module.build_parser()
    for argv in (["--xla", "--steps", "7"], ["--steps", "7", "--corpus", "a.gz", "b.gz"],
                 ["--mixed-precision", "bfloat16", "--dupe-factor", "2",
                  "--masked-lm-prob", "0.2"],
                 ["--continue-steps", "5", "--continue-max-seq-length", "256"]):
        args = parser.parse_args(argv)
        again = parser.parse_args(shlex.split(module.command_line(args))[2:])
        assert vars(again) == dict(vars(args), work=again.work)


def test_tiled_positions_repeat_the_trained_rows_and_keep_the_rest(tmp_path):
    import numpy as np
    from safetensors.numpy import load_file, save_file

    name = "albert.embeddings.position_embeddings.weight"
    rng = np.random.default_rng(0)
    weights = {name: rng.normal(size=(10, 3)).astype("float32"),
               "albert.embeddings.word_embeddings.weight": rng.normal(size=(5, 3)).astype("float32")}
    (tmp_path / "run").mkdir()
    save_file(weights, str(tmp_path / "run" / "model.safetensors"))
    (tmp_path / "run" / "config.json").write_text("{}", encoding="utf-8")
    _script("train_albert_tiny").tile_trained_positions(str(tmp_path / "run"),
                                                        str(tmp_path / "tiled"), 4)
    tiled = load_file(str(tmp_path / "tiled" / "model.safetensors"))
    rows = weights[name]
    np.testing.assert_array_equal(tiled[name], rows[[0, 1, 2, 3, 0, 1, 2, 3, 0, 1]])
    np.testing.assert_array_equal(tiled["albert.embeddings.word_embeddings.weight"],
                                  weights["albert.embeddings.word_embeddings.weight"])
    assert (tmp_path / "tiled" / "config.json").is_file()
    np.testing.assert_array_equal(load_file(str(tmp_path / "run" / "model.safetensors"))[name],
                                  rows)  # the first stage's weights are left as they were


def test_squad_split_holds_out_whole_articles(tmp_path):
    module = _script("finetune_albert_tiny_squad")
    path = os.path.join(ROOT, "tests", "data", "squad_v1.1", "dev_sample.json")
    train, held_out = module.split_articles(path, held_out=3)
    with open(path, encoding="utf-8") as handle:
        titles = [a["title"] for a in json.load(handle)["data"]]
    assert [a["title"] for a in train["data"]] == titles[:-3]
    assert [a["title"] for a in held_out["data"]] == titles[-3:]
    sample = module.sample_of(held_out, paragraphs=1)
    assert [len(a["paragraphs"]) for a in sample["data"]] == [1, 1, 1]
    assert sample["data"][0]["paragraphs"][0] == held_out["data"][0]["paragraphs"][0]
    with pytest.raises(ValueError, match="leaves none to train on"):
        module.split_articles(path, held_out=len(titles))


def test_shipped_squad_sample_is_the_held_out_articles_first_paragraphs():
    """The test sample `albert-tiny-en-squad`'s card scores is what the script selects."""
    with open(os.path.join(ASSETS, "albert-tiny-en-squad", "training_facts.json"),
              encoding="utf-8") as handle:
        facts = json.load(handle)
    module = _script("finetune_albert_tiny_squad")
    with open(os.path.join(ROOT, module.SAMPLE_PATH), encoding="utf-8") as handle:
        sample = json.load(handle)
    assert [a["title"] for a in sample["data"]] == facts["held_out_titles"]
    assert all(len(a["paragraphs"]) == module.SAMPLE_PARAGRAPHS for a in sample["data"])
    assert sum(len(p["qas"]) for a in sample["data"] for p in a["paragraphs"]) == \
        facts["held_out_sample"]["questions"]


@pytest.mark.slow
def test_pretraining_script_runs_both_stages_and_writes_the_card(tmp_path):
    """The whole script on the test corpus, with a second stage: the card, facts and weights
    come from the second stage, and the reproduce command names it."""
    module = _script("train_albert_tiny")
    output = tmp_path / "model"
    with open(os.path.join(ROOT, "tests", "data", "enwiki_sample.txt"), encoding="utf-8") as f:
        paragraphs = [line.strip() for line in f if line.strip()]
    corpus = tmp_path / "corpus.txt"  # documents of 4 paragraphs, separated by blank lines
    corpus.write_text("\n\n".join("\n".join(paragraphs[i:i + 4])
                                    for i in range(0, len(paragraphs), 4)), encoding="utf-8")
    argv = ["--corpus", str(corpus),
            "--work", str(tmp_path / "work"), "--output", str(output),
            "--max-documents", "120", "--vocab-size", "400", "--spm-sentences", "5000",
            "--batch-size", "4", "--steps", "3", "--continue-steps", "2",
            "--continue-learning-rate", "0.001", "--continue-max-seq-length", "128",
            "--eval-steps", "1"]
    assert module.main(argv) == 0
    facts = json.loads((output / "training_facts.json").read_text(encoding="utf-8"))
    assert [(s["steps"], s["learning_rate"], s["max_seq_length"]) for s in facts["stages"]] == [
        (3, 0.005, 64), (2, 0.001, 128)]
    assert facts["trained_positions"] == 128
    assert facts["eval_after"] == facts["stages"][1]["eval_after"]
    card = (output / "README.md").read_text(encoding="utf-8")
    assert "then 2 more steps from those weights on 128-token sequences" in card
    assert "peak 0.001" in card and "positions 128-511 of its position table" in card
    tokenizer_config = json.loads((output / "tokenizer_config.json").read_text(encoding="utf-8"))
    assert tokenizer_config["model_max_length"] == 128  # the pipelines stop where training did
    hits = facts["fill_mask_hits"]  # the study keeps every row; the card shows 8
    assert hits["sentences"] == len(facts["fill_mask_examples"]) > 0
    assert 0 <= hits["top1"] <= hits["top5"] <= 1
    assert [p["text"] for p in facts["probes"]] == list(module.PROBES)
    assert all(p["text"] in card for p in facts["probes"])
    assert "(each document masked 2 times, differently)" in card  # the default dupe factor
    args = module.build_parser().parse_args(shlex.split(facts["command"])[2:])
    assert (args.continue_steps, args.continue_learning_rate,
            args.continue_max_seq_length) == (2, 0.001, 128)
    from safetensors.numpy import load_file

    shipped = load_file(str(output / "model.safetensors"))
    second = load_file(str(tmp_path / "work" / "run2" / "model" / "model.safetensors"))
    first = load_file(str(tmp_path / "work" / "run" / "model" / "model.safetensors"))
    assert all((shipped[k] == second[k]).all() for k in second)
    assert any((first[k] != second[k]).any() for k in first)
    tiled = load_file(str(tmp_path / "work" / "run-positions-128" / "model.safetensors"))
    positions = "albert.embeddings.position_embeddings.weight"
    assert (tiled[positions][64:128] == first[positions][:64]).all()  # the second stage's start


@pytest.mark.slow
def test_squad_script_fine_tunes_scores_held_out_articles_and_writes_the_card(tmp_path):
    """The whole QA script on the repository's 8-article SQuAD sample, 2 articles held out."""
    module = _script("finetune_albert_tiny_squad")
    output = tmp_path / "model"
    argv = ["--squad", os.path.join(ROOT, "tests", "data", "squad_v1.1", "dev_sample.json"),
            "--work", str(tmp_path / "work"), "--output", str(output), "--epochs", "1",
            "--batch-size", "8", "--max-seq-length", "128", "--doc-stride", "64",
            "--held-out-articles", "2"]
    assert module.main(argv) == 0
    facts = json.loads((output / "training_facts.json").read_text(encoding="utf-8"))
    with open(argv[1], encoding="utf-8") as handle:
        articles = json.load(handle)["data"]
    assert facts["held_out_titles"] == [a["title"] for a in articles[-2:]]
    assert facts["train_articles"] == len(articles) - 2
    assert facts["held_out"]["questions"] == sum(len(p["qas"]) for a in articles[-2:]
                                                 for p in a["paragraphs"])
    assert 0 <= facts["held_out"]["exact_match"] <= facts["held_out"]["f1"] <= 100
    card = (output / "README.md").read_text(encoding="utf-8")
    assert facts["command"] in card and f"**{facts['held_out']['f1']:.1f}**" in card
    assert len(facts["examples"]) == 2 and all(r["question"] in card for r in facts["examples"])
    from albert_keras import pipeline

    qa = pipeline("question-answering", str(output))  # the folder loads as a pipeline
    row = facts["examples"][0]
    context = articles[-2]["paragraphs"][0]["context"]
    assert qa(question=row["question"], context=context)["answer"] == row["answer"]
    args = module.build_parser().parse_args(shlex.split(facts["command"])[2:])
    assert (args.epochs, args.max_seq_length, args.held_out_articles) == (1, 128, 2)
