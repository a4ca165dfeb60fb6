"""LiteRT's `CompiledModel` with XNNPACK's weight cache: ALBERT's shared weights packed once.

ALBERT applies one layer's weights at every depth, so an exported file has (for
albert-base) 72 FULLY_CONNECTED ops reading six weight tensors. The classic LiteRT
`Interpreter` lets XNNPACK pack each op's weights for itself: twelve packed copies of
the layer, several times the file's size at peak. With the weight cache
(`xnnpack_weight_cache_path=":memory"`, kept in memory, nothing written to disk) each
tensor is packed once, at the same speed (figures: benchmarks/README.md, memory).

`CompiledModel` does not size outputs after a resize, so outputs are host buffers shaped
from the file's signature: every dynamic output axis after the batch is the sequence.

Example:
>>> # runner = SharedWeightsRunner(open("albert-fill-mask-float32.tflite", "rb").read())
>>> # runner(ids=ids, mask=mask, segment_ids=segments)["logits"].shape  # (1, 128, 30000)
>>> from albert_keras.pipelines.litert import output_shape
>>> output_shape((-1, -1, 30000), batch=2, width=9)
(2, 9, 30000)
"""

import contextlib
import functools
import os

import ai_edge_litert
import numpy as np

from albert_keras.native_logs import quiet_at_exit, quiet_native_stderr
from albert_keras.tflite_metadata import signature_entries

IN_MEMORY_WEIGHT_CACHE = ":memory"  # XNNPACK's name for a cache that is never written to disk
_DTYPES = {0: np.float32, 2: np.int32, 4: np.int64, 9: np.int8, 3: np.uint8}  # TensorType


def output_shape(signature, batch, width):
    """The shape of an output whose signature is `signature` for a (batch, width) input:
    one row per input row (a batch-1 file is called row by row), and every other dynamic
    axis is the sequence."""
    return (int(batch), *(int(width if d == -1 else d) for d in signature[1:]))


def signature_tensors(data):
    """{"inputs" | "outputs": {name: (shape signature, numpy dtype)}} of the main signature."""
    graph, entries = signature_entries(data)
    found = {}
    for side, names in entries.items():
        found[side] = {}
        for name, index in names.items():
            tensor = graph.Tensors(index)
            if tensor.Type() not in _DTYPES:
                raise ValueError(f"{side[:-1]} {name!r} has TFLite tensor type {tensor.Type()}, "
                                 f"which this runner does not read")
            shape = (tensor.ShapeSignatureAsNumpy() if tensor.ShapeSignatureLength()
                     else tensor.ShapeAsNumpy())
            found[side][name] = (tuple(int(d) for d in shape), _DTYPES[tensor.Type()])
    return found


@functools.lru_cache(maxsize=1)
def _environment():
    """One LiteRT environment per process, shared by every model."""
    # local: LiteRT's native runtime; importing the pipelines needs none
    from ai_edge_litert.environment import Environment, EnvironmentOptions

    quiet_at_exit()  # LiteRT logs each accelerator it destroys when the process ends
    with quiet_native_stderr():
        return Environment.create(options=EnvironmentOptions(
            runtime_path=os.path.dirname(os.path.abspath(ai_edge_litert.__file__))))


class SharedWeightsRunner:
    """Runs a .tflite file's main signature on the CPU, its weights packed once.

    Args:
        data: bytes. The .tflite file.
        num_threads: int. CPU threads.

    `inputs` / `outputs`: {name: (shape signature, dtype)}; calling it with numpy
    arrays by input name returns {output name: numpy array}, resizing dynamic inputs.

    Example:
    >>> # runner = SharedWeightsRunner(open("model.tflite", "rb").read(), num_threads=2)
    >>> # runner(ids=ids, mask=mask, segment_ids=segments)  # {"probability": (1, 2) array}
    >>> SharedWeightsRunner(b"not a model", num_threads=1)
    Traceback (most recent call last):
    ...
    ValueError: not a TFLite flatbuffer (file identifier TFL3 missing)
    """

    def __init__(self, data, num_threads):
        # local: LiteRT's native runtime (0.5 s to import); importing the pipelines needs none
        from ai_edge_litert.compiled_model import CompiledModel
        from ai_edge_litert.cpu_options import CpuOptions
        from ai_edge_litert.options import Options

        if len(data) < 8 or bytes(data[4:8]) != b"TFL3":
            raise ValueError("not a TFLite flatbuffer (file identifier TFL3 missing)")
        tensors = signature_tensors(data)
        self.inputs, self.outputs = tensors["inputs"], tensors["outputs"]
        options = Options(cpu_options=CpuOptions(
            num_threads=num_threads, xnnpack_weight_cache_path=IN_MEMORY_WEIGHT_CACHE))
        with quiet_native_stderr():
            self._model = CompiledModel.from_buffer(bytes(data), environment=_environment(),
                                                    options=options)
        self._key = next(iter(self._model.get_signature_list()))
        self._shape = None
        self._first_call = True

    def __call__(self, **arrays):
        from ai_edge_litert.tensor_buffer import TensorBuffer  # local: as in __init__

        shape = next(iter(arrays.values())).shape
        if shape != self._shape:
            for name, (signature, _) in self.inputs.items():
                if -1 in signature:
                    self._model.resize_input_tensor_by_name(self._key, name, list(shape))
            self._shape = shape
        # LiteRT sets up its buffer environment (and logs it) at the first buffer made.
        with quiet_native_stderr() if self._first_call else contextlib.nullcontext():
            inputs = {}
            for name, (_, dtype) in self.inputs.items():
                inputs[name] = self._model.create_input_buffer_by_name(self._key, name)
                inputs[name].write(np.ascontiguousarray(arrays[name], dtype).ravel())
            shapes = {name: output_shape(signature, shape[0], shape[-1])
                      for name, (signature, _) in self.outputs.items()}
            outputs = {name: TensorBuffer.create_from_host_memory(np.zeros(shapes[name], dtype))
                       for name, (_, dtype) in self.outputs.items()}
        self._first_call = False
        self._model.run_by_name(self._key, inputs, outputs)
        return {name: buffer.read(int(np.prod(shapes[name])), self.outputs[name][1])
                .reshape(shapes[name]) for name, buffer in outputs.items()}
