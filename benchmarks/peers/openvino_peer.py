"""OpenVINO (CPU): the ONNX export read by OpenVINO, fp32 or NNCF post-training int8."""

import numpy as np

from benchmarks.peers.onnxruntime_peer import OnnxRuntime


class OpenVino(OnnxRuntime):
    """A model compiled for "CPU" in fp32 (OpenVINO's bf16 default turned off) or, with
    `bf16`, in bfloat16 (its default on AVX512_BF16 / AMX CPUs); raw text as the ONNX
    Runtime peer does it."""

    def __init__(self, int8, bf16=False):
        super().__init__(int8)
        self.bf16 = bf16

    def build_check(self, where):
        """`benchmarks.openvino_build.check`: run before any timing, fp32 and int8 alike."""
        from benchmarks import openvino_build

        return openvino_build.check(where["openvino_int8" if self.int8 else "openvino_fp32"],
                                    where["model"], self.int8, bf16=self.bf16)

    def load(self, where):
        import openvino

        from benchmarks.openvino_build import BF16, FP32

        path = where["openvino_int8" if self.int8 else "openvino_fp32"]
        self.compiled = openvino.Core().compile_model(str(path), "CPU",
                                                      BF16 if self.bf16 else FP32)
        self.folder = str(where["model"])

    def forward(self, input_ids, attention_mask):
        ids = np.asarray(input_ids, dtype=np.int64)
        return self.compiled({"input_ids": ids,
                              "attention_mask": np.asarray(attention_mask, dtype=np.int64),
                              "token_type_ids": np.zeros_like(ids)})[0]
