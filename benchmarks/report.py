"""The suite's results as ratios, tables and a chart.

Ratios compare each row with the fastest peer (a library other than albert-keras) of
the same precision (fp32 or int8): above 1 we are faster (or smaller), below 1 slower.
keras-hub on the JAX and PyTorch backends are peers like any other. The "per backend"
table also sets each of our Keras rows against keras-hub on the same backend
(`peers.BACKEND_PAIRS`): keras-hub's time over ours.
"""

import os

import numpy as np

from benchmarks import workload
from benchmarks.gemm import peaks as gemm_peaks
from benchmarks.peers import BACKEND_PAIRS, is_ours
from benchmarks.peers import precision as _precision


def _rows(section_results):
    for peer, result in section_results.items():
        for row in result.get("rows", []):
            yield peer, row


def _ratio(rows, key, value, lower_is_better=True):
    """Adds `vs_fastest_peer` to every row of `rows` (dicts with peer, precision, key, value)."""
    for row in rows:
        peers = [r[value] for r in rows if not is_ours(r["peer"]) and r[key] == row[key]
                 and r["precision"] == row["precision"] and r.get(value)]
        if peers and row.get(value):
            best = min(peers) if lower_is_better else max(peers)
            row["vs_fastest_peer"] = (best / row[value] if lower_is_better
                                      else row[value] / best)


def _versus_precisions(rows, key, value, lower_is_better=True):
    """bf16 rows: `vs_fastest_fp32` / `vs_fastest_int8`, to the fastest row (any library,
    ours included) of that precision at the same shape; > 1 means the bf16 row is faster."""
    for row in rows:
        if row["precision"] != "bf16" or not row.get(value):
            continue
        for other in ("fp32", "int8"):
            found = [r[value] for r in rows if r["precision"] == other and r[key] == row[key]
                     and r.get(value)]
            if found:
                best = min(found) if lower_is_better else max(found)
                row[f"vs_fastest_{other}"] = (best / row[value] if lower_is_better
                                              else row[value] / best)


def per_backend(summary):
    """Ours against keras-hub on the same Keras backend, for every dense shape and fit batch.

    Each row: section, backend, input, our row and keras-hub's with their times, and
    `vs_keras_hub` = keras-hub's time / ours (> 1: we are faster).
    """
    rows = []
    for section, key, value, unit in (("dense", "shape", "median_ms", "ms"),
                                      ("train", "batch", "step_s", "s")):
        times = {(r["peer"], r[key]): r[value] for r in summary.get(section, []) if r.get(value)}
        for backend, ours, keras_hub in BACKEND_PAIRS:
            for (peer, where), mine in times.items():
                theirs = times.get((keras_hub, where))
                if peer != ours or theirs is None:
                    continue
                rows.append({"section": section, "backend": backend, "input": where,
                             "unit": unit, "ours": ours, "ours_time": mine,
                             "keras_hub": keras_hub, "keras_hub_time": theirs,
                             "vs_keras_hub": theirs / mine})
    return rows


