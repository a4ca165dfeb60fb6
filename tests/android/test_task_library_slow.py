"""Our exported .tflite files in the TFLite Task Library's native code, as the Android app runs them (slow).

`albert_keras.export.export_tflite` writes the shipped SST-2 classifier and a question-answering
model; each file is loaded by tflite-support 0.4.4's `BertNLClassifier` / `BertQuestionAnswerer`
(the C++ that org.tensorflow:tensorflow-lite-task-text:0.4.4 runs on a phone) in its own
virtualenv (android_demo/tools/setup_task_library_venv.sh), and compared with our Keras pipeline.

The question-answering model is the shipped albert-tiny-en-squad, compared on the questions of
the 8 SQuAD articles it never trained on (tests/data/squad_v1.1/heldout_sample.json), with
their reference answers, so that both runtimes' F1 is measured too.

Measured here (2026-11-23, SST-2 dev, SQuAD sample of tests/data):
- Dynamic-range files with TF 2.21's default per-channel int8 dense weights (FULLY_CONNECTED
  version 12) are refused by the Task Library 0.4.4 runtime; albert_keras/export/quantization.py writes them
  per tensor (version 9), and every file exported here is checked against
  `place_models.TASK_LIBRARY_MAX_VERSIONS`. int16x8 files fail AllocateTensors() there (not tested).
- Classifier (2026-12-05, #26): the packed task_library_spiece.model makes the Task Library
  tokenize all 872 SST-2 dev sentences as AlbertTokenizer does (before: 20 differed, quotes and
  accents); float32 probabilities equal the Keras pipeline's to 1.2e-6, labels 1.000.
- Question answering (2026-12-05, with task_library_spiece.model): float32 answers equal the
  pipeline's on 0.887 of the 124 held-out questions (0.710 before), F1 18.0 against 17.2.
- Question answering (2026-11-24, albert-tiny-en-squad, 124 held-out questions): the Task
  Library answers exactly what its own rule gives on the Keras model's logits
  (tests/android/task_library_reference.py: same token span and logit sum in float32; 0.935 of
  the answers in dynamic range), so the file, its metadata and the tokenizer inside are read as
  exported. Against our question-answering pipeline the answer texts agree on 0.710 of the
  questions (float32; 0.677 dynamic range), and F1 against the reference answers is 15.8
  (float32) and 16.5 (dynamic) in the Task Library against 17.2 in the pipeline. The two decode
  differently (the Task Library ranks the 5 best starts x 5 best ends by logit sum with spans
  up to 32 tokens, and answers whole space-separated words, punctuation included; the pipeline
  ranks p(start) * p(end) over all spans up to max_answer_len), and tokenize differently (the
  Task Library splits the context on spaces, encodes word by word, and truncates it after
  384 tokens where the pipeline slides windows).
"""

import csv
import json
import os
import shutil
import subprocess

import numpy as np
import pytest

from albert_keras import export, pipeline
from albert_keras.export import metadata
from albert_keras.shipped import shipped_path
from albert_keras.tokenization import AlbertTokenizer
from albert_keras.tokenization.task_library_spiece import task_library_model_proto
from tests.android import task_library_reference as ref
from tests.android.conftest import ANDROID_DEMO, ROOT, load_script

