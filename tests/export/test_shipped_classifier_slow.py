"""The shipped SST-2 classifier through every TFLite mode: SST-2 dev accuracy kept (slow).

Full-integer int8 and int16x8 once collapsed to chance (0.52 against 0.76): the calibration
fed `segment_ids` (all zeros) as the attention mask, and the -1e4 padding mask made int8
steps of 39 in the attention scores. Both are fixed (`albert_keras/export/quantization.py`,
`albert_keras/export/tflite.py`); this test keeps them fixed.
"""

import os

import pytest

from albert_keras import export
from albert_keras.shipped import shipped_path
from tests.test_shipped_models import DATA, _sst2_dev

pytestmark = pytest.mark.slow
# Measured on the shipped model (872 dev sentences, sequence length 64, calibrated on 200
# Wikipedia sentences, 2026-11-24, fine-tuned from albert-tiny-en with its 384-token stage):
# accuracy float32 0.804, float16 0.804, dynamic 0.804, int8 0.799, int16x8 0.806; label
# agreement with Keras 1.0, 1.0, 0.986, 0.972, 0.998. Full-integer modes may lose one point
# (issue #7). Dynamic range changes 12 labels (max probability difference 3.6e-2) and none of
# them moves the accuracy; the classifier shipped before agreed 0.997 with a larger difference
# (7.6e-2): agreement depends on how many sentences sit near 0.5, so its floor is 0.98.
MAX_DROP = {"float32": 0.0, "float16": 0.002, "dynamic": 0.01, "int8": 0.01, "int16x8": 0.01}
MIN_AGREEMENT = {"float32": 0.99, "float16": 0.99, "dynamic": 0.98, "int8": 0.96,
                 "int16x8": 0.98}


def test_every_tflite_mode_keeps_shipped_classifier_accuracy(tmp_path):
    texts, labels = _sst2_dev()
    with open(os.path.join(DATA, "enwiki_sample.txt"), encoding="utf-8") as handle:
        calibration = [line.strip() for line in handle if line.strip()][:200]
    report = export.export_tflite(shipped_path("albert-tiny-en-sst2"), str(tmp_path),
                                  "text-classification", quantize=list(MAX_DROP),
                                  sequence_length=64, texts=texts, eval_set=(texts, list(labels)),
                                  calibration_texts=calibration, latency_runs=2)
    print(report.table())
    for mode, drop in MAX_DROP.items():
        row = report.result(mode)
        assert row.passed and row.label_agreement >= MIN_AGREEMENT[mode], report.table()
        assert row.accuracy_keras - row.accuracy_artifact <= drop + 1e-9, (mode, report.table())
    assert report.result("float32").accuracy_keras >= 0.75


def test_the_pipelines_int8_file_keeps_the_shipped_classifier_within_bounds(tmp_path):
    """The any-length dynamic-range file `pipeline()` runs fastest (issue #24's int8 bound):
    cosine >= 0.999 to Keras and >= 99% equal labels on all of SST-2 dev (measured
    2026-12-07: 0.99992 and 0.993)."""
    texts, _ = _sst2_dev()
    report = export.export_tflite(shipped_path("albert-tiny-en-sst2"), str(tmp_path),
                                  "text-classification", quantize="dynamic",
                                  sequence_length=None, texts=texts, latency_runs=0)
    row = report.result("dynamic")
    assert row.passed and row.label_agreement >= 0.99, report.table()
    assert min(o["cosine"] for o in row.outputs.values()) >= 0.999, report.table()