def summarize(results, workdir):
    sections = results["sections"]
    summary = {}
    limits = gemm_peaks(results.get("matmul", []))  # {precision: GFLOP/s (int8: GOP/s)}
    peak = limits.get("fp32")
    summary["matmul_peak_gflops"] = peak
    summary["gemm_peaks"] = limits
    if "dense" in sections:
        reference = _logits(workdir, "transformers eager")
        rows = []
        for peer, row in _rows(sections["dense"]):
            if "median_ms" not in row:
                continue
            flops = workload.forward_flops(results["config"], row["batch"], row["seq"])
            gflops = flops / (row["median_ms"] / 1000) / 1e9
            precision = _precision(peer)
            entry = {"peer": peer, "precision": precision,
                     "shape": f"{row['batch']}x{row['seq']}",
                     "median_ms": row["median_ms"], "gflops": gflops,
                     "of_peak": gflops / limits[precision] if limits.get(precision) else None}
            logits = _logits(workdir, peer)
            if reference is not None and logits is not None:
                entry["cosine_to_transformers"] = _cosine(logits, reference)
                if _precision(peer) == "fp32" and "TFLite" not in peer:
                    entry["max_abs_diff_to_transformers"] = float(np.abs(logits - reference).max())
            rows.append(entry)
        _ratio(rows, "shape", "median_ms")
        _versus_precisions(rows, "shape", "median_ms")
        summary["dense"] = rows
    if "text" in sections:
        rows = []
        reference = {row["batch"]: row["labels"]
                     for row in sections["text"].get("transformers eager", {}).get("rows", [])}
        for peer, row in _rows(sections["text"]):
            entry = {"peer": peer, "precision": _precision(peer), "batch": row["batch"],
                     "sentences_per_s": row["sentences_per_s"], "warmup_s": row["warmup_s"]}
            gold = reference.get(row["batch"]) or next(iter(reference.values()), None)
            if gold:
                entry["label_agreement_to_transformers"] = float(np.mean(
                    np.array(row["labels"]) == np.array(gold)))
            rows.append(entry)
        _ratio(rows, "batch", "sentences_per_s", lower_is_better=False)
        _versus_precisions(rows, "batch", "sentences_per_s", lower_is_better=False)
        lengths = results.get("text_lengths")
        if peak and lengths:
            # fp32 arithmetic limit: every sentence at its own length, nothing padded,
            # matrix products at the matmul peak.
            seconds = sum(workload.forward_flops(results["config"], 1, n) for n in lengths) \
                / (peak * 1e9)
            summary["text_limit"] = {"sentences": len(lengths), "tokens": int(sum(lengths)),
                                     "mean_tokens": float(np.mean(lengths)),
                                     "fp32_limit_sentences_per_s": len(lengths) / seconds}
            limit_per_s = {p: summary["text_limit"]["fp32_limit_sentences_per_s"] * g / peak
                           for p, g in limits.items()}
            summary["text_limit"]["limit_sentences_per_s"] = limit_per_s
            for row in rows:
                row["of_fp32_limit"] = (row["sentences_per_s"]
                                        / summary["text_limit"]["fp32_limit_sentences_per_s"])
                if limit_per_s.get(row["precision"]):
                    row["of_limit"] = row["sentences_per_s"] / limit_per_s[row["precision"]]
        summary["text"] = rows
    if "train" in sections:
        rows = [{"peer": peer, "precision": "fp32", "batch": row["batch"], "step_s": row["step_s"]}
                for peer, row in _rows(sections["train"])]
        _ratio(rows, "batch", "step_s")
        summary["train"] = rows
    if "memory" in sections:
        rows = [{"peer": peer, "precision": "any", "work": f"{row['batch']}x{row['seq']}",
                 "peak_rss_mb": row["peak_rss_mb"], "rss_loaded_mb": row["rss_loaded_mb"]}
                for peer, row in _rows(sections["memory"])]
        _ratio(rows, "work", "peak_rss_mb")
        keras_hub = next((r["peak_rss_mb"] for r in rows if r["peer"] == "keras-hub XLA"), None)
        for row in rows:
            row["of_keras_hub"] = row["peak_rss_mb"] / keras_hub if keras_hub else None
        summary["memory"] = rows
    if "tflite" in sections:
        summary["tflite"] = sections["tflite"].get("rows", [])
    summary["per_backend"] = per_backend(summary)
    return summary


def _logits(workdir, peer):
    path = os.path.join(workdir, f"logits-{peer.replace(' ', '_')}.npy")
    if not os.path.isfile(path):
        return None
    logits = np.load(path)
    # TFLite files output probabilities (log taken by the peer): compare log-softmax.
    return logits - np.log(np.exp(logits - logits.max(-1, keepdims=True)).sum(-1, keepdims=True)) \
        - logits.max(-1, keepdims=True)


def _cosine(a, b):
    a, b = a.ravel(), b.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _table(title, rows, columns):
    if not rows:
        return ""
    widths = [max(len(header), *(len(fmt(r)) for r in rows)) for header, fmt in columns]
    lines = [f"\n{title}", "  ".join(h.ljust(w) for (h, _), w in zip(columns, widths))]
    lines += ["  ".join(fmt(r).ljust(w) for (_, fmt), w in zip(columns, widths)) for r in rows]
    return "\n".join(lines)


def _num(key, spec):
    return lambda r: "-" if r.get(key) is None else format(r[key], spec)


