"""Reading a .tflite file's metadata: its signature, the Task Library `ModelMetadata` and the
associated files, and the names of those files.

Below both the exporter (`export/metadata.py` writes what this reads) and the pipelines (their
TFLite runtime reads it), with LiteRT's schema and `flatbuffers` alone: no TensorFlow.
"""

import io
import zipfile

import flatbuffers
from ai_edge_litert import schema_py_generated as schema  # LiteRT's copy: no TensorFlow needed
from flatbuffers import table as fb_table

TFLITE_IDENTIFIER = b"TFL3"  # bytes 4..8 of every TFLite flatbuffer
METADATA_NAME = "TFLITE_METADATA"
FILE_IDENTIFIER = b"M001"
SPIECE_FILE = "spiece.model"
TASK_LIBRARY_SPIECE_FILE = "task_library_spiece.model"
LABELS_FILE = "labels.txt"
CONFIG_FILE = "config.json"


def signature_entries(model_bytes):
    """(main subgraph, {"inputs" | "outputs": {name: tensor index}}) of the main signature."""
    model = schema.Model.GetRootAsModel(model_bytes, 0)
    signature = model.SignatureDefs(0)
    entries = {side: {getter(i).Name().decode(): getter(i).TensorIndex() for i in range(count)}
               for side, getter, count in (
                   ("inputs", signature.Inputs, signature.InputsLength()),
                   ("outputs", signature.Outputs, signature.OutputsLength()))}
    return model.Subgraphs(0), entries


def has_int8_weights(model_bytes):
    """True when the main subgraph holds int8 constant tensors (a quantized file's weights)."""
    model = schema.Model.GetRootAsModel(model_bytes, 0)
    graph = model.Subgraphs(0)
    for i in range(graph.TensorsLength()):
        tensor = graph.Tensors(i)
        if (tensor.Type() == schema.TensorType.INT8 and tensor.Buffer() > 0
                and model.Buffers(tensor.Buffer()).DataLength() > 0):
            return True
    return False


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
    if len(tflite_bytes) < 8 or bytes(tflite_bytes[4:8]) != TFLITE_IDENTIFIER:
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
