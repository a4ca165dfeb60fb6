"""Reproduces `albert-tiny-en-squad`, the extractive QA model shipped in `albert_keras/assets/`.

Only the SQuAD v1.1 *dev* set exists here (no train set), so it is split by article: the
first 40 articles train, the last 8 are held out and never seen in training; the card's
exact match and F1 come from those 8. The held-out sample in `tests/data` (the first
paragraphs of the same 8 articles) is scored too, so a test can re-measure the card.

    python scripts/finetune_albert_tiny_squad.py --mixed-precision bfloat16 \
        --squad ../shared/data/squad_v1.1/dev-v1.1.json --output albert_keras/assets/albert-tiny-en-squad
"""

import argparse
import json
import os
import shutil
import time

HELD_OUT_ARTICLES = 8
SAMPLE_PARAGRAPHS = 3  # per held-out article, in the test sample
CARD_EXAMPLES = 8
SAMPLE_PATH = os.path.join("tests", "data", "squad_v1.1", "heldout_sample.json")


def split_articles(squad_file, held_out=HELD_OUT_ARTICLES):
    """(train, held_out) SQuAD JSON dicts: all but the last `held_out` articles, and those."""
    with open(squad_file, encoding="utf-8") as handle:
        data = json.load(handle)
    articles = data["data"]
    if len(articles) <= held_out:
        raise ValueError(f"{squad_file} has {len(articles)} articles; holding out {held_out} "
                         "leaves none to train on")
    version = data.get("version", "1.1")
    return ({"version": version, "data": articles[:-held_out]},
            {"version": version, "data": articles[-held_out:]})


def sample_of(held_out, paragraphs=SAMPLE_PARAGRAPHS):
    """The first `paragraphs` paragraphs of every held-out article (the test's sample)."""
    return {"version": held_out["version"],
            "data": [dict(a, paragraphs=a["paragraphs"][:paragraphs]) for a in held_out["data"]]}


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)


def score(qa, squad_file, max_seq_length, doc_stride):
    """SQuAD exact match and F1 of the pipeline `qa`'s model on `squad_file` (the library's
    evaluation)."""
    from albert_keras.training.finetune_tasks import SquadTask

    task = SquadTask("squad", squad_file, squad_file, max_seq_length=max_seq_length,
                     doc_stride=doc_stride)
    return {k: float(v) for k, v in task.evaluate(qa.runtime.model, qa.tokenizer).items()}


def examples(qa, held_out, count=CARD_EXAMPLES):
    """The first held-out questions (one per paragraph) with the pipeline `qa`'s answer and gold."""
    rows = []
    for article in held_out["data"]:
        paragraph = article["paragraphs"][0]
        question = paragraph["qas"][0]
        answer = qa(question=question["question"], context=paragraph["context"])
        rows.append({"title": article["title"], "question": question["question"],
                     "answer": answer["answer"], "score": float(answer["score"]),
                     "gold": sorted({a["text"] for a in question["answers"]})})
        if len(rows) == count:
            break
    return rows


def build_parser():
    """The command-line flags (the model card's reproduce command is parsed by them)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="albert_keras/assets/albert-tiny-en")
    parser.add_argument("--squad", default="../shared/data/squad_v1.1/dev-v1.1.json",
                        help="SQuAD v1.1 JSON, split by article")
    parser.add_argument("--held-out-articles", type=int, default=HELD_OUT_ARTICLES,
                        help="the last N articles are held out for evaluation")
    parser.add_argument("--output", default="albert_keras/assets/albert-tiny-en-squad")
    parser.add_argument("--work", default="/tmp/albert-tiny-en-squad-work")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=2e-4)
    parser.add_argument("--max-seq-length", type=int, default=384)
    parser.add_argument("--doc-stride", type=int, default=128)
    parser.add_argument("--mixed-precision", choices=["bfloat16", "float16"],
                        help="compute in this type, keep float32 weights")
    parser.add_argument("--write-test-sample", action="store_true",
                        help=f"also (re)write {SAMPLE_PATH}, the held-out sample a test scores")
    return parser


def command_line(args):
    """The command that reproduces this run (flags as typed; `--work` is only a cache)."""
    parts = ["python scripts/finetune_albert_tiny_squad.py"]
    for key, value in sorted(vars(args).items()):
        if key in ("work", "write_test_sample") or value is None:
            continue
        parts.append(f"--{key.replace('_', '-')} {value}")
    return " ".join(parts)


def write_card(output, facts):
    """The model card (README.md) from the measured facts."""
    rows = "\n".join(
        f"| {r['title'].replace('_', ' ')} | {r['question'].strip()} | {r['answer'].strip()} "
        f"({r['score']:.2f}) | {' / '.join(r['gold'])} |" for r in facts["examples"])
    held, sample = facts["held_out"], facts["held_out_sample"]
    card = f"""# albert-tiny-en-squad