def _in_unit(row, key):
    """A time in the row's unit: ms with one decimal, seconds with two."""
    return f"{row[key]:.{1 if row['unit'] == 'ms' else 2}f} {row['unit']}"


def _versus(row):
    if "vs_fastest_fp32" not in row and "vs_fastest_int8" not in row:
        return "-"
    return " / ".join("-" if row.get(k) is None else f"{row[k]:.2f}"
                      for k in ("vs_fastest_fp32", "vs_fastest_int8"))


def tables(results):
    summary = results["summary"]
    out = [(f"albert-keras benchmark suite: {results['preset']} shape, "
           f"{results['machine']['cpus']} CPU cores, {results['machine']['time']}")]
    machine = results["machine"]
    if machine.get("cpu_model"):
        flags = ", ".join(f for f, on in machine.get("isa", {}).items() if on) or "none"
        out.append(f"machine: {machine['cpu_model']}; {flags}; "
                   f"{machine.get('memory_gb', '?')} GB; "
                   + ", ".join(f"{k} {v}" for k, v in machine.get("versions", {}).items()))
    for section, peers in results.get("sections", {}).items():
        for name, result in peers.items():
            if isinstance(result, dict) and result.get("refused"):
                out.append(f"REFUSED ({section}) {name}, not timed: "
                           + "; ".join(result["refused"]["failures"]))
    if summary.get("matmul_peak_gflops"):
        for name in ("fp32", "bf16", "int8"):
            rows = [r for r in results["matmul"] if r.get("precision", "fp32") == name]
            if not rows:
                continue
            unit = "GOP/s" if name == "int8" else "GFLOP/s"
            listed = ", ".join(f"{r['library']} {r['gflops']:.0f}" if r.get("gflops") else
                               f"{r['library']} failed ({r.get('error', '?')[:60]})" for r in rows)
            peak = summary.get("gemm_peaks", {}).get(name)
            out.append(f"GEMM {name} {rows[0].get('shape', '4096x4096x4096')} {unit}: {listed}"
                       + (f" (peak {peak:.0f})" if peak else ""))
    ratio = ("vs fastest peer", _num("vs_fastest_peer", ".2f"))
    peer = ("library", lambda r: r["peer"])
    if summary.get("dense"):
        rows = sorted(summary["dense"], key=lambda r: (int(r["shape"].split("x")[0]),
                                                         int(r["shape"].split("x")[1]),
                                                         r["median_ms"]))
        out.append(_table("1. dense inference on token ids (batch x seq; median ms)", rows, [
            ("shape", lambda r: r["shape"]), peer, ("prec", lambda r: r["precision"]),
            ("ms", _num("median_ms", ".1f")), ("GFLOP/s", _num("gflops", ".0f")),
            ("of peak", _num("of_peak", ".0%")), ratio,
            ("bf16 vs fp32 / int8", _versus),
            ("cos to transformers", _num("cosine_to_transformers", ".6f")),
            ("max |diff|", _num("max_abs_diff_to_transformers", ".1e"))]))
    if summary.get("text"):
        rows = sorted(summary["text"], key=lambda r: -r["sentences_per_s"])
        out.append(_table("2. raw text: SST-2 dev sentences to labels", rows, [
            peer, ("prec", lambda r: r["precision"]), ("batch", lambda r: str(r["batch"])),
            ("sentences/s", _num("sentences_per_s", ".1f")), ratio,
            ("of fp32 limit", _num("of_fp32_limit", ".0%")),
            ("of own limit", _num("of_limit", ".0%")), ("bf16 vs fp32 / int8", _versus),
            ("warm-up s", _num("warmup_s", ".1f")),
            ("labels = transformers", _num("label_agreement_to_transformers", ".3f"))]))
    limit = summary.get("text_limit")
    if limit:
        out.append(f"({limit['sentences']} sentences, {limit['tokens']} tokens, mean "
                   f"{limit['mean_tokens']:.1f}; fp32 limit with no padding at the matmul "
                   f"peak: {limit['fp32_limit_sentences_per_s']:.1f} sentences/s)")
    if summary.get("train"):
        rows = sorted(summary["train"], key=lambda r: (r["batch"], r["step_s"]))
        out.append(_table("3. fine-tuning step (seq 128; seconds per step)", rows, [
            ("batch", lambda r: str(r["batch"])), peer, ("s/step", _num("step_s", ".2f")),
            ratio]))
    if summary.get("memory"):
        rows = sorted(summary["memory"], key=lambda r: r["peak_rss_mb"])
        out.append(_table("4. peak resident memory, load + inference", rows, [
            peer, ("work", lambda r: r["work"]), ("peak MB", _num("peak_rss_mb", ".0f")),
            ("after load MB", _num("rss_loaded_mb", ".0f")),
            ("vs smallest peer", _num("vs_fastest_peer", ".2f")),
            ("of keras-hub", _num("of_keras_hub", ".0%"))]))
    if summary.get("tflite"):
        out.append(_table("5. TFLite per quantization mode (batch 1, seq 128)", summary["tflite"], [
            ("mode", lambda r: r["mode"]), ("MB", _num("size_mb", ".2f")),
            ("cosine to Keras", _num("cosine", ".6f")), ("1 thread ms", _num("ms_1_threads", ".1f")),
            ("2 threads ms", _num("ms_2_threads", ".1f")),
            ("failures", lambda r: "; ".join(r.get("failures") or []) or "-")]))
    if summary.get("per_backend"):
        order = [backend for backend, _, _ in BACKEND_PAIRS]
        rows = sorted(summary["per_backend"], key=lambda r: (
            r["section"], [int(n) for n in str(r["input"]).split("x")], order.index(r["backend"])))
        title = "6. per backend: ours against keras-hub on the same Keras backend"
        out.append(_table(title, rows, [
            ("section", lambda r: {"dense": "dense", "train": "fit step"}[r["section"]]),
            ("input", lambda r: r["input"] if r["section"] == "dense" else f"batch {r['input']}"),
            ("backend", lambda r: r["backend"]), ("ours", lambda r: r["ours"]),
            ("ours time", lambda r: _in_unit(r, "ours_time")),
            ("keras-hub", lambda r: r["keras_hub"]),
            ("keras-hub time", lambda r: _in_unit(r, "keras_hub_time")),
            ("keras-hub / ours", _num("vs_keras_hub", ".2f"))]))
    out.append("\nRatios: to the fastest peer (not albert-keras) of the same precision (fp32, "
               "bf16, int8); > 1 means albert-keras is faster / smaller. 'of peak': of the GEMM "
               "peak of the row's precision. 'bf16 vs fp32 / int8': a bf16 row against the "
               "fastest fp32 and int8 rows, ours included. 'keras-hub / ours': keras-hub's "
               "time over ours on the same Keras backend, > 1 means albert-keras is faster.")
    return "\n".join(out)


