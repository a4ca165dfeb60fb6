"""The benchmark suite: every section, every peer in its own process, one JSON and one chart.

    python -m benchmarks [--sections dense,text,train,memory,tflite] [--quick]
                         [--out benchmarks/results] [--workdir DIR] [--merge]

Sections (issue #11):
1. `dense`: latency at batch 1 (seq 128 and 384) and throughput at batch 8 and 32
   (seq 128) on token ids, with achieved GFLOP/s against the machine's GEMM peak of
   the row's precision (fp32, bf16 or int8; `benchmarks.gemm`) measured in the same run; our TFLite rows run the fixed-length files batch 1 per call
   (as the Task Library does) and, as `pipeline()` does, the any-length files with the
   whole batch in one call; ours and keras-hub also run on the JAX and PyTorch backends;
2. `text`: SST-2 dev sentences to labels, each library the way its documentation
   shows, ours through `albert_keras.pipeline` on Keras, SavedModel and TFLite;
3. `train`: seconds per fine-tuning step (batch 8 and 32, seq 128, classifier head), ours
   and keras-hub on the TensorFlow, JAX and PyTorch backends;
4. `memory`: peak resident memory of a process that loads the model and runs
   batch 8 x 128;
5. `tflite`: size, cosine to Keras and LiteRT latency (1 and 2 threads) per mode.

Everything uses one albert-base-v2-shaped classifier with random weights (see
`benchmarks.workload`), prepared once in `--workdir`. Ratios are to the fastest peer
(not albert-keras) of the same precision: > 1 means we are faster; each Keras backend's
row of ours is also set against keras-hub on the same backend (`peers.BACKEND_PAIRS`).
"""

import argparse
import json
import os
import sys
import tempfile
import time

from benchmarks import gemm, machine, report, worker, workload
from benchmarks.peers import PEERS, is_ours, keras_backend

DENSE = ["albert-keras XLA", "albert-keras", "albert-keras bfloat16",
         "albert-keras TFLite float32", "albert-keras TFLite dynamic int8", "albert-keras TFLite int8",
         "albert-keras pipeline TFLite float32", "albert-keras pipeline TFLite dynamic int8",
         "albert-keras JAX", "albert-keras torch",
         "keras-hub XLA", "keras-hub", "keras-hub JAX", "keras-hub torch",
         "transformers eager", "transformers torch.compile", "ONNX Runtime fp32",
         "ONNX Runtime int8", "ONNX Runtime fp32 optimized", "ONNX Runtime int8 optimized",
         "OpenVINO fp32", "OpenVINO int8", "OpenVINO bf16"]
TEXT = ["albert-keras pipeline Keras", "albert-keras pipeline Keras bfloat16",
        "albert-keras pipeline SavedModel",
        "albert-keras pipeline TFLite float32", "albert-keras pipeline TFLite dynamic int8",
        "keras-hub XLA", "transformers eager", "ONNX Runtime fp32", "ONNX Runtime int8",
        "ONNX Runtime fp32 optimized", "ONNX Runtime int8 optimized",
        "OpenVINO fp32", "OpenVINO int8", "OpenVINO bf16"]
TRAIN = ["albert-keras XLA", "albert-keras", "albert-keras JAX", "albert-keras torch",
         "keras-hub XLA", "keras-hub JAX", "keras-hub torch", "transformers eager"]
MEMORY = ["albert-keras XLA", "albert-keras bfloat16", "albert-keras TFLite float32", "albert-keras TFLite dynamic int8",
          "albert-keras pipeline TFLite float32", "albert-keras pipeline TFLite dynamic int8",
          "keras-hub XLA", "transformers eager", "ONNX Runtime fp32", "ONNX Runtime int8"]
SECTIONS = ("dense", "text", "train", "memory", "tflite")


def worker_environment(peer):
    """The environment of a worker: ours as `albert_keras` sets it up, each peer as TensorFlow's.

    Importing albert_keras (as `albert-keras benchmark` does) may have turned TensorFlow's
    oneDNN kernels on for this process and its children (see albert_keras/__init__.py); a
    peer's worker gets the switch only when the user set it.

    A peer of a Keras backend (`peers.keras_backend`) gets `KERAS_BACKEND`, read when its
    worker first imports keras; every other worker runs without it (Keras' default,
    TensorFlow), whatever the suite itself was started with.
    """
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    backend = keras_backend(peer)
    if backend:
        env["KERAS_BACKEND"] = backend
    else:
        env.pop("KERAS_BACKEND", None)
    package = sys.modules.get("albert_keras")
    if peer and not is_ours(peer) and getattr(package, "_ONEDNN_DEFAULTED", False):
        env.pop("TF_ENABLE_ONEDNN_OPTS", None)
    return env


def run_worker(section, workdir, params, peer=None, log=print):
    """Runs one worker process; returns its parsed result (or an `error`)."""
    name = peer or params.get("kernel")
    log(f"[{time.strftime('%H:%M:%S')}] {section}" + (f": {name}" if name else ""))
    start = time.perf_counter()
    result = worker.run_in_child(section, workdir, params, peer, env=worker_environment(peer),
                                 cwd=os.fspath(workload.ROOT))
    if "error" in result:
        log(f"    failed ({result['returncode']}): {result['error']}")
        return {"error": result["error"], "rows": []}
    if "refused" in result:
        log(f"    REFUSED, not timed: {'; '.join(result['refused']['failures'])}")
    result["wall_s"] = time.perf_counter() - start
    return result


