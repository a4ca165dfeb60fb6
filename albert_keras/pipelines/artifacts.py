"""What an exported SavedModel or TFLite file records: its kind, task, tokenizer, labels and config.

The export (`albert_keras.export`) puts the SentencePiece model inside both artifacts (an op
attribute of the in-graph tokenizer in the SavedModel, an associated file in the TFLite
file), the label names inside the graph (SavedModel) or as `labels.txt` (TFLite), and the
task in the report JSON (SavedModel) or the metadata name `albert-<task>` (TFLite). It does
not write `config.json`; when a `config.json` is there (`assets.extra/` of a SavedModel, an
associated file of a TFLite file) it is used, otherwise the config holds what the artifact
determines: vocabulary size, sequence length and labels.
"""

import json
import os

from albert_keras.config import AlbertConfig
from albert_keras.tflite_metadata import CONFIG_FILE, SPIECE_FILE, TFLITE_IDENTIFIER, read_metadata
from albert_keras.tokenization import AlbertTokenizer

REPORT_FILE = "export_report.json"
_TFLITE_IDENTIFIER = TFLITE_IDENTIFIER  # its old name here


# ------------------------------------------------------------------ detection
def is_tflite(path):
    """True when `path` is a file holding a TFLite flatbuffer."""
    if not os.path.isfile(path):
        return False
    with open(path, "rb") as handle:
        return handle.read(8)[4:8] == _TFLITE_IDENTIFIER


def saved_model_version(path):
    """The SavedModel folder of `path`: itself (`NAME/VERSION/`), or its highest version.

    Returns None when `path` is neither a SavedModel folder nor a folder of numbered
    SavedModel versions (TF Serving's `NAME/` layout).

    Example:
    >>> import os, tempfile
    >>> base = tempfile.mkdtemp()
    >>> for version in ("1", "2", "10"):
    ...     os.makedirs(os.path.join(base, version))
    ...     open(os.path.join(base, version, "saved_model.pb"), "wb").close()
    >>> os.path.basename(saved_model_version(base))
    '10'
    """
    if not os.path.isdir(path):
        return None
    if os.path.isfile(os.path.join(path, "saved_model.pb")):
        return path
    versions = [int(n) for n in os.listdir(path) if n.isdigit()
                and os.path.isfile(os.path.join(path, n, "saved_model.pb"))]
    return os.path.join(path, str(max(versions))) if versions else None


# ------------------------------------------------------------------ SavedModel
def saved_model_task(path):
    """The task a SavedModel was exported for (from its export report), or None."""
    report = os.path.join(path, "assets.extra", REPORT_FILE)
    if not os.path.isfile(report):
        return None
    with open(report, encoding="utf-8") as handle:
        return json.load(handle).get("task")


def saved_model_tokenizer(path):
    """The `AlbertTokenizer` of a SavedModel written by our export.

    From tokenizer files in `assets.extra/` when present (flags included); otherwise
    from the `model` attribute of the in-graph tokenizer's `SentencepieceOp`
    (tensorflow-text keeps the proto there) with ALBERT's default flags.
    """
    extra = os.path.join(path, "assets.extra")
    if os.path.isfile(os.path.join(extra, SPIECE_FILE)):
        return AlbertTokenizer.from_pretrained(extra)
    from tensorflow.core.protobuf import saved_model_pb2  # local: TensorFlow; LiteRT needs none

    proto = saved_model_pb2.SavedModel()
    with open(os.path.join(path, "saved_model.pb"), "rb") as handle:
        proto.ParseFromString(handle.read())
    for graph in proto.meta_graphs:
        nodes = list(graph.graph_def.node)
        for function in graph.graph_def.library.function:
            nodes.extend(function.node_def)
        for node in nodes:
            if node.op == "SentencepieceOp" and node.attr["model"].s:
                return AlbertTokenizer(node.attr["model"].s)
    raise ValueError(f"{path} holds no SentencePiece model (not a SavedModel from "
                     "albert_keras.export); pass tokenizer=")


def saved_model_labels(function, count):
    """Label names the `tokens` signature gathers from (a string constant of `count` names)."""
    for tensor in function.captured_inputs:
        if tensor.dtype.name == "string" and tensor.shape.rank == 1 and tensor.shape[0] == count:
            return [name.decode("utf-8") for name in tensor.numpy()]
    return None


def saved_model_config_file(path):
    """`assets.extra/config.json` of a SavedModel, or None."""
    config = os.path.join(path, "assets.extra", CONFIG_FILE)
    return config if os.path.isfile(config) else None


# ------------------------------------------------------------------ TFLite
def tflite_metadata(data):
    """(task or None, {associated file name: bytes}) of a .tflite file's bytes."""
    meta = read_metadata(data)
    if meta is None:
        return None, {}
    name = meta.get("name") or ""
    task = name[len("albert-"):] if name.startswith("albert-") else None
    return task, meta["files"]


# ------------------------------------------------------------------ config
def artifact_config(config_json, vocab_size, sequence_length, labels=None):
    """The `AlbertConfig` of an artifact.

    Args:
        config_json: bytes, str path or None. A `config.json` stored with the artifact.
        vocab_size: int or None. Vocabulary size the artifact determines.
        sequence_length: int. The artifact's fixed token length.
        labels: list of str or None. Label names in id order.
    """
    if config_json is not None:
        if isinstance(config_json, (bytes, bytearray)):
            return AlbertConfig.from_dict(json.loads(config_json))
        return AlbertConfig.from_json_file(config_json)
    known = {"max_position_embeddings": int(sequence_length)}
    if vocab_size:
        known["vocab_size"] = int(vocab_size)
    if labels:
        known["id2label"] = dict(enumerate(labels))
    return AlbertConfig(**known)