pytestmark = pytest.mark.slow
DATA = os.path.join(ROOT, "tests", "data")
SETUP = os.path.join(ANDROID_DEMO, "tools", "setup_task_library_venv.sh")
RUNNER = os.path.join(ANDROID_DEMO, "tools", "task_library_run.py")
CLASSIFIER_LENGTH = 128  # the CLI default, as the README exports it
CLASSIFIER_MODES = ("float32", "float16", "dynamic")
QA_MODES = ("float32", "dynamic")
QA_PAIRS = 100
QUANTIZED_SENTENCES = 300
# Bounds on |Task Library probability - Keras pipeline probability| where both tokenize alike.
# The quantized modes differ by their quantization error, which the export measures too: for
# dynamic range, 3.3e-2 on the shipped classifier in the Task Library here and 3.6e-2 in LiteRT in
# the export's report (tests/export/test_shipped_classifier_slow.py; the classifier shipped
# before, 7.6e-2 in both).
SCORE_ATOL = {"float32": 1e-5, "float16": 5e-3, "dynamic": 0.1}
# Share of equal labels over all sentences.
MIN_LABEL_AGREEMENT = {"float32": 0.985, "float16": 0.985, "dynamic": 0.97}
# Share of questions where the Task Library's answer equals its rule on the Keras logits.
MIN_RULE_AGREEMENT = {"float32": 1.0, "dynamic": 0.9}
# Share of held-out questions where the Task Library's answer text equals our pipeline's:
# measured 0.710 (float32) and 0.677 (dynamic) with albert-tiny-en-squad (0.57 and 0.53 with
# the untrained head used before it shipped); the causes are in the module doc.
# What the 14 float32 differences left with #26 come from (the Task Library's features equal the
# pipeline's on all 124): on 8, its 5 best starts x 5 best ends miss the best span (the file can
# only help by rewriting its logits: pushing the non-context ones down wins one, and loses the
# [CLS] null score a pipeline on the file reads; raising the best span's two logits wins all 8);
# on 6 the pipeline ranks spans otherwise (it widens them to words, adds equal answers' scores).
MIN_PIPELINE_AGREEMENT = {"float32": 0.85, "dynamic": 0.8}  # with #26: 0.887, 0.871 measured
# F1 points the Task Library's answers may lose to our pipeline's on the same questions:
# measured 17.2 (pipeline) against 15.8 (float32) and 16.5 (dynamic); one of the 124
# questions is worth 0.8 points.
MAX_F1_DROP = {"float32": 4.0, "dynamic": 4.0}
# Measured: rule agreement 1.00 (float32; same token span and logit sum), 0.935 (dynamic).


@pytest.fixture(scope="module")
def task_library(tmp_path_factory):
    """run(job) -> result dict, in the tflite-support venv (made by the setup script if missing)."""
    setup = subprocess.run(["bash", SETUP], capture_output=True, text=True, timeout=900,
                           check=False)
    if setup.returncode != 0:
        pytest.fail(f"{SETUP} failed:\n{setup.stderr[-3000:]}")
    python = setup.stdout.strip().splitlines()[-1]
    folder = tmp_path_factory.mktemp("task_library_jobs")

    def run(job):
        path, out = folder / "job.json", folder / "result.json"
        path.write_text(json.dumps(job), encoding="utf-8")
        done = subprocess.run([python, RUNNER, str(path), str(out)], capture_output=True,
                              text=True, timeout=1200, check=False)
        assert done.returncode in (0, 3), done.stderr[-3000:]
        return json.loads(out.read_text(encoding="utf-8"))

    return run


def _task_library_sp(tokenizer):
    """The SentencePiece model the Task Library runs: the export's task_library_spiece.model."""
    import sentencepiece as spm

    proto = metadata.tokenizer_files(tokenizer)[metadata.TASK_LIBRARY_SPIECE_FILE]
    return spm.SentencePieceProcessor(model_proto=proto)


def _sst2_dev():
    with open(os.path.join(DATA, "sst2", "dev.tsv"), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["text"] for r in rows]


def _accented_sentences():
    """The 2,500 Wikipedia sentences with accents and quotes (tests/data/SOURCE.md)."""
    with open(os.path.join(DATA, "enwiki_accents_sample.txt"), encoding="utf-8") as handle:
        return handle.read().splitlines()


