"""albert_keras.export: TF Serving SavedModels and quantized TFLite files, each verified against its Keras model.

Modules:
    choices.py       the task and mode names the command line lists (no TensorFlow); its
                     old address `albert_keras.export.names` is the same module
    signatures.py    per-task serving functions: outputs, post-processing (tasks: albert_keras.tasks)
    saved_model.py   versioned NAME/VERSION SavedModel (serving_default / tokens / tokenize)
    quantization.py  the five modes as data (float32, float16, dynamic, int8, int16x8)
    tflite.py        TFLiteConverter settings per mode; fixed length; builtin ops only
    metadata.py      TFLite Task Library metadata written/read with `flatbuffers`
    verify.py        reload the artifact (fresh process / LiteRT), compare with Keras
    report.py        Report: printed table and JSON beside the artifact
    cli.py           `albert-keras export saved-model|tflite ...` (also `python -m albert_keras.export`)
"""

import collections
import importlib
import logging
import os
import sys

import numpy as np

from albert_keras import hub
from albert_keras.weights.atomic import atomic_directory, temporary_file
from albert_keras.shipped import ASSETS
from albert_keras.tasks import get_task
from albert_keras.tensorflow_only import require_tensorflow_backend
from albert_keras.tokenization import AlbertTokenizer

from . import choices, metadata
from .choices import MODES, TASKS
from .report import ArtifactResult, Report

sys.modules[f"{__name__}.names"] = names = choices  # the old address, the same module

__all__ = [
    "MODES",
    "TASKS",
    "ArtifactResult",
    "ExportError",
    "Report",
    "default_texts",
    "export_saved_model",
    "export_tflite",
]
logger = logging.getLogger(__name__)

ANY_LENGTH_VERIFIED = 128  # token length an any-length TFLite file is verified at

# Held-out text the shipped models never trained on, used when no texts are given (verification
# and calibration); one file per text shape (each task's `verification_file`), sources and
# licences in its SOURCE.md.
VERIFICATION = os.path.join(ASSETS, "verification")


def __getattr__(name):
    """The submodules that need TensorFlow, imported on first use: reading a TFLite file's
    metadata (`albert_keras.export.metadata`) or listing `TASKS` needs no TensorFlow."""
    if name in ("quantization", "saved_model", "signatures", "tflite", "verify", "cli"):
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ExportError(RuntimeError):
    """An exported artifact failed its own verification; `.report` has the figures."""

    def __init__(self, report):
        super().__init__("export verification failed (strict=False keeps the failed "
                         "artifacts):\n" + report.table())
        self.report = report


def _model_folder(model_dir):
    """`model_dir`, or the bundled folder when it names a shipped model (`albert-tiny-en-sst2`)."""
    return hub.locate(model_dir).path or os.fspath(model_dir)


def _load(model_dir, task, sequence_length):
    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import signatures

    task_info = signatures.get_task(task)
    if not os.path.isfile(os.path.join(model_dir, "spiece.model")):
        raise FileNotFoundError(f"{model_dir} has no spiece.model (the tokenizer is exported too)")
    model = signatures.model_class(task_info.name).from_pretrained(model_dir)
    limit = model.config.max_position_embeddings
    if sequence_length is not None and not 3 <= sequence_length <= limit:
        raise ValueError(f"sequence_length={sequence_length} must be in [3, "
                         f"max_position_embeddings={limit}]")
    tokenizer = AlbertTokenizer.from_pretrained(model_dir)
    trained = tokenizer.model_max_length
    if sequence_length is not None and sequence_length > trained:
        logger.warning("sequence_length=%d is longer than the %d tokens %s was trained on "
                       "(its tokenizer's model_max_length): text past token %d meets position "
                       "rows the model never learned", sequence_length, trained, model_dir,
                       trained)
    return model, tokenizer


