"""Reproduces `albert-tiny-en`, the pre-trained ALBERT shipped in `albert_keras/assets/`.

Every step uses this library's own code: a SentencePiece vocabulary trained on the corpus,
SOP + n-gram MLM examples (`albert_keras.data.pretraining`), LAMB pre-training
(`albert_keras.training.pretrain`), then a held-out evaluation and the model card.

    python scripts/train_albert_tiny.py --mixed-precision bfloat16 \
        --corpus ../shared/data/enwiki_extract/*.txt.gz --output albert_keras/assets/albert-tiny-en

(the defaults are the shipped model's settings, except the precision; its card has the exact
command: 18,000 LAMB steps in bfloat16 on every document of the corpus, each masked twice,
77 minutes of pre-training on 2 CPU cores with AVX512_BF16. Without that instruction set,
use `--xla` in float32 instead, about 1.4x slower: 0.29 s a step against 0.21 s, timed
without the held-out evaluation that runs every 100 steps.)

Every 40th document of the corpus is held out: the tokenizer and the model never see it,
and the card's MLM/SOP accuracy and fill-mask examples come from it. Stages whose
outputs already exist under `--work` are skipped, so a killed run picks up where it
stopped (pre-training itself resumes from its backup).
"""

import argparse
import json
import math
import os
import shutil
import time

import numpy as np

HELD_OUT_EVERY = 40
CARD_EXAMPLES = 8  # fill-mask rows shown on the card
# Hand-written sentences (in no corpus document) that show a newcomer what the model does.
PROBES = ("The capital of France is [MASK].",
          "He studied law at the [MASK] of Oxford.",
          "The church was built in the 12th [MASK].",
          "The film was released in [MASK] 2015.",
          "The river flows into the [MASK] Sea.",
          "He was born in [MASK] and grew up in Chicago.",
          "The album was recorded in a [MASK] in London.",
          "She played for the national football [MASK].")
ARCHITECTURE = {"embedding_size": 128, "hidden_size": 256, "num_attention_heads": 4,
                "intermediate_size": 1024, "num_hidden_layers": 4, "num_hidden_groups": 1,
                "inner_group_num": 1, "max_position_embeddings": 512,
                "hidden_act": "gelu_new", "hidden_dropout_prob": 0.0,
                "attention_probs_dropout_prob": 0.0, "classifier_dropout_prob": 0.1}


def split_documents(corpus, max_documents):
    """(train, held_out) lists of documents; every HELD_OUT_EVERY-th one is held out."""
    from albert_keras.data.pretraining import read_documents

    train, held_out = [], []
    for i, document in enumerate(read_documents(corpus)):
        if max_documents and i >= max_documents:
            break
        (held_out if i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1 else train).append(document)
    return train, held_out


def train_vocabulary(documents, path, vocab_size, sentences):
    """The ALBERT SentencePiece recipe (`training.tiny.ALBERT_SPM_ARGS`) on a sample of the corpus."""
    from albert_keras.training.tiny import train_sentencepiece

    texts = [s for d in documents for s in d]
    rng = np.random.default_rng(0)
    if len(texts) > sentences:
        texts = [texts[i] for i in sorted(rng.choice(len(texts), sentences, replace=False))]
    return train_sentencepiece(texts, path, vocab_size=vocab_size)


def stage(work, name):
    """True when `name`'s marker file is missing (the stage still has to run)."""
    return not os.path.exists(os.path.join(work, f".{name}.done"))


def mark(work, name, payload=None):
    with open(os.path.join(work, f".{name}.done"), "w", encoding="utf-8") as handle:
        json.dump(payload or {}, handle)


def read_mark(work, name):
    with open(os.path.join(work, f".{name}.done"), encoding="utf-8") as handle:
        return json.load(handle)


def tile_trained_positions(model_dir, output, trained):
    """Copies `model_dir` to `output` with rows `trained:` of the position table replaced by
    repeats of the first `trained` rows (as Longformer extended RoBERTa's 512 positions), so a
    longer second stage starts from learned positions instead of random ones."""
    from safetensors.numpy import load_file, save_file

    shutil.rmtree(output, ignore_errors=True)
    shutil.copytree(model_dir, output)
    path = os.path.join(output, "model.safetensors")
    weights = load_file(path)
    name = "albert.embeddings.position_embeddings.weight"
    table = weights[name]
    weights[name] = np.resize(table[:trained], table.shape).astype(table.dtype)
    save_file(weights, path, metadata={"format": "pt"})


