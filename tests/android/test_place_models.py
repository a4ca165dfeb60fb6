"""android_demo/place_models.py: export folder -> app assets + models.json (fast, no TensorFlow)."""

import io
import json
import os
import pathlib
import re
import zipfile

import pytest

from tests.android.conftest import ANDROID_DEMO

SPIECE = b"\x0a\x05fake-spm"  # the script only checks that the file is packed, not its content


def _flatbuffer(operators=()):
    """A minimal TFLite Model flatbuffer: only `operator_codes` [(builtin code, version)]."""
    import flatbuffers

    builder = flatbuffers.Builder(256)
    codes = []
    for code, version in operators:
        builder.StartObject(4)  # OperatorCode: deprecated_builtin_code, custom_code, version, builtin_code
        builder.PrependInt8Slot(0, min(code, 127), 0)
        builder.PrependInt32Slot(2, version, 1)
        builder.PrependInt32Slot(3, code, 0)
        codes.append(builder.EndObject())
    builder.StartVector(4, len(codes), 4)
    for offset in reversed(codes):
        builder.PrependUOffsetTRelative(offset)
    vector = builder.EndVector()
    builder.StartObject(8)  # Model: version, operator_codes, ...
    builder.PrependUOffsetTRelativeSlot(1, vector, 0)
    builder.Finish(builder.EndObject(), file_identifier=b"TFL3")
    return bytes(builder.Output())


FULLY_CONNECTED = 9  # BuiltinOperator code in the TFLite schema


def _tflite(files, operators=((FULLY_CONNECTED, 9),)):
    """Bytes shaped like an exported file: a TFLite flatbuffer, then the zip of packed files."""
    out = io.BytesIO()
    out.write(_flatbuffer(operators))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_STORED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def _export(folder, task, modes, length=128, labels=("negative", "positive"), failed=(),
            files=None, fc_versions=None):
    """An export folder as `albert-keras export tflite` writes it: files plus report JSON."""
    os.makedirs(folder, exist_ok=True)
    results = []
    for i, mode in enumerate(modes):
        packed = {"spiece.model": SPIECE}
        if task == "text-classification":
            packed["labels.txt"] = ("\n".join(labels) + "\n").encode()
        path = os.path.join(folder, f"albert-{task}-{mode}.tflite")
        with open(path, "wb") as handle:
            handle.write(_tflite(files if files is not None else packed,
                                 ((FULLY_CONNECTED, (fc_versions or {}).get(mode, 9)),)))
        results.append({"artifact": path, "format": "tflite", "mode": mode,
                        "size_bytes": os.path.getsize(path),
                        "outputs": {"probability": {"max_abs_diff": 1e-6, "cosine": 0.999 - i / 100}},
                        "label_agreement": 1.0, "accuracy_keras": 0.76,
                        "accuracy_artifact": 0.76 - i / 1000, "latency_ms": {"1": 3.0 + i, "2": 2.0},
                        "checks": {}, "failures": ["cosine 0.2 < 0.5"] if mode in failed else [],
                        "passed": mode not in failed})
    report = {"task": task, "model_dir": "albert-tiny-en-sst2", "sequence_length": length,
              "passed": not failed, "results": results}
    with open(os.path.join(folder, f"albert-{task}-report.json"), "w") as handle:
        json.dump(report, handle)
    return folder


def test_places_models_and_writes_the_manifest(place_models, tmp_path):
    cls = _export(str(tmp_path / "cls"), "text-classification", ["float32", "dynamic"])
    qa = _export(str(tmp_path / "qa"), "question-answering", ["float16"], length=384)
    assets = tmp_path / "assets"
    assert place_models.main([cls, qa, "--assets", str(assets)]) == 0
    manifest = json.loads((assets / "models.json").read_text())
    assert manifest["format"] == 1
    by_file = {m["file"]: m for m in manifest["models"]}
    assert sorted(by_file) == sorted(os.listdir(assets))[:-1] == [
        "albert-question-answering-float16.tflite", "albert-text-classification-dynamic.tflite",
        "albert-text-classification-float32.tflite"]
    dynamic = by_file["albert-text-classification-dynamic.tflite"]
    assert dynamic == {"task": "text-classification", "mode": "dynamic",
                       "file": "albert-text-classification-dynamic.tflite",
                       "size_bytes": os.path.getsize(os.path.join(cls, dynamic["file"])),
                       "labels": ["negative", "positive"], "sequence_length": 128,
                       "accuracy": 0.759, "latency_ms": 4.0, "label_agreement": 1.0,
                       "min_cosine": 0.989}
    qa_entry = by_file["albert-question-answering-float16.tflite"]
    assert qa_entry["labels"] == [] and qa_entry["sequence_length"] == 384
    # The copies are byte-identical to the export.
    for name in by_file:
        source = pathlib.Path(cls if "classification" in name else qa, name)
        assert (assets / name).read_bytes() == source.read_bytes()


def test_manifest_has_every_key_the_kotlin_catalog_reads(place_models, tmp_path):
    """The app's ModelCatalog.parse and this script must agree on the manifest's field names."""
    source = pathlib.Path(ANDROID_DEMO, "core", "src", "main", "kotlin", "org", "albertkeras",
                          "demo", "core", "ModelCatalog.kt").read_text(encoding="utf-8")
    read = set(re.findall(r'(?:text|whole)\("(\w+)"\)|m\["(\w+)"\]', source))
    keys = {a or b for a, b in read}
    assert {"task", "mode", "file", "size_bytes", "sequence_length", "labels", "accuracy",
            "latency_ms"} == keys
    folder = _export(str(tmp_path / "cls"), "text-classification", ["float32"])
    manifest = place_models.place([folder], str(tmp_path / "assets"))
    assert keys <= set(manifest["models"][0])
    assert 'root["format"]' in source and "FORMAT = 1" in source