def read_texts(path, task):
    """Examples of a text file, one a line: str, or tuples for question-answering
    (question<TAB>context) and multiple-choice (prompt<TAB>choice<TAB>...)."""
    with open(path, encoding="utf-8") as handle:
        lines = [line.rstrip("\n") for line in handle if line.strip()]
    if task == "multiple-choice":
        return [(p[0], p[1:]) for p in (line.split("\t") for line in lines)]
    if task == "question-answering":
        return [tuple(line.split("\t", 1)) for line in lines]
    return lines


def default_texts(task):
    """The held-out verification sample for `task` (albert_keras/assets/verification/)."""
    name = get_task(task).verification_file
    shape = task if task == "question-answering" else None  # multiple-choice: sentences
    return read_texts(os.path.join(VERIFICATION, name), shape)


def _text_batch(texts, names):
    """Texts as {input name: list}: str items, or tuples for pair tasks."""
    texts = list(texts)
    if len(names) == 1:
        return {names[0]: [t if isinstance(t, str) else t[0] for t in texts]}
    if names == ("prompt", "choices"):
        if all(isinstance(t, str) for t in texts):
            texts = [(t, [t, "none of these"]) for t in texts]
        return {"prompt": [t[0] for t in texts], "choices": [list(t[1]) for t in texts]}
    pairs = [(t, t) if isinstance(t, str) else tuple(t) for t in texts]
    return {names[0]: [p[0] for p in pairs], names[1]: [p[1] for p in pairs]}


def _progress(progress, message):
    logger.info(message)
    if progress:
        progress(message)


def export_saved_model(model_dir, out, task, sequence_length=128, name=None, version=None,
                       text_pair=False, top_k=5, texts=None, strict=True, progress=None):
    """Exports a hub-layout model folder as a TF Serving SavedModel `OUT/NAME/VERSION/`.

    Signatures (names documented in albert_keras/export/README.md): `serving_default` (raw strings,
    tokenizer in the graph), `tokens` (input_ids, attention_mask, token_type_ids) and
    `tokenize`. The folder is verified in a fresh process before it is moved into place;
    the report, `config.json` and the tokenizer files are written to
    `VERSION/assets.extra/`.

    Args:
        model_dir: str. Folder with config.json, model weights and spiece.model, or the
            name of a model shipped with albert-keras (`albert-tiny-en-sst2`).
        out: str. Model base folder; the SavedModel goes to `out/name/version`.
        task: str. One of `TASKS` (transformers pipeline names).
        sequence_length: int. Token length (pad/truncate). Defaults to 128.
        name: str. Model name. Defaults to `albert-<task>`.
        version: int. Defaults to 1 + the newest version in `out/name`.
        text_pair: bool. text-classification on sentence pairs. Defaults to False.
        top_k: int. Tokens per [MASK] (fill-mask). Defaults to 5.
        texts: list of str (or tuples for pair tasks): real text for verification.
            Defaults to `default_texts(task)`.
        strict: bool. Raise `ExportError` (writing nothing) when verification fails.
        progress: callable(str) or None. Receives progress messages.

    Returns:
        `Report` (its `results[0].artifact` is the SavedModel folder).
    """
    require_tensorflow_backend("export_saved_model (the SavedModel exporter)")
    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import quantization, saved_model, verify

    model_dir = _model_folder(model_dir)
    model, tokenizer = _load(model_dir, task, sequence_length)
    functions = saved_model.ServingFunctions(model, task, tokenizer, sequence_length,
                                             text_pair=text_pair, top_k=top_k)
    name = name or f"albert-{task}"
    base = os.path.join(out, name)
    version = int(version or saved_model.next_version(base))
    destination = os.path.join(base, str(version))
    report = Report(task, os.fspath(model_dir), sequence_length)
    batch = _text_batch(texts or default_texts(task), functions.text_inputs)
    with atomic_directory(destination) as tmp:
        _progress(progress, f"writing SavedModel ({task}, length {sequence_length})")
        saved_model.write(functions, tmp)
        _progress(progress, "verifying in a fresh process")
        result = verify.verify_saved_model(tmp, functions, batch, tokenizer,
                                           quantization.MODES["float32"])
        result.artifact = destination
        report.results.append(result)
        if strict and not report.passed:
            _progress(progress, report.table())
            raise ExportError(report)
        extra = os.path.join(tmp, "assets.extra")
        report.save(os.path.join(extra, "export_report.json"))
        # What a client (or albert_keras.pipeline on this SavedModel) needs beyond the graph:
        # the architecture and labels, and the tokenizer's settings (do_lower_case, ...).
        model.config.to_json_file(os.path.join(extra, "config.json"))
        tokenizer.save_pretrained(extra)
    _progress(progress, report.table())
    return report