def fill_mask_study(fill, documents, count=200, seed=1):
    """Held-out sentences with one word masked, `fill`'s top 5 for each, and hit rates.

    The masked word is one the vocabulary holds as a single piece, so a single `[MASK]`
    can name it. Returns `{"examples": rows, "top1": share, "top5": share,
    "word_like_first": share}`: how often the word is the first choice, is in the top 5,
    and how often the first choice is itself `word_like`.
    """
    rng = np.random.default_rng(seed)
    sentences = [s for d in documents for s in d if 40 <= len(s) <= 110 and s[-1] == "."]
    masked, answers = [], []
    for index in rng.choice(len(sentences), min(4 * count, len(sentences)), replace=False):
        words = sentences[index].split()
        candidates = [i for i, w in enumerate(words[1:-1], 1) if word_like(w)
                      and len(fill.tokenizer.tokenize(w)) == 1]
        if not candidates:
            continue
        position = int(rng.choice(candidates))
        masked.append(" ".join(words[:position] + ["[MASK]"] + words[position + 1:]))
        answers.append(words[position].lower())
        if len(masked) == count:
            break
    if not masked:
        raise ValueError("no held-out sentence of 40-110 characters ending in '.' has a word "
                         "to mask; hold out more documents")
    rows = [{"text": text, "answer": answer,
             "top5": [(r["token_str"], round(r["score"], 3)) for r in top]}
            for text, answer, top in zip(masked, answers, fill(masked, top_k=5))]
    tops = [[t for t, _ in r["top5"]] for r in rows]
    return {"examples": rows,
            "top1": float(np.mean([t[0] == r["answer"] for t, r in zip(tops, rows)])),
            "top5": float(np.mean([r["answer"] in t for t, r in zip(tops, rows)])),
            "word_like_first": float(np.mean([word_like(t[0]) for t in tops]))}


def word_like(token):
    """True for a token that passes the filter the masked words pass (alphabetic, > 3 letters)."""
    return token.isalpha() and len(token) > 3


def probe(fill):
    """The model's top 5 for each of PROBES."""
    return [{"text": text, "top5": [(r["token_str"], round(r["score"], 3)) for r in top]}
            for text, top in zip(PROBES, fill(list(PROBES), top_k=5))]


def fill_mask_facts(study):
    """The study as the facts keep it: every row (tests re-measure them) and the hit rates."""
    return {"fill_mask_examples": study["examples"],
            "fill_mask_hits": {"sentences": len(study["examples"]), "top1": study["top1"],
                               "top5": study["top5"],
                               "word_like_first": study["word_like_first"]}}


TEST_SAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests",
                           "data", "enwiki_heldout_sample.txt")


def held_out_masked_tokens(model_dir, documents, trained, limit=3000):
    """Masked-token accuracy on held-out sentences beside the best context-free guess.

    Sentences that also occur in a training document (section headings such as "Club
    career." and other boilerplate repeat across Wikipedia articles) are left out.
    """
    from albert_keras import AlbertForMaskedLM
    from albert_keras.metrics import masked_token_accuracy
    from albert_keras.tokenization import AlbertTokenizer

    model = AlbertForMaskedLM.from_pretrained(model_dir)
    tokenizer = AlbertTokenizer.from_pretrained(model_dir)
    seen = {s for d in trained for s in d}
    sentences = [s for d in documents for s in d if s.strip() and s not in seen][:limit]
    accuracy, constant = masked_token_accuracy(model, tokenizer, sentences)
    with open(TEST_SAMPLE, encoding="utf-8") as handle:  # what tests/test_shipped_models.py re-measures
        sample = [s for s in handle.read().splitlines() if s.strip()]
    sample_accuracy, sample_constant = masked_token_accuracy(model, tokenizer, sample)
    return {"sentences": len(sentences), "accuracy": float(accuracy),
            "constant_guess": float(constant),
            "test_sample": {"sentences": len(sample), "accuracy": float(sample_accuracy),
                            "constant_guess": float(sample_constant)}}


