"""The `fill-mask`, `classify` and `answer` subcommands: a pipeline on text from the command line.

With no `--model` each uses the model shipped inside the package (`albert_keras.shipped`),
so they run offline on a fresh machine, on LiteRT from the model's shipped float32 file
(same labels and scores as the Keras model; TensorFlow is never imported). `--model` takes
any hub name or hub-layout folder (run as a Keras model), or an exported SavedModel folder
or `.tflite` file (`albert-keras export ...`).

    albert-keras fill-mask "The capital of France is [MASK]."
    albert-keras classify "a gripping, beautifully acted film" "a dull mess"
    albert-keras answer "Who wrote it?" "The novel was written by Ada Lovelace in 1843."
    albert-keras classify --model out/albert-text-classification-float32.tflite "a dull mess"
    albert-keras classify --dtype bfloat16 "a dull mess"   # the Keras model in bfloat16
"""

import json
import os
import sys

from albert_keras import hub
from albert_keras.pipelines import TASKS, TFLiteRuntime, pipeline
from albert_keras.pipelines.base import shorten
from albert_keras.shipped import default_model, litert_path

COMMANDS = {
    "fill-mask": ("fill-mask", "predict the [MASK] tokens of each TEXT (top-k tokens and scores)"),
    "classify": ("text-classification", "classify each TEXT (label and score)"),
    "answer": ("question-answering", "answer QUESTION from CONTEXT (text, score, character span)"),
}


def add_parsers(subparsers, parents=()):
    """Adds the pipeline subcommands to an argparse subparsers object."""
    for name, (task, help_text) in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text,
                                    parents=list(parents))
        if name == "answer":
            sub.add_argument("question", metavar="QUESTION")
            sub.add_argument("context", metavar="CONTEXT")
        else:
            sub.add_argument("texts", metavar="TEXT", nargs="+")
        sub.add_argument("--model", help="hub name, hub-layout folder, exported SavedModel "
                         "folder or .tflite file; default: the shipped model for the task")
        sub.add_argument("--top-k", type=_positive, default=5 if name == "fill-mask" else 1,
                         help="answers to print per input")
        sub.add_argument("--dtype", choices=("float32", "bfloat16"), default="float32",
                         help="compute precision of the Keras model; bfloat16 is fast on CPUs "
                         "with AVX512_BF16 or AMX (an exported artifact keeps its own)")
        sub.add_argument("--json", action="store_true", help="print the raw results as JSON")
        sub.set_defaults(run=run, command=name, task=task)


def _positive(text):
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


_positive.__name__ = "positive integer"  # argparse names the type in its message


def _text(argument):
    """A command-line argument as text: bytes that are not UTF-8 become U+FFFD, as the
    exported models read them, with a warning."""
    raw = os.fsencode(argument)
    text = raw.decode("utf-8", "replace")
    if text != argument:
        print(f"warning: {shorten(text)} is not valid UTF-8; the bytes that are not were read "
              "as U+FFFD", file=sys.stderr)
    return text


def _load(args):
    """(the model's name for the header, the pipeline): the shipped LiteRT file of a shipped
    name exported for this task, else whatever `--model` names."""
    model = args.model or default_model(args.task)
    fast = litert_path(model) if hub.locate(model).kind == "shipped" else None
    if fast is not None and args.dtype == "float32":  # the shipped file is float32
        runtime = TFLiteRuntime(fast)
        if TASKS.get(runtime.task, (None, None))[1] == TASKS[args.task][1]:
            return model, pipeline(args.task, runtime)
    return model, pipeline(args.task, model, dtype=args.dtype)


def run(args):
    """Runs the pipeline on the arguments and prints one block per input; returns 0."""
    model, pipe = _load(args)
    if args.command == "answer":
        question, context = _text(args.question), _text(args.context)
        results = [pipe(question=question, context=context, top_k=args.top_k)]
        inputs = [question]
    else:
        inputs = [_text(text) for text in args.texts]
        results = [pipe(text, top_k=args.top_k) for text in inputs]
    if args.json:
        print(json.dumps(results, indent=1, default=float))
        return 0
    print(f"model: {model}")
    for text, result in zip(inputs, results):
        print(f"\n{text}")
        for line in _format(args.command, result):
            print(f"  {line}")
    return 0


def _format(command, result):
    rows = result if isinstance(result, list) else [result]
    if command == "fill-mask":
        if rows and isinstance(rows[0], list):  # several [MASK]s: one list each
            for i, group in enumerate(rows, 1):
                yield f"[MASK] {i}:"
                yield from (f"  {r['score']:.3f}  {r['token_str']}" for r in group)
            return
        yield from (f"{r['score']:.3f}  {r['token_str']}" for r in rows)
    elif command == "classify":
        yield from (f"{r['label']}  {r['score']:.3f}" for r in rows)
    else:
        yield from (f"{r['answer']!r}  score {r['score']:.3f}  chars {r['start']}-{r['end']}"
                    for r in rows)
