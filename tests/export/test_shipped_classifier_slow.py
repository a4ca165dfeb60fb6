"""The shipped SST-2 classifier through the float TFLite modes: SST-2 dev accuracy kept (slow).

Full-integer int8 and int16x8 of this model are not yet usable: measured (calibration on
200 Wikipedia sentences) int8 dev accuracy 0.517-0.522 and int16x8 0.532 against 0.760 in
float, label agreement 0.53-0.56; adding short (padded) calibration texts did not change it.
Issue #5 tracks finding the cause; until then these modes are not asserted here.
"""

import os

import pytest

from albert_keras import export
from albert_keras.shipped import shipped_path
from tests.test_shipped_models import DATA, _sst2_dev

pytestmark = pytest.mark.slow
# Measured on the shipped model: accuracy float32 0.760, float16 0.760, dynamic 0.761.
MAX_DROP = {"float32": 0.0, "float16": 0.002, "dynamic": 0.01}


def test_float_tflite_modes_keep_shipped_classifier_accuracy(tmp_path):
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
        assert row.passed and row.label_agreement >= 0.99, report.table()
        assert row.accuracy_keras - row.accuracy_artifact <= drop + 1e-9, (mode, report.table())
    assert report.result("float32").accuracy_keras >= 0.75