def export_tflite(model_dir, out, task, quantize="float32", sequence_length=128,
                  num_choices=2, texts=None, calibration_texts=None, eval_set=None,
                  latency_runs=10, strict=True, progress=None):
    """Exports a hub-layout model folder to TFLite, one file per quantization mode.

    Each file: batch 1, fixed `sequence_length`, int32 inputs `ids`/`mask`/`segment_ids`,
    builtin ops only, Task Library metadata with spiece.model (and labels.txt for
    text-classification) inside. Every file is run in LiteRT and compared with Keras
    before it is written as `out/albert-<task>-<mode>.tflite`; the report goes to
    `out/albert-<task>-report.json`. With `sequence_length=None` the files take any
    length up to `max_position_embeddings` (LiteRT resizes the inputs per call, so
    nothing is padded: `albert_keras.pipeline` runs them several times faster); they
    carry config.json too and are named `albert-<task>-<mode>-any-length.tflite`, the
    report `albert-<task>-any-length-report.json`. The Task Library needs a fixed length.

    Args:
        model_dir: str. Folder with config.json, weights and spiece.model, or the name of a
            model shipped with albert-keras (`albert-tiny-en-squad`).
        out: str. Output folder.
        task: str. One of `TASKS`.
        quantize: str or list. A mode of `MODES`, a list of them, or "all".
        sequence_length: int or None. Fixed token length, or None for any length (for
            LiteRT in Python; verified at 128 tokens at most). Defaults to 128.
        num_choices: int. Choices per example (multiple-choice). Defaults to 2.
        texts: real text for verification (str, or tuples for pair tasks). Defaults to
            `default_texts(task)`, held-out text the shipped models never trained on.
        calibration_texts: real text for int8/int16x8 calibration. Defaults to `texts`.
        eval_set: optional (texts, labels): accuracy before/after export.
        latency_runs: int. Timed LiteRT runs per thread count. Defaults to 10.
        strict: bool. Raise `ExportError` when a file fails verification (failed files
            are not written).
        progress: callable(str) or None.

    Returns:
        `Report` with one result per mode.
    """
    require_tensorflow_backend("export_tflite (the TFLite exporter)")
    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import quantization, saved_model

    model_dir = _model_folder(model_dir)
    model, tokenizer = _load(model_dir, task, sequence_length)
    any_length = sequence_length is None
    if any_length:  # verification and calibration text is padded to this length
        sequence_length = min(ANY_LENGTH_VERIFIED, model.config.max_position_embeddings)
    modes = quantization.resolve_modes(quantize)
    functions = saved_model.ServingFunctions(model, task, tokenizer, sequence_length,
                                             num_choices=num_choices)
    check = _verification_inputs(model, task, functions, sequence_length, num_choices, texts,
                                 calibration_texts, eval_set)
    report = Report(task, os.fspath(model_dir), None if any_length else sequence_length)
    os.makedirs(out, exist_ok=True)
    suffix = "-any-length" if any_length else ""
    for mode in modes:
        path = os.path.join(out, f"albert-{task}-{mode.name}{suffix}.tflite")
        _progress(progress, f"converting {task} to TFLite ({mode.name}, length "
                            f"{'any' if any_length else sequence_length})")
        report.results.append(_write_tflite(
            path, model, task, tokenizer, mode, None if any_length else sequence_length,
            num_choices, check, latency_runs, strict, progress))
    report.save(os.path.join(out, f"albert-{task}{suffix}-report.json"))
    _progress(progress, report.table())
    if strict and not report.passed:
        raise ExportError(report)
    return report