def test_modes_filter_and_stale_models_are_removed(place_models, tmp_path):
    cls = _export(str(tmp_path / "cls"), "text-classification", ["float32", "float16", "dynamic"])
    assets = tmp_path / "assets"
    place_models.place([cls], str(assets))
    assert len(list(assets.glob("*.tflite"))) == 3
    place_models.place([cls], str(assets), modes=["dynamic"])
    assert sorted(p.name for p in assets.glob("*.tflite")) == [
        "albert-text-classification-dynamic.tflite"]
    (assets / "my-notes.txt").write_text("kept")  # files the manifest never listed stay
    place_models.place([cls], str(assets), modes=["float16"])
    assert (assets / "my-notes.txt").exists()
    assert [m["mode"] for m in json.loads((assets / "models.json").read_text())["models"]] == [
        "float16"]


def test_other_tasks_are_skipped_with_a_note(place_models, tmp_path, capsys):
    folder = _export(str(tmp_path / "out"), "text-classification", ["float32"])
    _export(folder, "fill-mask", ["float32"])
    assert place_models.main([folder, "--assets", str(tmp_path / "assets")]) == 0
    out = capsys.readouterr().out
    assert "skipped albert-fill-mask-float32.tflite: the app has no fill-mask screen" in out
    assert not (tmp_path / "assets" / "albert-fill-mask-float32.tflite").exists()


@pytest.mark.parametrize("case, message", [
    ("qa128", ("sequence length 128, but BertQuestionAnswerer fills 384 tokens; export with "
               "--sequence-length 384")),
    ("no_spiece", "no spiece.model inside"),
    ("no_labels", "no labels.txt inside"),
    ("not_tflite", "not a TFLite file"),
])
def test_unusable_files_are_refused_and_nothing_is_written(place_models, tmp_path, capsys,
                                                           case, message):
    folder = str(tmp_path / "out")
    _export(folder, "text-classification", ["float32"])  # a good file beside the bad one
    if case == "qa128":
        _export(folder, "question-answering", ["float32"], length=128)
    elif case == "no_spiece":
        _export(folder, "text-classification", ["dynamic"], files={"labels.txt": b"a\nb\n"})
    elif case == "no_labels":
        _export(folder, "text-classification", ["dynamic"], files={"spiece.model": SPIECE})
    else:
        with open(os.path.join(folder, "albert-text-classification-int8.tflite"), "wb") as h:
            h.write(b"PK\x03\x04 not a model")
    assets = tmp_path / "assets"
    assert place_models.main([folder, "--assets", str(assets)]) == 1
    assert message in capsys.readouterr().err
    assert not assets.exists()


def test_files_that_failed_verification_are_skipped_unless_asked(place_models, tmp_path,
                                                                 capsys):
    folder = _export(str(tmp_path / "out"), "text-classification", ["float32", "int8"],
                     failed=("int8",))
    assert place_models.main([folder, "--assets", str(tmp_path / "assets")]) == 0
    assert ("skipped albert-text-classification-int8.tflite: failed its export verification "
            "(cosine 0.2 < 0.5)") in capsys.readouterr().out
    assert not (tmp_path / "assets" / "albert-text-classification-int8.tflite").exists()
    manifest = place_models.place([folder], str(tmp_path / "assets2"), include_failed=True)
    assert [m["mode"] for m in manifest["models"]] == ["float32", "int8"]


def test_empty_folder_is_an_error(place_models, tmp_path, capsys):
    assert place_models.main([str(tmp_path), "--assets", str(tmp_path / "assets")]) == 2
    assert "no albert-{text-classification,question-answering}-MODE.tflite" in (
        capsys.readouterr().err)


def test_operators_newer_than_the_task_library_runtime_are_skipped(place_models, tmp_path,
                                                                   capsys):
    folder = _export(str(tmp_path / "out"), "text-classification", ["float32", "dynamic"],
                     fc_versions={"dynamic": 12})
    data = pathlib.Path(folder, "albert-text-classification-dynamic.tflite").read_bytes()
    assert place_models.operator_versions(data) == {"FULLY_CONNECTED": 12}
    assert place_models.main([folder, "--assets", str(tmp_path / "assets")]) == 0
    assert ("skipped albert-text-classification-dynamic.tflite: FULLY_CONNECTED version 12 is "
            "newer than the Task Library 0.4.4 runtime loads") in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "assets").glob("*.tflite")) == [
        "albert-text-classification-float32.tflite"]


def test_int16x8_is_skipped_because_the_task_library_cannot_run_it(place_models, tmp_path,
                                                                   capsys):
    folder = _export(str(tmp_path / "out"), "text-classification", ["float16", "int16x8"])
    assert place_models.main([folder, "--assets", str(tmp_path / "assets")]) == 0
    assert ("skipped albert-text-classification-int16x8.tflite: the Task Library 0.4.4 runtime "
            "fails AllocateTensors()") in capsys.readouterr().out
    assert [m["mode"] for m in json.loads((tmp_path / "assets" / "models.json").read_text())[
        "models"]] == ["float16"]
