"""Put the .tflite files of `albert-keras export tflite` into the Android app's assets, with models.json.

    python android_demo/place_models.py EXPORT_DIR [EXPORT_DIR ...] [--assets DIR] [--modes M ...]

An export folder holds `albert-<task>-<mode>.tflite` files and `albert-<task>-report.json`
(albert_keras/export/README.md). For the two tasks the app has screens for (text-classification and
question-answering) every file is checked (a TFLite flatbuffer carrying the Task Library's
`spiece.model`, and `labels.txt` for a classifier; a question-answering file exported at the
384 tokens BertQuestionAnswerer fills), copied into the assets folder, and described in
`models.json`, which the app's `ModelCatalog` reads. A file that failed the export's own
verification (kept by `--no-strict`) is skipped with a note unless `--include-failed`, and so
is a file with an operator version the Task Library 0.4.4 runtime does not have
(`TASK_LIBRARY_MAX_VERSIONS`) or of a mode it cannot run (`TASK_LIBRARY_UNSUPPORTED_MODES`).

    {"format": 1, "models": [{"task", "mode", "file", "size_bytes", "labels",
      "sequence_length", "accuracy", "latency_ms", "label_agreement", "min_cosine"}, ...]}

The assets folder then holds exactly the models placed by this run: .tflite files listed in a
previous models.json and not placed again are removed. Exit status: 0 placed, 1 a file was
refused (nothing written), 2 bad arguments or no model found.
"""

import argparse
import io
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ASSETS = os.path.join(HERE, "app", "src", "main", "assets")
MANIFEST = "models.json"
FORMAT = 1
TASKS = ("text-classification", "question-answering")
QA_SEQUENCE_LENGTH = 384  # BertQuestionAnswerer's kMaxSeqLen: it always fills 384 tokens
# Operator versions above these are not in the TFLite runtime that tflite-support 0.4.4 and
# org.tensorflow:tensorflow-lite-task-text:0.4.4 carry. Measured: TF 2.21's dynamic-range mode
# writes FULLY_CONNECTED version 12 (per-channel int8 weights, float activations), which the
# Task Library refuses ("Didn't find op for builtin opcode 'FULLY_CONNECTED' version '12'");
# the same weights quantized per tensor give version 9, which it runs.
TASK_LIBRARY_MAX_VERSIONS = {"FULLY_CONNECTED": 11}
# Modes whose files the Task Library 0.4.4 loads but cannot run (measured on this export).
TASK_LIBRARY_UNSUPPORTED_MODES = {
    "int16x8": "the Task Library 0.4.4 runtime fails AllocateTensors() on its int16 kernels"}
FILE_NAME = re.compile(r"^albert-(?P<task>[a-z-]+?)-(?P<mode>float32|float16|dynamic|int8|int16x8)"
                       r"\.tflite$")


class PlacementError(ValueError):
    """An export file that the app could not run; the message names the file and the fix."""


class Skipped(Exception):
    """An export file left out with a note: it failed verification, or the Task Library
    0.4.4 runtime cannot load its operators."""