def parameters(quick, config):
    vocab = config["vocab_size"]
    if quick:
        return {
            "dense": {"shapes": [[1, 128], [8, 128]], "repeats": 3, "vocab_size": vocab},
            "text": {"batch_sizes": [32], "sentences": 256},
            "train": {"batch_sizes": [8], "seq": 128, "steps": 5},
            "memory": {"batch": 8, "seq": 128, "vocab_size": vocab},
            "tflite": {"modes": ["float32", "float16", "dynamic", "int8"], "threads": [1, 2],
                       "repeats": 3, "vocab_size": vocab},
        }
    return {
        "dense": {"shapes": [[1, 128], [1, 384], [8, 128], [32, 128]], "repeats": 5,
                  "vocab_size": vocab},
        "text": {"batch_sizes": [32], "sentences": 872},
        "train": {"batch_sizes": [8, 32], "seq": 128, "steps": 5},
        "memory": {"batch": 8, "seq": 128, "vocab_size": vocab},
        "tflite": {"modes": ["float32", "float16", "dynamic", "int8", "int16x8"],
                   "threads": [1, 2], "repeats": 5, "vocab_size": vocab},
    }


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--sections", default=",".join(SECTIONS),
                        help=f"comma-separated, of {', '.join(SECTIONS)}")
    parser.add_argument("--peers", default=None,
                        help="comma-separated peer names to keep (default: all)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer shapes, sentences and repeats (a few minutes)")
    parser.add_argument("--preset", default="albert-base-v2")
    parser.add_argument("--workdir", default=os.path.join(tempfile.gettempdir(),
                                                          "albert-keras-benchmarks"),
                        help="where the shared weights and exports are prepared (kept)")
    parser.add_argument("--out", default=os.fspath(workload.ROOT / "benchmarks" / "results"))
    parser.add_argument("--merge", action="store_true",
                        help="keep the other sections of an existing OUT/suite.json and "
                             "replace only the ones run now")
    args = parser.parse_args(argv)
    sections = [s for s in args.sections.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {list(SECTIONS)}")
    keep = set(args.peers.split(",")) if args.peers else set(PEERS)
    unknown = sorted(keep - set(PEERS))
    if unknown:
        parser.error(f"unknown peer(s) {unknown}; choose from {sorted(PEERS)}")

    config = workload.config_dict(args.preset)
    params = parameters(args.quick, config)
    os.makedirs(args.workdir, exist_ok=True)
    for step in ("prepare-transformers", "prepare-keras"):
        if "error" in run_worker(step, args.workdir, {"preset": args.preset, "sections": sections}):
            sys.exit(f"{step} failed: the peers have nothing to load")

    results = {"machine": _machine(), "preset": args.preset, "config": config,
               "quick": args.quick, "sections": {}, "section_times": {}}
    json_path = os.path.join(args.out, "suite.json")
    if args.merge and os.path.isfile(json_path):
        results = merge_base(json_path, results, sections)
    if "text" in sections:
        sentences, _ = workload.sst2_dev()
        results["text_lengths"] = workload.sentence_lengths(
            sentences[:params["text"]["sentences"]])
    if "dense" in sections or "text" in sections:
        results["matmul"] = [  # one process per kernel (see benchmarks.gemm)
            row for kernel in gemm.KERNELS
            for row in run_worker("matmul", args.workdir,
                                  {"kernel": kernel, "n": 4096, "repeats": 3})["rows"]]
    plan = {"dense": DENSE, "text": TEXT, "train": TRAIN, "memory": MEMORY}
    for section in sections:
        if section == "tflite":
            results["sections"]["tflite"] = run_worker("tflite", args.workdir, params["tflite"])
            results["section_times"]["tflite"] = _machine()["time"]
            continue
        results["sections"][section] = {}
        for peer in [p for p in plan[section] if p in keep]:
            section_params = dict(params[section])
            if section == "dense":
                section_params["logits_file"] = os.path.join(
                    args.workdir, f"logits-{peer.replace(' ', '_')}.npy")
            results["sections"][section][peer] = run_worker(section, args.workdir,
                                                            section_params, peer)
        results["section_times"][section] = _machine()["time"]
    results["summary"] = report.summarize(results, args.workdir)
    os.makedirs(args.out, exist_ok=True)
    with open(json_path + ".tmp", "w") as handle:
        json.dump(results, handle, indent=1)
    os.replace(json_path + ".tmp", json_path)
    print(report.tables(results))
    chart = report.chart(results, os.path.join(args.out, "suite.png"))
    print(f"\nwrote {json_path}" + (f" and {chart}" if chart else ""))
    return results


def merge_base(json_path, fresh, sections):
    """`fresh` on top of an earlier run's results: its other sections are kept as they were.

    Each section records when it ran (`section_times`); the matmul peak is the one measured
    now (dense GFLOP/s of a kept dense section are then against it).
    """
    with open(json_path) as handle:
        earlier = json.load(handle)
    if earlier.get("preset") != fresh["preset"] or earlier.get("quick") != fresh["quick"]:
        raise SystemExit(f"--merge: {json_path} is a {earlier.get('preset')} run "
                         f"(quick={earlier.get('quick')}), not {fresh['preset']} "
                         f"(quick={fresh['quick']})")
    merged = dict(earlier, machine=fresh["machine"], sections=dict(earlier.get("sections", {})))
    times = dict(earlier.get("section_times") or {s: earlier["machine"]["time"]
                                                  for s in earlier.get("sections", {})})
    for section in sections:
        merged["sections"].pop(section, None)
        times.pop(section, None)
    merged["section_times"] = times
    return merged


def _machine():
    return machine.describe()
