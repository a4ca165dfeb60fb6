"""One measurement in its own process: `python -m benchmarks.worker SECTION [--peer NAME] ...`.

The suite (`python -m benchmarks`) starts one worker per (section, peer), so each
library is imported alone and its threads have the machine to themselves. The
worker prints its result as one JSON line prefixed with `RESULT `.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from benchmarks import workload
from benchmarks.peers import make
from benchmarks.peers.timing import median_seconds


def rss_mb():
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb():
    """Peak resident memory of this process, in MB.

    VmHWM, not `getrusage`: ru_maxrss survives exec, so a worker would report the
    suite process's own size when that is larger.
    """
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dense(peer, where, params):
    """Median latency per (batch, seq); the batch-1 logits are saved for the cross-check."""
    rows = []
    vocab = params["vocab_size"]
    for batch, seq in params["shapes"]:
        ids, mask = workload.token_batch(batch, seq, vocab)
        start = time.perf_counter()
        try:
            logits = peer.forward(ids, mask)  # the first call compiles / traces
        except FileNotFoundError as error:  # no exported file at this length
            rows.append({"batch": batch, "seq": seq, "error": str(error)})
            continue
        first = time.perf_counter() - start
        seconds = median_seconds(lambda ids=ids, mask=mask: peer.forward(ids, mask),
                                 params["repeats"], warmup=1)
        rows.append({"batch": batch, "seq": seq, "median_ms": 1000 * seconds,
                     "first_call_ms": 1000 * first})
        if params.get("logits_file") and (batch, seq) == (1, 128):
            np.save(params["logits_file"], np.asarray(logits, dtype=np.float32))
    return rows


def text(peer, where, params):
    """Sentences/s on SST-2 dev, strings to labels; the first pass (compilation) reported apart."""
    sentences, gold = workload.sst2_dev()
    sentences, gold = sentences[:params["sentences"]], gold[:params["sentences"]]
    rows = []
    for batch_size in params["batch_sizes"]:
        start = time.perf_counter()
        peer.classify(sentences[:64], batch_size)
        warmup = time.perf_counter() - start
        start = time.perf_counter()
        labels = peer.classify(sentences, batch_size)
        seconds = time.perf_counter() - start
        rows.append({"batch": batch_size, "sentences": len(sentences),
                     "sentences_per_s": len(sentences) / seconds, "seconds": seconds,
                     "warmup_s": warmup, "labels": [int(x) for x in labels]})
    return rows


def train(peer, where, params):
    rows = []
    for batch in params["batch_sizes"]:
        intervals = peer.train_step_seconds(batch, params["seq"], params["steps"])
        rows.append({"batch": batch, "seq": params["seq"],
                     "step_s": float(np.median(intervals)), "steps_timed": len(intervals)})
    return rows


def memory(peer, where, params):
    """Peak resident memory of a process that loads the model and runs batch x seq inference."""
    loaded = rss_mb()
    ids, mask = workload.token_batch(params["batch"], params["seq"], params["vocab_size"])
    for _ in range(3):
        peer.forward(ids, mask)
    return [{"batch": params["batch"], "seq": params["seq"], "rss_loaded_mb": loaded,
             "peak_rss_mb": peak_rss_mb()}]


def tflite(where, params):
    """Size, cosine to Keras (from the export's own verification) and latency at 1 and 2 threads."""
    from benchmarks.peers.albert_keras_peer import AlbertTFLite

    folder = where["tflite"] / "128"
    with open(folder / "albert-text-classification-report.json") as handle:
        report = {r["mode"]: r for r in json.load(handle)["results"]}
    ids, mask = workload.token_batch(1, 128, params["vocab_size"])
    rows = []
    for mode in params["modes"]:
        path = folder / f"albert-text-classification-{mode}.tflite"
        row = {"mode": mode, "exported": path.is_file()}
        checks = report.get(mode, {})
        output = next(iter(checks.get("outputs", {}).values()), {})
        row.update({"cosine": output.get("cosine"), "max_abs_diff": output.get("max_abs_diff"),
                    "label_agreement": checks.get("label_agreement"),
                    "failures": checks.get("failures")})
        if path.is_file():
            row["size_mb"] = path.stat().st_size / 1e6
            for threads in params["threads"]:
                peer = AlbertTFLite(mode, num_threads=threads)
                peer.load(where)
                row[f"ms_{threads}_threads"] = 1000 * median_seconds(
                    lambda peer=peer: peer.forward(ids, mask), params["repeats"])
        rows.append(row)
    return rows


def matmul(params):
    """One GEMM limit of this machine, `params["kernel"]` of `benchmarks.gemm.KERNELS`."""
    from benchmarks import gemm

    return [gemm.measure_kernel(params["kernel"], params["n"], params["repeats"])]


def run_in_child(section, workdir, params=None, peer=None, env=None, cwd=None):
    """`python -m benchmarks.worker SECTION` in a child process: its result, parsed.

    A child that fails or prints no `RESULT ` line gives `{"error": its last 3 lines,
    "returncode": ...}`.
    """
    command = [sys.executable, "-m", "benchmarks.worker", section, "--workdir", workdir,
               "--params", json.dumps(params or {})] + (["--peer", peer] if peer else [])
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env, cwd=cwd)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode or not lines:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        return {"error": " | ".join(tail), "returncode": done.returncode}
    return json.loads(lines[-1][len("RESULT "):])


def build_check_in_child(peer_name, workdir):
    """`peer.build_check` run in a child process; its result (None: the peer has no check).

    A check runs transformers' PyTorch model as the reference. In the worker itself, that
    would leave PyTorch and its threads in the process that is then timed and whose peak
    memory is measured (ONNX Runtime int8 read 1191 MB instead of its own few hundred).
    """
    result = run_in_child("check", workdir, peer=peer_name)
    if "error" in result:
        return {"ok": False, "failures": [
            f"the build check crashed ({result['returncode']}): {result['error']}"]}
    return result["build_check"]


SECTIONS = {"dense": dense, "text": text, "train": train, "memory": memory}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=[*SECTIONS, "tflite", "matmul", "check",
                                            "prepare-transformers", "prepare-keras"])
    parser.add_argument("--peer")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--params", default="{}")
    args = parser.parse_args(argv)
    params = json.loads(args.params)
    where = workload.paths(args.workdir)
    started = rss_mb()
    if args.section == "prepare-transformers":
        rows = workload.prepare_transformers(args.workdir, params["preset"])
    elif args.section == "prepare-keras":
        rows = workload.prepare_keras(args.workdir, **({"sections": params["sections"]}
                                                         if "sections" in params else {}))
    elif args.section == "matmul":
        rows = matmul(params)
    elif args.section == "check":
        peer = make(args.peer)
        print("RESULT " + json.dumps({"build_check": peer.build_check(where)}), flush=True)
        return
    elif args.section == "tflite":
        rows = tflite(where, params)
    else:
        peer = make(args.peer)
        has_check = hasattr(peer, "build_check")
        build = build_check_in_child(args.peer, args.workdir) if has_check else None
        if build is not None and not build["ok"]:
            print(f"REFUSED {args.peer}: " + "; ".join(build["failures"]), flush=True)
            print("RESULT " + json.dumps({"rows": [], "refused": build}), flush=True)
            return
        peer.load(where)
        rows = SECTIONS[args.section](peer, where, params)
    result = {"rows": rows or [], "rss_start_mb": started, "peak_rss_mb": peak_rss_mb()}
    if args.section in SECTIONS and build is not None:
        result["build_check"] = build
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