def limitation_note(facts):
    """What the model cannot do yet, in words the measurements support."""
    masked = facts["held_out_masked_tokens"]
    examples, hits = facts["fill_mask_examples"][:CARD_EXAMPLES], facts["fill_mask_hits"]
    firsts = sorted({r["top5"][0][0] for r in examples})
    if masked["accuracy"] <= masked["constant_guess"] + 0.01:
        note = (
            "**Limitation: no context learned yet.** After this short run the model predicts "
            f"the corpus' most frequent tokens ({', '.join(firsts)}) whatever the sentence: its "
            "held-out masked-token accuracy is that of a context-free frequency guess (the "
            "unigram plateau of early MLM training). It ships so that the pipelines, commands "
            "and exports run offline on real trained weights; contextual predictions need a "
            "longer run of the command below (more `--steps`).")
    else:
        note = (
            "**Limitation: it reads the context, but knows few facts.** On single tokens masked "
            f"in held-out sentences it is right {masked['accuracy']:.1%} of the time, "
            f"{masked['accuracy'] / masked['constant_guess']:.1f}x the best guess that ignores "
            f"context ({masked['constant_guess']:.1%}). With one word masked in "
            f"{hits['sentences']} held-out sentences, the word is its first choice "
            f"{hits['top1']:.0%} of the time and in its top 5 {hits['top5']:.0%}, and its first "
            f"choice is a content word like the masked one {hits['word_like_first']:.0%} of the "
            "time. The tables "
            "below show both sides: it often fills in the kind of word a sentence needs, and "
            "rarely a name or a fact. A teaching model, not a useful language model.")
    trained = facts.get("trained_positions", facts["max_seq_length"])
    table = facts["architecture"]["max_position_embeddings"]
    if trained < table:
        copied = trained > facts["max_seq_length"]
        note += (f"\n\nIt was pre-trained on sequences of at most {trained} tokens: positions "
                 f"{trained}-{table - 1} of its position table were never trained"
                 f"{' (they hold copies of the first rows)' if copied else ''}, so text longer "
                 f"than {trained} tokens is outside what it learned.")
    return note + "\n"


def second_stage(facts):
    """The card's words for a second pre-training stage, if the run had one."""
    if len(facts.get("stages", [])) < 2:
        return ""
    first, second = facts["stages"][:2]
    longer = second.get("max_seq_length", first.get("max_seq_length"))
    longer = "" if longer == first.get("max_seq_length") else (
        f" on {longer}-token sequences (every training document masked once more, "
        f"{second['train_examples']:,} examples; the position rows the first stage never "
        f"trained started as copies of the first {first['max_seq_length']}, as Longformer "
        "extended RoBERTa's positions)")
    return (f" (held-out MLM accuracy {first['eval_after']['mlm_accuracy']:.3f}, "
            f"{first['seconds'] / 60:.0f} minutes), then {second['steps']} more steps from those "
            f"weights{longer}, peak {second['learning_rate']} with a new warm-up and decay "
            f"({second['seconds'] / 60:.0f} minutes)")


def dupes(facts):
    """The card's words for documents masked more than once."""
    times = facts.get("dupe_factor", 1)
    return f" (each document masked {times} times, differently)" if times > 1 else ""


def precision(facts):
    """The card's words for a mixed-precision run."""
    kind = facts.get("mixed_precision")
    return f", {kind} mixed precision with float32 weights" if kind else ""


def top5_cell(top5):
    """A table cell of (token, score) pairs: `university (0.87), college (0.02), ...`."""
    return ", ".join(f"{token} ({score:.2f})" for token, score in top5)


def evaluation_table(facts):
    """Held-out MLM / SOP before training and after each stage (a column per stage when the
    stages ran on different sequence lengths, each scored on examples of its own length)."""
    columns = [("before training", facts["eval_before"])]
    stages = facts.get("stages", [])
    if len({s.get("max_seq_length") for s in stages}) > 1:
        columns += [(f"after stage {i} ({s['max_seq_length']}-token examples)", s["eval_after"])
                    for i, s in enumerate(stages, 1)]
    else:
        columns.append(("after training", facts["eval_after"]))
    rows = [f"| | {' | '.join(name for name, _ in columns)} |",
            "|---" * (len(columns) + 1) + "|"]
    for label, key in (("MLM accuracy", "mlm_accuracy"), ("MLM loss", "mlm_loss"),
                       ("SOP accuracy", "sop_accuracy")):
        rows.append(f"| {label} | {' | '.join(f'{e[key]:.3f}' for _, e in columns)} |")
    return "\n".join(rows)