def associated_files(data):
    """{name: bytes} of the files packed after the flatbuffer (spiece.model, labels.txt)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    except zipfile.BadZipFile:
        return {}


def read_reports(folder):
    """{(task, mode): (report dict, result dict)} from every albert-*-report.json of a folder."""
    rows = {}
    for name in sorted(os.listdir(folder)):
        if not (name.startswith("albert-") and name.endswith("-report.json")):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            report = json.load(handle)
        for result in report.get("results", []):
            if result.get("format") == "tflite":
                rows[(report["task"], result["mode"])] = (report, result)
    return rows


def operator_versions(data):
    """{builtin operator name: highest version} of a .tflite flatbuffer."""
    from tensorflow.lite.python import schema_py_generated as schema  # lazy: TF is heavy

    names = {v: k for k, v in vars(schema.BuiltinOperator).items() if not k.startswith("_")}
    model = schema.Model.GetRootAsModel(data, 0)
    versions = {}
    for i in range(model.OperatorCodesLength()):
        code = model.OperatorCodes(i)
        name = names.get(max(code.BuiltinCode(), code.DeprecatedBuiltinCode()), "CUSTOM")
        versions[name] = max(versions.get(name, 0), code.Version())
    return versions


def sequence_length_from_file(path):
    """The token length of the `ids` input, read from the flatbuffer (used without a report)."""
    from tensorflow.lite.python import schema_py_generated as schema  # lazy: TF is heavy

    with open(path, "rb") as handle:
        model = schema.Model.GetRootAsModel(handle.read(), 0)
    if not model.SubgraphsLength():
        raise PlacementError(f"{path}: no subgraph, and no export report beside it")
    graph = model.Subgraphs(0)
    return int(graph.Tensors(graph.Inputs(0)).Shape(1))


def describe(path, task, mode, reports, include_failed=False):
    """The models.json entry of one export file; raises PlacementError if the app cannot run it."""
    name = os.path.basename(path)
    with open(path, "rb") as handle:
        data = handle.read()
    if data[4:8] != b"TFL3":
        raise PlacementError(f"{path}: not a TFLite file (no TFL3 identifier)")
    if mode in TASK_LIBRARY_UNSUPPORTED_MODES:
        raise Skipped(f"skipped {name}: {TASK_LIBRARY_UNSUPPORTED_MODES[mode]}")
    too_new = {op: v for op, v in operator_versions(data).items()
               if v > TASK_LIBRARY_MAX_VERSIONS.get(op, v)}
    if too_new:
        listed = ", ".join(f"{op} version {v}" for op, v in sorted(too_new.items()))
        raise Skipped(f"skipped {name}: {listed} is newer than the Task Library 0.4.4 runtime "
                      "loads (it refuses the file)")
    files = associated_files(data)
    if "spiece.model" not in files:
        raise PlacementError(f"{path}: no spiece.model inside; the Task Library tokenizes with "
                             "it (re-export with albert-keras export tflite)")
    labels = []
    if task == "text-classification":
        if "labels.txt" not in files:
            raise PlacementError(f"{path}: no labels.txt inside (BertNLClassifier's label names)")
        labels = [line for line in files["labels.txt"].decode("utf-8").splitlines() if line]
    report, result = reports.get((task, mode), (None, None))
    if result is not None and not result.get("passed", True) and not include_failed:
        raise Skipped(f"skipped {name}: failed its export verification "
                                 f"({'; '.join(result.get('failures', []))}); "
                                 "--include-failed bundles it anyway")
    length = int(report["sequence_length"]) if report else sequence_length_from_file(path)
    if task == "question-answering" and length != QA_SEQUENCE_LENGTH:
        raise PlacementError(f"{path}: sequence length {length}, but BertQuestionAnswerer "
                             f"fills {QA_SEQUENCE_LENGTH} tokens; export with "
                             f"--sequence-length {QA_SEQUENCE_LENGTH}")
    entry = {"task": task, "mode": mode, "file": name, "size_bytes": len(data),
             "labels": labels, "sequence_length": length}
    if result is not None:
        latency = (result.get("latency_ms") or {}).get("1")
        cosines = [o["cosine"] for o in (result.get("outputs") or {}).values()]
        entry.update({"accuracy": result.get("accuracy_artifact"), "latency_ms": latency,
                      "label_agreement": result.get("label_agreement"),
                      "min_cosine": min(cosines) if cosines else None})
    return entry


def collect(folders, modes=None, include_failed=False):
    """[(source path, entry)] for every app-usable export file in the folders, and skip notes."""
    found, notes, seen = [], [], {}
    for folder in folders:
        if not os.path.isdir(folder):
            raise PlacementError(f"{folder}: not a folder")
        reports = read_reports(folder)
        for name in sorted(os.listdir(folder)):
            match = FILE_NAME.match(name)
            if not match:
                continue
            task, mode = match.group("task"), match.group("mode")
            if task not in TASKS:
                notes.append(f"skipped {name}: the app has no {task} screen")
                continue
            if modes and mode not in modes:
                continue
            if name in seen:
                raise PlacementError(f"{name} is in both {seen[name]} and {folder}")
            seen[name] = folder
            path = os.path.join(folder, name)
            try:
                found.append((path, describe(path, task, mode, reports, include_failed)))
            except Skipped as skipped:
                notes.append(str(skipped))
    return found, notes


def place(folders, assets=DEFAULT_ASSETS, modes=None, include_failed=False):
    """Copies the models into `assets` and writes models.json; returns the manifest dict."""
    found, notes = collect(folders, modes, include_failed)
    if not found:
        raise FileNotFoundError(f"no albert-{{{','.join(TASKS)}}}-MODE.tflite file in "
                                f"{', '.join(folders)}")
    os.makedirs(assets, exist_ok=True)
    old = os.path.join(assets, MANIFEST)
    if os.path.isfile(old):
        with open(old, encoding="utf-8") as handle:
            previous = {m["file"] for m in json.load(handle).get("models", [])}
        for stale in previous - {e["file"] for _, e in found}:
            if os.path.isfile(os.path.join(assets, stale)):
                os.remove(os.path.join(assets, stale))
    for path, entry in found:
        shutil.copyfile(path, os.path.join(assets, entry["file"]))
    manifest = {"format": FORMAT, "models": [entry for _, entry in found]}
    handle, tmp = tempfile.mkstemp(dir=assets, prefix=".models-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(manifest, out, indent=2, ensure_ascii=False)
        out.write("\n")
    os.chmod(tmp, 0o644)
    os.replace(tmp, old)
    manifest["notes"] = notes
    return manifest


def main(argv=None):
    """Command line; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export_dirs", nargs="+", help="folders written by albert-keras export tflite")
    parser.add_argument("--assets", default=DEFAULT_ASSETS,
                        help="the app's assets folder (default: %(default)s)")
    parser.add_argument("--modes", nargs="+", metavar="MODE",
                        help="only these quantization modes (default: every exported one)")
    parser.add_argument("--include-failed", action="store_true",
                        help="also bundle files that failed export verification (--no-strict)")
    args = parser.parse_args(argv)
    try:  # reading the flatbuffer schema imports TensorFlow: without its native start-up lines
        from albert_keras.native_logs import quiet_tensorflow_import

        quiet_tensorflow_import()
    except ImportError:  # the script without the package installed: TensorFlow's lines show
        pass
    try:
        manifest = place(args.export_dirs, args.assets, args.modes, args.include_failed)
    except PlacementError as error:
        print(f"refused: {error}", file=sys.stderr)
        return 1
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for note in manifest["notes"]:
        print(note)
    for entry in manifest["models"]:
        print(f"placed {entry['file']} ({entry['task']}, {entry['mode']}, "
              f"{entry['size_bytes'] / 1e6:.2f} MB, length {entry['sequence_length']})")
    print(f"wrote {os.path.join(args.assets, MANIFEST)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
