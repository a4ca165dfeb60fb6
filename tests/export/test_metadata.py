"""Task Library metadata read back field by field (BertNLClassifier / BertQuestionAnswerer)."""

import pytest
from albert_keras.export import metadata

from tests.export.conftest import SEQUENCE_LENGTH
from tests.export.test_tflite import _export, classification  # noqa: F401 (fixture)


def _check_common(meta, spiece_path):
    assert meta["min_parser_version"] == "1.1.0"
    # BertNLClassifier / BertQuestionAnswerer find the inputs by these metadata names.
    assert sorted(t["name"] for t in meta["inputs"]) == ["ids", "mask", "segment_ids"]
    assert all(t["content_type"] == metadata.FEATURE_PROPERTIES for t in meta["inputs"])
    # The tokenizer: input_process_units[0] = SentencePieceTokenizerOptions(spiece.model).
    unit = meta["input_process_units"][0]
    assert unit["type"] == metadata.SENTENCE_PIECE_OPTIONS
    assert unit["sentencepiece_model"][0]["name"] == metadata.TASK_LIBRARY_SPIECE_FILE
    with open(spiece_path, "rb") as handle:
        assert meta["files"]["spiece.model"] == handle.read()


def test_classifier_metadata(classification, export_spiece):  # noqa: F811
    from ai_edge_litert.interpreter import Interpreter

    _, folder = classification
    data = (folder / "albert-text-classification-float32.tflite").read_bytes()
    meta = metadata.read_metadata(data)
    _check_common(meta, export_spiece)
    interpreter = Interpreter(model_content=data)
    details = interpreter.get_input_details()
    names = [d["name"].replace("serving_default_", "").split(":")[0] for d in details]
    assert [t["name"] for t in meta["inputs"]] == names  # metadata follows the input order
    assert all(d["dtype"].__name__ == "int32" and list(d["shape"]) == [1, SEQUENCE_LENGTH]
               for d in details)
    # Exactly one output, named "probability", with the labels file as TENSOR_AXIS_LABELS.
    assert len(interpreter.get_output_details()) == 1
    (output,) = meta["outputs"]
    assert output["name"] == "probability"
    (labels,) = output["associated_files"]
    assert labels["name"] == "labels.txt" and labels["type"] == metadata.TENSOR_AXIS_LABELS
    assert meta["files"]["labels.txt"].decode().split() == ["LABEL_0", "LABEL_1", "LABEL_2"]


def test_question_answerer_metadata(make_model_dir, export_texts, tmp_path, export_spiece):
    _export(make_model_dir, export_texts, tmp_path, "question-answering", "float32")
    data = (tmp_path / "albert-question-answering-float32.tflite").read_bytes()
    meta = metadata.read_metadata(data)
    _check_common(meta, export_spiece)
    # BertQuestionAnswerer looks the outputs up by name; its fallback order is end, start.
    assert [t["name"] for t in meta["outputs"]] == ["end_logits", "start_logits"]
    assert "labels.txt" not in meta["files"]


def test_file_without_metadata_reads_none():
    import flatbuffers

    builder = flatbuffers.Builder(64)
    builder.StartObject(8)
    builder.Finish(builder.EndObject(), file_identifier=b"TFL3")
    assert metadata.read_metadata(bytes(builder.Output())) is None


def test_metadata_round_trip_without_model():
    data = metadata.build_metadata("m", "d", ["ids", "mask", "segment_ids"], ["probability"],
                                   labels=["neg", "pos"])
    assert data[4:8] == b"M001"
    with pytest.raises(ValueError, match="TFL3"):
        metadata.read_metadata(b"not a model")