def write_card(output, facts):
    """The model card (README.md) from the measured facts."""
    examples = "\n".join(
        f"| {r['text']} | {r['answer']} | {top5_cell(r['top5'])} |"
        for r in facts["fill_mask_examples"][:CARD_EXAMPLES])
    probes = "\n".join(f"| {r['text']} | {top5_cell(r['top5'])} |"
                       for r in facts.get("probes", []))
    arch = facts["architecture"]
    masked = facts["held_out_masked_tokens"]
    card = f"""# albert-tiny-en

A small English ALBERT pre-trained from scratch by albert-keras' own pipeline, so that the
library's examples, tests and main job run on a real model with no network. It is a
teaching and smoke-test model, far weaker than `albert-base-v2`: use it to see the whole
story work, not for production accuracy.

{limitation_note(facts)}
## Model
| | |
|---|---|
| architecture | ALBERT (factorized embedding, one shared layer group) |
| embedding / hidden / intermediate | {arch['embedding_size']} / {arch['hidden_size']} / {arch['intermediate_size']} |
| attention heads | {arch['num_attention_heads']} |
| layer applications | {arch['num_hidden_layers']} (all share one layer's weights) |
| vocabulary | {facts['vocab_size']} SentencePiece unigram pieces, lower-cased, trained on the same corpus |
| parameters | {facts['parameters']:,} ({facts['weights_mb']:.1f} MB float32 safetensors, MLM + SOP heads included) |

## Data
English Wikipedia prose: one whole dump part (page ids 56,564,557-57,025,637, text of a 2021
dump, cleaned by WikiExtractor; see `../shared/data/enwiki_extract/SOURCE.md`), text
**CC BY-SA 3.0, Wikipedia contributors**. {facts['train_documents']:,} documents trained on;
every {HELD_OUT_EVERY}th document ({facts['held_out_documents']:,}) held out and never seen by the
tokenizer or the model. The weights are a derived work of that text; the card and weights are
shared under CC BY-SA 3.0 as well.

## Training
SOP + n-gram MLM examples as in the ALBERT paper ({facts.get('masked_lm_prob', 0.15):.0%} of tokens, n <= 3, whole words), sequence
length {facts['max_seq_length']}, {facts['train_examples']:,} training examples{dupes(facts)}; {facts['optimizer'].upper()}, peak learning rate
{facts['learning_rate']}, batch {facts['batch_size']}, {facts['steps']} steps with 10% warm-up and linear decay{second_stage(facts)};
{facts['train_minutes']:.0f} minutes on 2 CPU cores (TensorFlow 2.21, albert-keras{precision(facts)}).

## Held-out evaluation ({facts['eval_examples']:,} examples from held-out documents)
{evaluation_table(facts)}

These mask whole-word n-grams as in training. On single tokens (15%) masked at random in
{masked['sentences']:,} held-out sentences that no training document contains
(`albert_keras.metrics.masked_token_accuracy`), the
model is right **{masked['accuracy']:.3f}** of the time; the best context-free guess (always the
most frequent masked token) would be right {masked['constant_guess']:.3f}.

Fill-mask on held-out sentences, one word masked (a word of more than 3 letters that the
vocabulary holds as one piece): over {facts['fill_mask_hits']['sentences']} such sentences the word is the model's
first choice **{facts['fill_mask_hits']['top1']:.1%}** of the time and in its top 5
**{facts['fill_mask_hits']['top5']:.1%}**, and its first choice passes the filter the masked words pass
(alphabetic, more than 3 letters: a content word rather than "the", "of" or ",")
{facts['fill_mask_hits'].get('word_like_first', 0):.1%} of the time. The first {CARD_EXAMPLES}, with the model's top 5 and scores:

| text | masked word | top 5 |
|---|---|---|
{examples}

Hand-written sentences (what `albert-keras fill-mask "..."` prints, top 5):

| text | top 5 |
|---|---|
{probes}

## Reproduce
```
{facts['command']}
```
"""
    with open(os.path.join(output, "README.md"), "w", encoding="utf-8") as handle:
        handle.write(card)