_VerificationInputs = collections.namedtuple(
    "_VerificationInputs", "features calibration reference labels")


def _verification_inputs(model, task, functions, sequence_length, num_choices, texts,
                         calibration_texts, eval_set):
    """Step 1 of `export_tflite`: the TFLite features of the verification and calibration
    text, Keras' outputs on them (the reference every file is compared with), the labels."""
    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import tflite

    labels = None
    if eval_set is not None:
        texts, labels = eval_set
    texts = texts or default_texts(task)
    features = _features(functions, _text_batch(texts, functions.text_inputs), num_choices)
    calibration = _features(functions, _text_batch(calibration_texts or texts,
                                                   functions.text_inputs), num_choices)
    serve, _ = tflite.tflite_function(model, task, sequence_length, num_choices)
    reference = {k: v.numpy() for k, v in serve(features["ids"], features["mask"],
                                                features["segment_ids"]).items()}
    return _VerificationInputs(features, calibration, reference, labels)


def _write_tflite(path, model, task, tokenizer, mode, sequence_length, num_choices, check,
                  latency_runs, strict, progress):
    """Step 2 of `export_tflite`, per mode: convert, add the metadata, verify in LiteRT, and
    move the file to `path` when it passed (or `strict` is off). Returns its result row;
    a converter error is a failed row, not an exception."""
    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import signatures, tflite, verify

    try:
        data = tflite.convert(model, task, mode, sequence_length, num_choices,
                              check.calibration)
    except Exception as error:  # noqa: BLE001 - any converter error becomes a failed row
        return ArtifactResult(path, "tflite", mode.name, failures=[
            f"conversion failed: {type(error).__name__}: {str(error).splitlines()[0]}"])
    data = _with_metadata(data, task, tokenizer, signatures.label_names(model.config),
                          model.config if sequence_length is None else None)
    tmp = temporary_file(path, suffix=".tflite")  # stale ones of killed runs removed
    with open(tmp, "wb") as f:
        f.write(data)
    _progress(progress, f"verifying {os.path.basename(path)} in LiteRT")
    result = verify.verify_tflite(tmp, task, mode, check.features, check.reference,
                                  check.labels, latency_runs)
    result.artifact = path
    if result.passed or not strict:
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide the file from other users
        os.replace(tmp, path)
    else:
        os.remove(tmp)
    return result


def _features(functions, batch, num_choices):
    """Token features {ids, mask, segment_ids} (N, ...) of a text batch, via the in-graph tokenizer."""
    # local: TensorFlow; `import albert_keras.export` (the parser) needs none
    import tensorflow as tf

    # local: these import TensorFlow; `import albert_keras.export` (the parser) needs none
    from . import signatures

    if "choices" in batch:
        batch["choices"] = [(c + [""] * num_choices)[:num_choices] for c in batch["choices"]]
    tokens = functions.tokenize(**{k: tf.constant(v, tf.string) for k, v in batch.items()})
    names = dict(zip(signatures.TOKEN_INPUTS, signatures.TFLITE_INPUTS))
    return {names[k]: np.asarray(v, np.int32) for k, v in tokens.items()}


def _with_metadata(data, task, tokenizer, label_names, config=None):
    """The .tflite bytes with Task Library metadata and the associated files (+ config.json)."""
    inputs, outputs = metadata.io_names(data)
    labels = label_names if get_task(task).labels else None
    meta = metadata.build_metadata(f"albert-{task}", f"ALBERT {task} (albert-keras export)",
                                   inputs, outputs, labels=labels)
    files = metadata.tokenizer_files(tokenizer)
    if labels:
        files[metadata.LABELS_FILE] = ("\n".join(labels) + "\n").encode()
    if config is not None:  # an any-length file: its longest input is max_position_embeddings
        files["config.json"] = config.to_json_string().encode()
    return metadata.populate(data, meta, files)
