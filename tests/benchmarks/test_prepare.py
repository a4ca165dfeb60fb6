"""`prepare-keras` builds only the exports the requested sections time (issue #24)."""

from benchmarks import workload


def test_each_section_asks_for_its_own_exports():
    assert workload.keras_exports(["train"]) == {"saved_model": False, "tflite": {}}
    dense_text = workload.keras_exports(["dense", "text"])
    assert dense_text["saved_model"]
    assert dense_text["tflite"] == {"128": ["float32", "dynamic", "int8"],
                                    "384": ["float32", "dynamic"], "any": ["float32", "dynamic"]}
    assert "int16x8" not in str(dense_text)  # the slowest export, only the tflite section's
    assert workload.keras_exports(["tflite"])["tflite"] == {
        "128": ["float32", "float16", "dynamic", "int8", "int16x8"]}


def test_prepare_exports_only_what_is_missing(tmp_path, monkeypatch):
    import albert_keras.export as export

    where = workload.paths(str(tmp_path))
    (where["keras_hub"]).mkdir(parents=True)
    (where["keras_hub"] / "config.json").write_text("{}")
    where["saved_model"].mkdir(parents=True)
    present = where["tflite"] / "128"
    present.mkdir(parents=True)
    for mode in ("float32", "dynamic", "int8"):
        (present / f"albert-text-classification-{mode}.tflite").write_bytes(b"")
    calls = []
    monkeypatch.setattr(export, "export_tflite",
                        lambda model, out, task, quantize, **kwargs: calls.append(
                            (out.name, quantize, kwargs["sequence_length"])))
    monkeypatch.setattr(export, "export_saved_model", lambda *a, **k: calls.append("saved"))
    monkeypatch.setattr(workload, "sst2_dev", lambda: (["a film"] * 200, [1] * 200))
    workload.prepare_keras(str(tmp_path), ["dense"])
    assert calls == [("384", ["float32", "dynamic"], 384), ("any", ["float32", "dynamic"], None)]
