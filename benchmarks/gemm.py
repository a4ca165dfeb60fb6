"""The machine's matrix-product limits, measured in the suite's run: fp32, bf16 and int8 GEMMs.

Each row is `{"library", "precision", "shape", "gflops"}` (for int8, giga integer
operations per second: 2 per multiply-add, as for the floats); `peaks(rows)` is the best
per precision, what a dense row's "of peak" is measured against. The int8 GEMMs run
through the kernels the int8 rows use: ONNX Runtime's `MatMulInteger` (uint8 x int8 ->
int32) and LiteRT's dynamic-range FULLY_CONNECTED through XNNPACK (float activations
quantized per row, int8 weights), at 1024 x 4096 x 4096 (batch 8 x 128 tokens through a
4096-wide dense layer).

The suite measures each kernel (`KERNELS`) in its own worker process: measured one after
another in one process, the int8 GEMMs ran at less than half speed (1574 against 3761 GOP/s
for ONNX Runtime's) while the threads PyTorch and TensorFlow had started kept the cores.

    python -c "from benchmarks import gemm; print(gemm.peaks(gemm.measure(repeats=1)))"
"""

import functools
import os
import tempfile

import numpy as np

from benchmarks.peers.timing import median_seconds

INT8_SHAPE = (1024, 4096, 4096)  # (M, K, N)


def _best(fn, repeats):
    fn()
    return min(median_seconds(fn, 1, warmup=0) for _ in range(repeats))


def _row(library, precision, shape, fn, repeats):
    m, k, n = shape
    return {"library": library, "precision": precision, "shape": "x".join(map(str, shape)),
            "gflops": 2 * m * k * n / _best(fn, repeats) / 1e9}


def _float_square(library, precision, n, repeats):
    """One n^3 float GEMM of `library` ("numpy", "torch", "tensorflow XLA", "tensorflow")."""
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    if library == "numpy":
        fn = lambda: a @ a  # noqa: E731
    elif library == "torch":
        import torch  # local: each kernel imports only its own library (see the module docstring)

        torch.set_num_threads(os.cpu_count())
        t = torch.from_numpy(a).to(torch.bfloat16 if precision == "bf16" else torch.float32)
        fn = lambda: t @ t  # noqa: E731
    else:
        import tensorflow as tf  # local: as torch above

        x = tf.cast(tf.constant(a), tf.bfloat16 if precision == "bf16" else tf.float32)
        product = tf.function(lambda m: tf.matmul(m, m), jit_compile=library.endswith("XLA"))
        fn = lambda: product(x).numpy()  # noqa: E731
    return _row(library, precision, (n, n, n), fn, repeats)


def onnxruntime_int8(shape=INT8_SHAPE, repeats=3):
    """ONNX Runtime `MatMulInteger`: uint8 activations x int8 weights (an initializer)."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    m, k, n = shape
    rng = np.random.default_rng(0)
    weights = rng.integers(-127, 128, size=(k, n), dtype=np.int8)
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b"], ["y"])], "gemm",
        [helper.make_tensor_value_info("a", TensorProto.UINT8, [m, k])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [m, n])],
        [numpy_helper.from_array(weights, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = onnxruntime.InferenceSession(model.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    a = rng.integers(0, 256, size=(m, k), dtype=np.uint8)
    onnx.checker.check_model(model)
    return _row("onnxruntime MatMulInteger", "int8", shape,
                lambda: session.run(None, {"a": a}), repeats)


def litert_int8(shape=INT8_SHAPE, repeats=3):
    """LiteRT dynamic-range FULLY_CONNECTED (int8 weights) through XNNPACK, every core."""
    import tensorflow as tf
    from ai_edge_litert.interpreter import Interpreter

    m, k, n = shape
    rng = np.random.default_rng(0)
    weights = tf.constant(rng.standard_normal((k, n), dtype=np.float32))
    function = tf.function(lambda x: tf.matmul(x, weights),
                           input_signature=[tf.TensorSpec([m, k], tf.float32)])
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [function.get_concrete_function()], function)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    data = converter.convert()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "gemm.tflite")
        with open(path, "wb") as handle:
            handle.write(data)
        interpreter = Interpreter(model_path=path, num_threads=os.cpu_count())
    interpreter.allocate_tensors()
    source = interpreter.get_input_details()[0]["index"]
    interpreter.set_tensor(source, rng.standard_normal((m, k), dtype=np.float32))
    row = _row("LiteRT XNNPACK dynamic int8", "int8", shape, interpreter.invoke, repeats)
    row["int8_weights"] = len(data) < k * n * 2  # 1 byte per weight, not 4
    return row


FLOAT_KERNELS = ("numpy fp32", "torch fp32", "tensorflow XLA fp32", "torch bf16",
                 "tensorflow bf16")
# Name -> fn(n, repeats) -> row; the int8 kernels keep their INT8_SHAPE whatever n is.
KERNELS = {
    **{name: functools.partial(_float_square, *name.rsplit(" ", 1)) for name in FLOAT_KERNELS},
    "onnxruntime MatMulInteger int8": lambda n, repeats: onnxruntime_int8(repeats=repeats),
    "LiteRT XNNPACK dynamic int8": lambda n, repeats: litert_int8(repeats=repeats),
}


def measure_kernel(name, n=4096, repeats=3):
    """The row of kernel `name`; one that cannot run here is a row with its `error`."""
    try:
        return KERNELS[name](n, repeats)
    except Exception as error:  # noqa: BLE001 - a missing library is a result here
        return {"library": name.rsplit(" ", 1)[0], "precision": name.rsplit(" ", 1)[1],
                "error": f"{type(error).__name__}: {error}"}


def measure(n=4096, repeats=3):
    """Every kernel's row, measured in this process (the suite runs one worker per kernel)."""
    return [measure_kernel(name, n, repeats) for name in KERNELS]


def peaks(rows):
    """{precision: best GFLOP/s (GOP/s for int8)} over the rows that ran."""
    best = {}
    for row in rows:
        if row.get("gflops"):
            precision = row.get("precision", "fp32")
            best[precision] = max(best.get(precision, 0.0), row["gflops"])
    return best