def _squad_pairs():
    """(question, context) of the SQuAD sample of all 48 dev articles (export calibration)."""
    pairs = []
    with open(os.path.join(DATA, "squad_dev_sample.jsonl"), encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            pairs.extend((qa["question"], row["context"]) for qa in row["qas"])
    return pairs


def _held_out_questions():
    """[(question, context, reference answers)]: the first paragraphs of the 8 SQuAD articles
    albert-tiny-en-squad never trained on (its card scores the same file)."""
    with open(os.path.join(DATA, "squad_v1.1", "heldout_sample.json"), encoding="utf-8") as f:
        articles = json.load(f)["data"]
    return [(qa["question"], paragraph["context"], [a["text"] for a in qa["answers"]])
            for article in articles for paragraph in article["paragraphs"]
            for qa in paragraph["qas"]]


def _export(model_dir, out, task, modes, length, texts):
    """Exports every mode; returns {mode: .tflite path}, each checked to use no operator
    version newer than the Task Library 0.4.4 runtime runs (`TASK_LIBRARY_MAX_VERSIONS`)."""
    place = load_script("place_models")
    export.export_tflite(model_dir, out, task, quantize=list(modes), sequence_length=length,
                         texts=texts, latency_runs=2)
    files = {}
    for mode in modes:
        files[mode] = _tflite(out, task, mode)
        with open(files[mode], "rb") as handle:
            versions = place.operator_versions(handle.read())
        too_new = {op: v for op, v in versions.items()
                   if v > place.TASK_LIBRARY_MAX_VERSIONS.get(op, v)}
        assert not too_new, f"{files[mode]}: operators newer than the Task Library's: {too_new}"
    return files


@pytest.fixture(scope="module")
def classifier_export(tmp_path_factory):
    """(model folder, export folder, {mode: .tflite path}): the shipped SST-2 classifier."""
    model_dir = shipped_path("albert-tiny-en-sst2")
    out = str(tmp_path_factory.mktemp("classifier_export"))
    files = _export(model_dir, out, "text-classification", CLASSIFIER_MODES, CLASSIFIER_LENGTH,
                    _sst2_dev()[:32])
    return model_dir, out, files


@pytest.fixture(scope="module")
def qa_export(tmp_path_factory):
    """(model folder, export folder, {mode: .tflite path}) of albert-tiny-en-squad at 384 tokens."""
    model_dir = shipped_path("albert-tiny-en-squad")
    out = str(tmp_path_factory.mktemp("qa_export"))
    files = _export(model_dir, out, "question-answering", QA_MODES, ref.QA_MAX_SEQ_LEN,
                    _squad_pairs()[:16])
    return model_dir, out, files


def _tflite(folder, task, mode):
    return os.path.join(folder, f"albert-{task}-{mode}.tflite")


@pytest.mark.parametrize("task", ["text-classification", "question-answering"])
def test_metadata_as_the_task_library_parses_it(task, task_library, classifier_export, qa_export):
    """tflite-support's own MetadataDisplayer reads what each API looks up, field by field."""
    from ai_edge_litert.interpreter import Interpreter

    model_dir, folder, _ = classifier_export if task == "text-classification" else qa_export
    path = _tflite(folder, task, "float32")
    shown = task_library({"api": "metadata", "model": path})
    meta = shown["json"]
    assert meta["min_parser_version"] == metadata.MIN_PARSER_VERSION
    (graph,) = meta["subgraph_metadata"]
    # Inputs: found by name (FindTensorByName over the metadata, in the model's input order).
    order = [d["name"].replace("serving_default_", "").split(":")[0]
             for d in Interpreter(model_path=path).get_input_details()]
    assert [t["name"] for t in graph["input_tensor_metadata"]] == order
    assert sorted(order) == ["ids", "mask", "segment_ids"]
    for tensor in graph["input_tensor_metadata"] + graph["output_tensor_metadata"]:
        assert tensor["content"]["content_properties_type"] == "FeatureProperties"
    # The tokenizer: input_process_units[0], SentencePiece, the model's own spiece.model packed.
    (unit,) = graph["input_process_units"]
    assert unit["options_type"] == "SentencePieceTokenizerOptions"
    assert [f["name"] for f in unit["options"]["sentencePiece_model"]] == [
        metadata.TASK_LIBRARY_SPIECE_FILE]
    with open(path, "rb") as handle:
        packed = metadata.read_metadata(handle.read())["files"]
    with open(os.path.join(model_dir, "spiece.model"), "rb") as handle:
        original = handle.read()
    assert packed["spiece.model"] == original
    assert packed[metadata.TASK_LIBRARY_SPIECE_FILE] == task_library_model_proto(original)
    outputs = graph["output_tensor_metadata"]
    if task == "text-classification":
        # Exactly one output, "probability", whose labels are the TENSOR_AXIS_LABELS file.
        assert [t["name"] for t in outputs] == ["probability"]
        assert outputs[0]["associated_files"] == [{
            "name": "labels.txt", "description": "Label names, one per line, in id order.",
            "type": "TENSOR_AXIS_LABELS"}]
        assert shown["packed_files"] == ["labels.txt", "spiece.model",
                                         metadata.TASK_LIBRARY_SPIECE_FILE]
        assert packed["labels.txt"].decode().split("\n")[:2] == ["negative", "positive"]
    else:
        assert sorted(t["name"] for t in outputs) == ["end_logits", "start_logits"]
        assert all("associated_files" not in t for t in outputs)
        assert shown["packed_files"] == ["spiece.model", metadata.TASK_LIBRARY_SPIECE_FILE]


@pytest.mark.parametrize("mode", CLASSIFIER_MODES)
def test_classifier_agrees_with_keras_pipeline(mode, task_library, classifier_export):
    model_dir, _, files = classifier_export
    texts = _sst2_dev()
    if mode == "float32":
        texts += _accented_sentences()  # #26: accents and quotes tokenize alike too
    else:
        texts = texts[:QUANTIZED_SENTENCES]
    result = task_library({"api": "classifier", "model": files[mode], "texts": texts})
    assert "error" not in result, result
    # The Keras model on the file's length: both truncate the 26 longer sentences alike.
    classify = pipeline("text-classification", model_dir, batch_size=64,
                        max_length=CLASSIFIER_LENGTH)
    ours = classify(texts, top_k=None)
    tokenizer = AlbertTokenizer.from_pretrained(model_dir)
    sp = _task_library_sp(tokenizer)
    same_tokens, label_equal, worst, other_cause = 0, 0, 0.0, []
    for text, theirs, mine in zip(texts, result["results"], ours):
        theirs = {c["label"]: c["score"] for c in theirs}
        mine = {c["label"]: c["score"] for c in mine}
        assert set(theirs) == set(mine) == {"negative", "positive"}
        label_equal += max(theirs, key=theirs.get) == max(mine, key=mine.get)
        ids = tokenizer([text], truncation=True, max_length=CLASSIFIER_LENGTH)["input_ids"][0]
        if list(ids) == ref.classifier_ids(sp, text, CLASSIFIER_LENGTH):
            same_tokens += 1
            worst = max(worst, abs(theirs["positive"] - mine["positive"]))
        elif not ("``" in text or "''" in text or not text.isascii()):
            other_cause.append(text)
    print(f"{mode}: {len(texts)} sentences, {len(texts) - same_tokens} tokenized differently, "
          f"label agreement {label_equal / len(texts):.4f}, max |score diff| {worst:.2e} "
          f"where tokens are equal; Task Library median latency "
          f"{np.median(result['latency_ms']):.1f} ms")
    # The Task Library's tokenizer gives AlbertTokenizer's ids on every sentence (#26).
    assert other_cause == [] and same_tokens == len(texts)
    assert worst <= SCORE_ATOL[mode]
    assert label_equal / len(texts) >= MIN_LABEL_AGREEMENT[mode]


@pytest.mark.parametrize("mode", QA_MODES)
def test_question_answerer_agrees_with_keras(mode, task_library, qa_export):
    """Same file, same rule: the Task Library's answers are its decoding of the Keras logits.
    Against our pipeline, the rate of equal answers and both F1 scores against the reference
    answers are measured; the causes of the differences are in the module doc."""
    import tensorflow as tf

    from albert_keras import AlbertForQuestionAnswering
    from albert_keras.metrics.squad import squad_evaluate

    model_dir, _, files = qa_export
    questions = _held_out_questions()
    result = task_library({"api": "question_answerer", "model": files[mode],
                           "pairs": [{"question": q, "context": c} for q, c, _ in questions]})
    assert "error" not in result, result
    sp = _task_library_sp(AlbertTokenizer.from_pretrained(model_dir))
    features = [ref.qa_features(sp, q, c) for q, c, _ in questions]
    model = AlbertForQuestionAnswering.from_pretrained(model_dir)
    batch = [tf.constant([f[i] for f in features], tf.int32) for i in range(3)]
    out = model(batch[0], attention_mask=batch[1], token_type_ids=batch[2])
    starts, ends = np.asarray(out.start_logits), np.asarray(out.end_logits)
    qa = pipeline("question-answering", model_dir)
    rule_equal = pipeline_equal = 0
    gold, theirs_all, ours_all = {}, {}, {}
    for i, ((question, context, answers), found) in enumerate(zip(questions, result["results"])):
        _, _, _, token_to_word, words = features[i]
        expected = ref.qa_decode(starts[i], ends[i], token_to_word, words)
        theirs = found[0]["text"] if found else None
        rule_equal += theirs == (expected[0][0] if expected else None)
        if mode == "float32" and found and expected:
            # The token span and its logit sum, not only the text.
            assert (found[0]["start"], found[0]["end"]) == expected[0][1:3]
            assert found[0]["logit"] == pytest.approx(expected[0][3], abs=1e-3)
        ours = qa(question=question, context=context, max_answer_len=ref.QA_MAX_ANSWER_LEN)
        pipeline_equal += theirs is not None and ours["answer"].strip() == theirs
        gold[str(i)], theirs_all[str(i)], ours_all[str(i)] = answers, theirs or "", ours["answer"]
    task_library_f1 = squad_evaluate(gold, theirs_all)["f1"]
    pipeline_f1 = squad_evaluate(gold, ours_all)["f1"]
    print(f"{mode}: {len(questions)} held-out questions; Task Library == its rule on Keras "
          f"logits {rule_equal / len(questions):.3f}; == Keras pipeline "
          f"{pipeline_equal / len(questions):.3f}; F1 Task Library {task_library_f1:.1f}, "
          f"pipeline {pipeline_f1:.1f}; median latency {np.median(result['latency_ms']):.1f} ms")
    assert rule_equal / len(questions) >= MIN_RULE_AGREEMENT[mode]
    assert pipeline_equal / len(questions) >= MIN_PIPELINE_AGREEMENT[mode]
    # On the phone the answers are as good as in Python, within the decoding differences.
    assert task_library_f1 >= pipeline_f1 - MAX_F1_DROP[mode]


@pytest.mark.parametrize("task", ["text-classification", "question-answering"])
def test_task_library_loads_the_dynamic_range_files_the_export_writes(
        task, task_library, classifier_export, qa_export):
    """`dynamic` mode as exported (per-tensor dense weights) loads and runs in the Task Library."""
    exported = (classifier_export if task == "text-classification" else qa_export)[2]["dynamic"]
    api = "classifier" if task == "text-classification" else "question_answerer"
    inputs = {"texts": ["a gripping film"]} if api == "classifier" else {
        "pairs": [{"question": "Who won?", "context": "The Broncos won the game."}]}
    result = task_library(dict(inputs, api=api, model=exported))
    assert "error" not in result, result


def test_place_models_takes_the_real_export(classifier_export, qa_export, tmp_path):
    """The script puts what the export wrote into an assets folder, with the report's figures,
    and leaves out the files the Task Library cannot load."""
    place = load_script("place_models")
    manifest = place.place([classifier_export[1], qa_export[1]], str(tmp_path))
    expected = {(task, mode) for task, files in (("text-classification", classifier_export[2]),
                                                  ("question-answering", qa_export[2]))
                for mode in files}
    by_mode = {(m["task"], m["mode"]): m for m in manifest["models"]}
    assert set(by_mode) == expected and ("text-classification", "float32") in expected
    cls = by_mode[("text-classification", "float32")]
    assert cls["labels"] == ["negative", "positive"] and cls["sequence_length"] == 128
    assert cls["latency_ms"] > 0 and cls["min_cosine"] > 0.9999
    assert by_mode[("question-answering", "float32")]["sequence_length"] == 384
    assert not [n for n in manifest["notes"] if "newer than the Task Library" in n]
    # Without a report beside them, the length is read from the files themselves.
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(_tflite(classifier_export[1], "text-classification", "float16"), bare)
    shutil.copy(_tflite(qa_export[1], "question-answering", "float32"), bare)
    found = place.place([str(bare)], str(tmp_path / "assets"))["models"]
    assert sorted((m["task"], m["sequence_length"]) for m in found) == [
        ("question-answering", 384), ("text-classification", 128)]
    assert all("accuracy" not in m for m in found)
