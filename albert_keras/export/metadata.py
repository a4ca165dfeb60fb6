"""TFLite Task Library metadata: tensor names, labels file, spiece.model inside the .tflite file.

tflite-support's metadata writers cannot be installed beside TF 2.21 (they pin protobuf 3.x),
so this module writes the `ModelMetadata` flatbuffer itself with the `flatbuffers` package,
following tensorflow/tflite-support `tensorflow_lite_support/metadata/metadata_schema.fbs`
(file identifier "M001"), and reads it back the same way. As tflite-support's populator
does, the buffer is attached to the model as the "TFLITE_METADATA" entry and the associated
files are appended as an uncompressed zip: `spiece.model` (the tokenizer's own model, which
Python runtimes read), `task_library_spiece.model` (the same pieces with ALBERT's preprocessing
in its normalizer, `tokenization.task_library_spiece`: the Task Library's tokenizer, the one the
SentencePiece process unit names) and `labels.txt`.
"""

import io
import zipfile

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow needed
from ai_edge_litert.tools import flatbuffer_utils

from albert_keras.tflite_metadata import (  # noqa: F401 - the read side, also importable here
    FILE_IDENTIFIER, LABELS_FILE, METADATA_NAME, SPIECE_FILE, TASK_LIBRARY_SPIECE_FILE, _Table,
    _file, io_names, read_metadata, signature_entries)
from albert_keras.tokenization.task_library_spiece import task_library_model_proto

MIN_PARSER_VERSION = "1.1.0"  # SentencePieceTokenizerOptions / input_process_units
TENSOR_AXIS_LABELS = 2  # AssociatedFileType
FEATURE_PROPERTIES = 1  # ContentProperties union: FeatureProperties
SENTENCE_PIECE_OPTIONS = 5  # ProcessUnitOptions union: SentencePieceTokenizerOptions
_DESCRIPTIONS = {"ids": "Token ids: [CLS] A [SEP] (B [SEP]), padded with 0.",
                 "mask": "1 for real tokens, 0 for padding.",
                 "segment_ids": "0 for the first segment, 1 for the second."}


# ------------------------------------------------------------------ writing
def _string(builder, text):
    return builder.CreateString(text) if text else None


def _vector(builder, offsets):
    builder.StartVector(4, len(offsets), 4)
    for offset in reversed(offsets):
        builder.PrependUOffsetTRelative(offset)
    return builder.EndVector()


def _table(builder, fields):
    """A table from [(slot, kind, value)], kind in 'offset'/'byte'; None values skipped."""
    strings = [(slot, kind, value) for slot, kind, value in fields if value is not None]
    builder.StartObject(max(slot for slot, _, _ in fields) + 1)
    for slot, kind, value in strings:
        if kind == "byte":
            builder.PrependUint8Slot(slot, value, 0)
        else:
            builder.PrependUOffsetTRelativeSlot(slot, value, 0)
    return builder.EndObject()


def _associated_file(builder, name, description, file_type=0):
    name, description = _string(builder, name), _string(builder, description)
    return _table(builder, [(0, "offset", name), (1, "offset", description),
                            (2, "byte", file_type or None)])


def _tensor(builder, name, description, files=()):
    name, description = _string(builder, name), _string(builder, description)
    builder.StartObject(0)  # FeatureProperties: an empty table
    feature = builder.EndObject()
    content = _table(builder, [(0, "byte", FEATURE_PROPERTIES), (1, "offset", feature)])
    files = [_associated_file(builder, *f) for f in files]
    files = _vector(builder, files) if files else None
    return _table(builder, [(0, "offset", name), (1, "offset", description),
                            (3, "offset", content), (6, "offset", files)])


def build_metadata(name, description, inputs, outputs, labels=None):
    """The ModelMetadata flatbuffer (bytes) for an ALBERT text model.

    Args:
        name, description: str. Model name and description.
        inputs: list of str. Input tensor names in the model's input order.
        outputs: list of str. Output tensor names in the model's output order.
        labels: list of str or None. Written as `labels.txt`, TENSOR_AXIS_LABELS of
            the output named `probability` (or the only output).
    """
    builder = flatbuffers.Builder(1024)
    spiece = _associated_file(builder, TASK_LIBRARY_SPIECE_FILE,
                              "SentencePiece model of the tokenizer, ALBERT's preprocessing "
                              "in its normalizer.")
    options = _table(builder, [(0, "offset", _vector(builder, [spiece]))])
    unit = _table(builder, [(0, "byte", SENTENCE_PIECE_OPTIONS), (1, "offset", options)])
    input_md = [_tensor(builder, n, _DESCRIPTIONS.get(n, n)) for n in inputs]
    output_md = []
    for out in outputs:
        files = ()
        if labels and (out == "probability" or len(outputs) == 1):
            files = ((LABELS_FILE, "Label names, one per line, in id order.",
                      TENSOR_AXIS_LABELS),)
        output_md.append(_tensor(builder, out, f"{out} of the model.", files))
    subgraph = _table(builder, [
        (2, "offset", _vector(builder, input_md)), (3, "offset", _vector(builder, output_md)),
        (5, "offset", _vector(builder, [unit]))])
    fields = [(0, "offset", _string(builder, name)), (1, "offset", _string(builder, description)),
              (3, "offset", _vector(builder, [subgraph])),
              (7, "offset", _string(builder, MIN_PARSER_VERSION))]
    root = _table(builder, fields)
    builder.Finish(root, file_identifier=FILE_IDENTIFIER)
    return bytes(builder.Output())


def tokenizer_files(tokenizer):
    """{file name: bytes}: the tokenizer's `spiece.model` and the Task Library's rebuilt copy."""
    proto = tokenizer.sp_model.serialized_model_proto()
    return {SPIECE_FILE: proto,
            TASK_LIBRARY_SPIECE_FILE: task_library_model_proto(
                proto, tokenizer.do_lower_case, tokenizer.keep_accents)}


def populate(model_bytes, metadata, files):
    """Attaches `metadata` as TFLITE_METADATA and appends `files` ({name: bytes}) as a zip."""
    model = flatbuffer_utils.convert_bytearray_to_object(bytearray(model_bytes))
    model.metadata = [m for m in (model.metadata or [])
                      if m.name not in (METADATA_NAME.encode(), METADATA_NAME)]
    buffer = schema.BufferT()
    buffer.data = np.frombuffer(metadata, np.uint8)
    model.buffers.append(buffer)
    entry = schema.MetadataT()
    entry.name = METADATA_NAME
    entry.buffer = len(model.buffers) - 1
    model.metadata.append(entry)
    out = io.BytesIO()
    out.write(bytes(flatbuffer_utils.convert_object_to_bytearray(model)))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()