def chart(results, path):
    """A 2 x 2 chart: dense latency, raw-text throughput, training step, peak memory."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = results["summary"]
    panels = [
        ("dense", "dense latency, batch 8 x 128 (ms)", "median_ms",
         lambda r: r["shape"] == "8x128"),
        ("text", "SST-2 dev raw text (sentences/s)", "sentences_per_s", lambda r: True),
        ("train", "fit step, batch 8 x 128 (s)", "step_s", lambda r: r["batch"] == 8),
        ("memory", "peak memory, 8 x 128 inference (MB)", "peak_rss_mb", lambda r: True),
    ]
    panels = [p for p in panels if summary.get(p[0])]
    if not panels:
        return None
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, 3.2 * len(panels)))
    for axis, (section, title, key, keep) in zip(np.atleast_1d(axes), panels):
        rows = sorted((r for r in summary[section] if keep(r)), key=lambda r: r[key])
        colors = ["tab:orange" if is_ours(r["peer"]) else "tab:gray" for r in rows]
        axis.barh([r["peer"] for r in rows], [r[key] for r in rows], color=colors)
        axis.set_title(title, fontsize=10)
        axis.tick_params(labelsize=8)
        for y, r in enumerate(rows):
            axis.text(r[key], y, f" {r[key]:.1f}", va="center", fontsize=7)
    figure.suptitle(f"albert-keras (orange) vs peers, {results['preset']} shape, "
                    f"{results['machine']['cpus']} cores", fontsize=11)
    figure.tight_layout()
    figure.savefig(path + ".tmp.png", dpi=110)
    os.replace(path + ".tmp.png", path)
    plt.close(figure)
    return path