def command_line(args):
    """The command that reproduces this run (flags as typed; `--work` is only a cache)."""
    parts = ["python scripts/train_albert_tiny.py"]
    for key, value in sorted(vars(args).items()):
        flag = "--" + key.replace("_", "-")
        if key == "work" or value is False or value is None or (key.startswith("continue_")
                                                 and not args.continue_steps):
            continue
        parts.append(flag if value is True else
                     f"{flag} {' '.join(value) if isinstance(value, list) else value}")
    return " ".join(parts)


def build_parser():
    """The command-line flags (the model card's reproduce command is parsed by them)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", nargs="+",
                        default=["../shared/data/enwiki_extract/*.txt.gz"])
    parser.add_argument("--output", default="albert_keras/assets/albert-tiny-en")
    parser.add_argument("--work", default="/tmp/albert-tiny-en-work")
    parser.add_argument("--vocab-size", type=int, default=8000)
    parser.add_argument("--spm-sentences", type=int, default=300000)
    parser.add_argument("--max-documents", type=int, default=0,
                        help="read only the first N documents (0: all)")
    parser.add_argument("--max-seq-length", type=int, default=64)
    parser.add_argument("--masked-lm-prob", type=float, default=0.2,
                        help="share of each sequence's tokens masked and predicted")
    parser.add_argument("--dupe-factor", type=int, default=2,
                        help="times each training document is masked, each time differently")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=18000)
    parser.add_argument("--learning-rate", type=float, default=0.005)
    parser.add_argument("--continue-steps", type=int, default=0,
                        help="a second stage: this many more steps from the first stage's "
                             "weights, with a new warm-up and decay")
    parser.add_argument("--continue-learning-rate", type=float, default=0.003,
                        help="the second stage's peak learning rate")
    parser.add_argument("--continue-max-seq-length", type=int,
                        help="the second stage's sequence length (default: --max-seq-length); "
                             "longer sequences get their own shards, and the position rows the "
                             "first stage never trained start as copies of those it did")
    parser.add_argument("--eval-steps", type=int, default=30)
    parser.add_argument("--optimizer", choices=["lamb", "adamw"], default="lamb")
    parser.add_argument("--xla", action="store_true", help="XLA-compile the training step")
    parser.add_argument("--mixed-precision", choices=["bfloat16", "float16"],
                        help="compute in this type, keep float32 weights (bfloat16 is 1.4x "
                             "faster than float32 XLA on a CPU with AVX512_BF16)")
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)

    from albert_keras import AlbertConfig
    from albert_keras.data.pretraining import write_pretraining_shards
    from albert_keras.pipelines import pipeline
    from albert_keras.tokenization import AlbertTokenizer
    from albert_keras.training.pretrain import pretrain

    os.makedirs(args.work, exist_ok=True)
    spiece = os.path.join(args.work, "spiece.model")
    train_docs, held_docs = split_documents(args.corpus, args.max_documents)
    print(f"{len(train_docs)} training documents, {len(held_docs)} held out")
    if stage(args.work, "vocabulary"):
        started = time.time()
        train_vocabulary(train_docs, spiece, args.vocab_size, args.spm_sentences)
        mark(args.work, "vocabulary", {"seconds": time.time() - started})
    tokenizer = AlbertTokenizer(spiece)
    long_length = args.continue_max_seq_length or args.max_seq_length
    lengths = sorted({args.max_seq_length, long_length if args.continue_steps else 0} - {0})

    def shard_stage(name, length):
        """`shards-train`, `shards-held_out` (first stage), `shards-train-384`, ..."""
        return f"shards-{name}" + ("" if length == args.max_seq_length else f"-{length}")

    def shards(name, length):
        """The shards of `name` ("train" or "held_out") at `length` tokens (written once)."""
        folder = os.path.join(args.work, shard_stage(name, length))
        if stage(args.work, shard_stage(name, length)):
            first = length == args.max_seq_length
            manifest = write_pretraining_shards(
                train_docs if name == "train" else held_docs, tokenizer, folder,
                max_seq_length=length, masked_lm_prob=args.masked_lm_prob,
                max_predictions_per_seq=max(20, math.ceil(args.masked_lm_prob * length)),
                dupe_factor=args.dupe_factor if name == "train" and first else 1,
                seed=0 if name == "train" else 1, examples_per_shard=10000)
            mark(args.work, shard_stage(name, length), manifest)
        count = read_mark(args.work, shard_stage(name, length))["num_examples"]
        print(f"{name}, {length} tokens: {count} examples")
        return folder

    shard_folders = {(n, length): shards(n, length) for length in lengths
                     for n in ("train", "held_out")}
    config = AlbertConfig(vocab_size=tokenizer.vocab_size, **ARCHITECTURE)
    first_model = os.path.join(args.work, "run", "model")
    stages = [("pretrain", "run", args.steps, args.learning_rate, 0, None, args.max_seq_length)]
    if args.continue_steps:
        init_from = first_model
        if long_length > args.max_seq_length:
            init_from = os.path.join(args.work, f"run-positions-{long_length}")
        stages.append(("pretrain-2", "run2", args.continue_steps, args.continue_learning_rate,
                       1, init_from, long_length))
    for name, run, steps, learning_rate, seed, init_from, length in stages:
        if stage(args.work, name):
            if init_from and init_from != first_model:
                tile_trained_positions(first_model, init_from, args.max_seq_length)
            result = pretrain(os.path.join(shard_folders["train", length], "*.tfrecord"),
                              os.path.join(args.work, run), config, steps=steps,
                              batch_size=args.batch_size, max_seq_length=length,
                              learning_rate=learning_rate, steps_per_epoch=100,
                              optimizer=args.optimizer, seed=seed, init_from=init_from,
                              jit_compile=True if args.xla else "auto",
                              mixed_precision=args.mixed_precision,
                              eval_files=os.path.join(shard_folders["held_out", length],
                                                      "*.tfrecord"),
                              eval_steps=args.eval_steps, verbose=2)
            mark(args.work, name, {"seconds": result["train_seconds"],
                                   "eval_before": result["eval_before"],
                                   "eval_after": result["eval_after"]})
    runs = [dict(read_mark(args.work, name), steps=steps, learning_rate=learning_rate,
                 max_seq_length=length,
                 train_examples=read_mark(args.work, shard_stage("train", length))["num_examples"])
            for name, _, steps, learning_rate, _, _, length in stages]
    model_dir = os.path.join(args.work, stages[-1][1], "model")
    trained_positions = stages[-1][-1]
    os.makedirs(args.output, exist_ok=True)
    for name in ("config.json", "model.safetensors"):
        shutil.copy(os.path.join(model_dir, name), os.path.join(args.output, name))
    # model_max_length: the pipelines feed no more tokens than the positions trained.
    AlbertTokenizer(spiece, model_max_length=trained_positions).save_pretrained(args.output)
    weights = os.path.getsize(os.path.join(args.output, "model.safetensors"))
    fill = pipeline("fill-mask", args.output, batch_size=64)
    facts = {
        "architecture": ARCHITECTURE, "vocab_size": tokenizer.vocab_size,
        "parameters": weights // 4, "weights_mb": weights / 2**20,
        "train_documents": len(train_docs), "held_out_documents": len(held_docs),
        "max_seq_length": args.max_seq_length, "masked_lm_prob": args.masked_lm_prob,
        "dupe_factor": args.dupe_factor,
        "train_examples": read_mark(args.work, "shards-train")["num_examples"],
        "eval_examples": args.eval_steps * args.batch_size,
        "optimizer": args.optimizer, "xla": args.xla, "mixed_precision": args.mixed_precision,
        "learning_rate": args.learning_rate, "batch_size": args.batch_size, "steps": args.steps,
        "stages": [{k: r[k] for k in ("steps", "learning_rate", "max_seq_length",
                                      "train_examples", "seconds", "eval_after")}
                   for r in runs],
        "trained_positions": trained_positions,
        "train_minutes": sum(r["seconds"] for r in runs) / 60,
        "eval_before": runs[0]["eval_before"], "eval_after": runs[-1]["eval_after"],
        **fill_mask_facts(fill_mask_study(fill, held_docs)),
        "probes": probe(fill),
        "held_out_masked_tokens": held_out_masked_tokens(args.output, held_docs, train_docs),
        "command": command_line(args),
    }
    with open(os.path.join(args.output, "training_facts.json"), "w", encoding="utf-8") as handle:
        json.dump(facts, handle, indent=1)
    write_card(args.output, facts)
    print(json.dumps({k: facts[k] for k in ("eval_before", "eval_after")}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
