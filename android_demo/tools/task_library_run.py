"""Runs .tflite files through the TFLite Task Library's native text APIs, as the Android app does.

    TASK_LIBRARY_PY=$(bash android_demo/tools/setup_task_library_venv.sh)
    $TASK_LIBRARY_PY android_demo/tools/task_library_run.py JOB.json RESULT.json

Runs in the tflite-support 0.4.4 virtualenv (the same C++ BertNLClassifier and
BertQuestionAnswerer that org.tensorflow:tensorflow-lite-task-text:0.4.4 wraps on Android), never
beside TensorFlow. JOB.json is one of:

    {"api": "classifier", "model": PATH, "texts": [str, ...]}
    {"api": "question_answerer", "model": PATH, "pairs": [{"context": str, "question": str}, ...]}
    {"api": "metadata", "model": PATH}

RESULT.json gets, per input, the classifier's categories ({label, index, score}) or the
answerer's answers ({text, start, end, logit}, best first) and the latency of each call in ms;
for "metadata", the metadata as tflite-support's own MetadataDisplayer reads it (JSON) and the
names of the packed files. A model the API refuses gives {"error": message} and exit status 3.
"""

import json
import sys
import time


def _classify(model, texts):
    from tflite_support.task import text

    classifier = text.BertNLClassifier.create_from_file(model)
    results, latency = [], []
    for sentence in texts:
        start = time.perf_counter()
        result = classifier.classify(sentence)
        latency.append((time.perf_counter() - start) * 1000)
        results.append([{"label": c.category_name, "index": c.index, "score": c.score}
                        for c in result.classifications[0].categories])
    return {"results": results, "latency_ms": latency}


def _answer(model, pairs):
    from tflite_support.task import text

    answerer = text.BertQuestionAnswerer.create_from_file(model)
    results, latency = [], []
    for pair in pairs:
        start = time.perf_counter()
        result = answerer.answer(pair["context"], pair["question"])
        latency.append((time.perf_counter() - start) * 1000)
        results.append([{"text": a.text, "start": a.pos.start, "end": a.pos.end,
                         "logit": a.pos.logit} for a in result.answers])
    return {"results": results, "latency_ms": latency}


def _metadata(model):
    from tflite_support import metadata

    displayer = metadata.MetadataDisplayer.with_model_file(model)
    return {"json": json.loads(displayer.get_metadata_json()),
            "packed_files": sorted(displayer.get_packed_associated_file_list())}


def main(argv):
    """Reads the job, runs it, writes the result; returns the exit status."""
    with open(argv[1], encoding="utf-8") as handle:
        job = json.load(handle)
    try:
        if job["api"] == "classifier":
            out = _classify(job["model"], job["texts"])
        elif job["api"] == "question_answerer":
            out = _answer(job["model"], job["pairs"])
        elif job["api"] == "metadata":
            out = _metadata(job["model"])
        else:
            raise ValueError(f"unknown api {job['api']!r}")
        status = 0
    except (ValueError, RuntimeError) as error:  # the Task Library raises these on a bad model
        out, status = {"error": f"{type(error).__name__}: {error}"}, 3
    with open(argv[2], "w", encoding="utf-8") as handle:
        json.dump(out, handle, ensure_ascii=False)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
