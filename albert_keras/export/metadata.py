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
from flatbuffers import table as fb_table

METADATA_NAME = "TFLITE_METADATA"
FILE_IDENTIFIER = b"M001"
MIN_PARSER_VERSION = "1.1.0"  # SentencePieceTokenizerOptions / input_process_units
TENSOR_AXIS_LABELS = 2  # AssociatedFileType
FEATURE_PROPERTIES = 1  # ContentProperties union: FeatureProperties
SENTENCE_PIECE_OPTIONS = 5  # ProcessUnitOptions union: SentencePieceTokenizerOptions
SPIECE_FILE = "spiece.model"
TASK_LIBRARY_SPIECE_FILE = "task_library_spiece.model"
LABELS_FILE = "labels.txt"
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
    from albert_keras.tokenization.task_library_spiece import task_library_model_proto

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


def signature_entries(model_bytes):
    """(main subgraph, {"inputs" | "outputs": {name: tensor index}}) of the main signature."""
    model = schema.Model.GetRootAsModel(model_bytes, 0)
    signature = model.SignatureDefs(0)
    entries = {side: {getter(i).Name().decode(): getter(i).TensorIndex() for i in range(count)}
               for side, getter, count in (
                   ("inputs", signature.Inputs, signature.InputsLength()),
                   ("outputs", signature.Outputs, signature.OutputsLength()))}
    return model.Subgraphs(0), entries


def io_names(model_bytes):
    """(input names, output names) of the main signature, in subgraph tensor order."""
    graph, entries = signature_entries(model_bytes)
    by_index = {index: name for side in entries.values() for name, index in side.items()}
    inputs = [by_index[graph.Inputs(i)] for i in range(graph.InputsLength())]
    outputs = [by_index[graph.Outputs(i)] for i in range(graph.OutputsLength())]
    return inputs, outputs


# ------------------------------------------------------------------ reading
class _Table:
    """Minimal reader of one flatbuffer table by field slot."""

    def __init__(self, buf, pos):
        self.t = fb_table.Table(buf, pos)

    def _offset(self, slot):
        return self.t.Offset(4 + 2 * slot)

    def string(self, slot):
        o = self._offset(slot)
        return self.t.String(o + self.t.Pos).decode() if o else None

    def byte(self, slot):
        o = self._offset(slot)
        return self.t.Get(flatbuffers.number_types.Uint8Flags, o + self.t.Pos) if o else 0

    def table(self, slot):
        o = self._offset(slot)
        return _Table(self.t.Bytes, self.t.Indirect(o + self.t.Pos)) if o else None

    def tables(self, slot):
        o = self._offset(slot)
        if not o:
            return []
        start = self.t.Vector(o)
        return [_Table(self.t.Bytes, self.t.Indirect(start + 4 * i))
                for i in range(self.t.VectorLen(o))]


def _file(entry):
    return {"name": entry.string(0), "description": entry.string(1), "type": entry.byte(2)}


def read_metadata(tflite_bytes):
    """The metadata and associated files of a .tflite file, as plain dicts.

    Returns:
        dict with `name`, `description`, `min_parser_version`, `inputs` and `outputs`
        (lists of {name, description, content_type, associated_files}),
        `input_process_units` (list of {type, sentencepiece_model}) and `files`
        ({name: bytes} from the appended zip). None if the file has no metadata.
    """
    if len(tflite_bytes) < 8 or bytes(tflite_bytes[4:8]) != b"TFL3":
        raise ValueError("not a TFLite flatbuffer (file identifier TFL3 missing)")
    model = schema.Model.GetRootAsModel(tflite_bytes, 0)
    buffer_index = None
    for i in range(model.MetadataLength()):
        if model.Metadata(i).Name().decode() == METADATA_NAME:
            buffer_index = model.Metadata(i).Buffer()
    if buffer_index is None:
        return None
    buffer = model.Buffers(buffer_index)
    data = bytes(buffer.DataAsNumpy()) if buffer.DataLength() else bytes(
        tflite_bytes[buffer.Offset():buffer.Offset() + buffer.Size()])
    if data[4:8] != FILE_IDENTIFIER:
        raise ValueError(f"metadata buffer has identifier {data[4:8]!r}, not {FILE_IDENTIFIER!r}")
    root = _Table(data, flatbuffers.encode.Get(flatbuffers.packer.uoffset, data, 0))
    subgraph = root.tables(3)[0]

    def tensor(t):
        content = t.table(3)
        return {"name": t.string(0), "description": t.string(1),
                "content_type": content.byte(0) if content else 0,
                "associated_files": [_file(f) for f in t.tables(6)]}

    units = []
    for unit in subgraph.tables(5):
        options = unit.table(1)
        units.append({"type": unit.byte(0),
                      "sentencepiece_model": [_file(f) for f in options.tables(0)]})
    with zipfile.ZipFile(io.BytesIO(tflite_bytes)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    return {"name": root.string(0), "description": root.string(1),
            "min_parser_version": root.string(7),
            "inputs": [tensor(t) for t in subgraph.tables(2)],
            "outputs": [tensor(t) for t in subgraph.tables(3)],
            "input_process_units": units, "files": files}