`albert-tiny-en` (shipped beside it; see its card) fine-tuned for extractive question
answering on SQuAD v1.1. It ships so that the question-answering pipeline, its exports and
the Android demo run offline on a trained model. **It is a demonstration, not a useful
reader**: on questions about articles it never saw, its answer is exactly a reference answer
{held['exact_match']:.0f}% of the time, and its words overlap the reference's by F1
{held['f1']:.0f}%, where SQuAD-trained `albert-base-v2` scores F1 near 90 on the official dev
set. It was fine-tuned on {facts['train_questions']:,} questions (SQuAD's own training set has
87,599, which this project does not have), from an encoder pre-trained for under two hours on a CPU.

Only the SQuAD v1.1 development set exists here, so it was split by article: the first
{facts['train_articles']} articles ({facts['train_questions']:,} questions) trained it, and the last
{facts['held_out_articles']} ({held['questions']:,} questions: {', '.join(t.replace('_', ' ') for t in facts['held_out_titles'])}) were never seen
in training. These scores are on those articles, not on the official dev set.

| held-out articles | questions | exact match | F1 |
|---|---|---|---|
| all {facts['held_out_articles']} | {held['questions']:,} | **{held['exact_match']:.1f}** | **{held['f1']:.1f}** |
| their first {SAMPLE_PARAGRAPHS} paragraphs (`{SAMPLE_PATH}`) | {sample['questions']} | {sample['exact_match']:.1f} | {sample['f1']:.1f} |

`tests/test_shipped_models.py` re-measures the second row.

## Training
| | |
|---|---|
| training features | {facts['train_features']:,} windows of {facts['max_seq_length']} tokens (stride {facts['doc_stride']}) from {facts['train_questions']:,} questions |
| schedule | {facts['epochs']} epochs, batch {facts['batch_size']}, AdamW peak {facts['learning_rate']}, 10% warm-up, linear decay{', ' + facts['mixed_precision'] + ' mixed precision' if facts['mixed_precision'] else ''} |
| time | {facts['minutes']:.0f} minutes on 2 CPU cores |

The first question of each held-out article, as `albert-keras answer` answers it:

| article | question | answer (score) | reference answers |
|---|---|---|---|
{rows}

## Data and license
SQuAD v1.1 (Rajpurkar, Zhang, Lopyrev, Liang, EMNLP 2016), **CC BY-SA 4.0**, on Wikipedia
text; the weights derive from it and from `albert-tiny-en` (CC BY-SA 3.0) and are shared
under CC BY-SA 4.0.

## Reproduce
```
{facts['command']}
```
"""
    with open(os.path.join(output, "README.md"), "w", encoding="utf-8") as handle:
        handle.write(card)


def main(argv=None):
    args = build_parser().parse_args(argv)

    from albert_keras.pipelines import pipeline
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training.finetune import finetune

    os.makedirs(args.work, exist_ok=True)
    train, held_out = split_articles(args.squad, args.held_out_articles)
    files = {name: os.path.join(args.work, f"{name}.json") for name in ("train", "held_out",
                                                                           "sample")}
    write_json(files["train"], train)
    write_json(files["held_out"], held_out)
    write_json(files["sample"], sample_of(held_out))
    if args.write_test_sample:
        shutil.copy(files["sample"], SAMPLE_PATH)
    started = time.time()
    result = finetune("squad", args.work, model=args.model, train_file=files["train"],
                      dev_file=files["held_out"], epochs=args.epochs, batch_size=args.batch_size,
                      learning_rate=args.learning_rate, max_seq_length=args.max_seq_length,
                      doc_stride=args.doc_stride, mixed_precision=args.mixed_precision, verbose=2)
    minutes = (time.time() - started) / 60
    os.makedirs(args.output, exist_ok=True)
    for name in ("config.json", "model.safetensors"):
        shutil.copy(os.path.join(result["model_dir"], name), os.path.join(args.output, name))
    # The base model's tokenizer files, its model_max_length (positions trained) included.
    AlbertTokenizer.from_pretrained(args.model).save_pretrained(args.output)
    with open(os.path.join(args.work, "results.json"), encoding="utf-8") as handle:
        train_features = json.load(handle)["train_examples"]

    def questions(data):
        return sum(len(p["qas"]) for a in data["data"] for p in a["paragraphs"])

    with open(files["sample"], encoding="utf-8") as handle:
        sample = json.load(handle)
    qa = pipeline("question-answering", args.output)  # the shipped folder, loaded once
    facts = {
        "train_articles": len(train["data"]), "train_questions": questions(train),
        "held_out_articles": len(held_out["data"]),
        "held_out_titles": [a["title"] for a in held_out["data"]],
        "held_out": dict(result["metrics"], questions=questions(held_out)),
        "held_out_sample": dict(score(qa, files["sample"], args.max_seq_length,
                                      args.doc_stride), questions=questions(sample)),
        "train_features": train_features, "epochs": args.epochs,
        "batch_size": args.batch_size, "learning_rate": args.learning_rate,
        "max_seq_length": args.max_seq_length, "doc_stride": args.doc_stride,
        "mixed_precision": args.mixed_precision, "minutes": minutes,
        "examples": examples(qa, held_out), "command": command_line(args),
    }
    with open(os.path.join(args.output, "training_facts.json"), "w", encoding="utf-8") as handle:
        json.dump(facts, handle, indent=1)
    write_card(args.output, facts)
    print(json.dumps({k: facts[k] for k in ("held_out", "held_out_sample")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
