"""Report: one row per exported artifact (size, parity, labels, accuracy, latency), table and JSON."""

import dataclasses
import json
import os

from albert_keras.weights.atomic import atomic_write_bytes


@dataclasses.dataclass
class ArtifactResult:
    """Verification figures of one artifact (a SavedModel, or a .tflite file in one mode).

    Args:
        artifact: str. Path of the file or folder.
        format: str. `saved_model` or `tflite`.
        mode: str. Quantization mode (`float32` for a SavedModel).
        size_bytes: int. File size, or the folder's total.
        outputs: dict. Per output name: `max_abs_diff` and `cosine` against Keras.
        label_agreement: float or None. Share of equal predicted labels.
        accuracy_keras, accuracy_artifact: float or None. On the labelled eval set.
        latency_ms: dict. Median latency per thread count (LiteRT), e.g. {"1": 3.2}.
        checks: dict. Other named checks (e.g. tokenization equal to AlbertTokenizer).
        failures: list of str. Why the artifact is rejected; empty when it passed.
    """

    artifact: str
    format: str
    mode: str
    size_bytes: int = 0
    outputs: dict = dataclasses.field(default_factory=dict)
    label_agreement: float = None
    accuracy_keras: float = None
    accuracy_artifact: float = None
    latency_ms: dict = dataclasses.field(default_factory=dict)
    checks: dict = dataclasses.field(default_factory=dict)
    failures: list = dataclasses.field(default_factory=list)

    @property
    def passed(self):
        return not self.failures

    @property
    def max_abs_diff(self):
        return max((o["max_abs_diff"] for o in self.outputs.values()), default=None)

    @property
    def min_cosine(self):
        return min((o["cosine"] for o in self.outputs.values()), default=None)


@dataclasses.dataclass
class Report:
    """The export report: every artifact of one export, printable and saved as JSON.

    Args:
        task: str. Pipeline task name.
        model_dir: str. The exported model folder.
        sequence_length: int or None. Fixed token length of the artifacts (None: any
            length, see `export_tflite(sequence_length=None)`).
        results: list of `ArtifactResult`.

    Example:
    >>> r = Report("text-classification", "m", 128, [ArtifactResult("a.tflite", "tflite",
    ...            "float32", 1000, {"probability": {"max_abs_diff": 0.0, "cosine": 1.0}})])
    >>> r.passed, "float32" in r.table()
    (True, True)
    """

    task: str
    model_dir: str
    sequence_length: int
    results: list = dataclasses.field(default_factory=list)

    @property
    def passed(self):
        return all(r.passed for r in self.results)

    def result(self, mode, format="tflite"):
        """The result of one mode and format."""
        for r in self.results:
            if r.mode == mode and r.format == format:
                return r
        raise KeyError(f"no {format} result for mode {mode!r}")

    def table(self):
        """A fixed-width text table, one row per artifact."""
        head = ("format", "mode", "size MB", "max|diff|", "cosine", "labels=", "acc K/A",
                "ms 1thr", "ms 2thr", "status")
        rows = [head]
        for r in self.results:
            accuracy = (f"{r.accuracy_keras:.3f}/{r.accuracy_artifact:.3f}"
                        if r.accuracy_keras is not None and r.accuracy_artifact is not None else "-")
            rows.append((r.format, r.mode, f"{r.size_bytes / 1e6:.2f}", _num(r.max_abs_diff, "{:.2e}"),
                         _num(r.min_cosine, "{:.5f}"), _num(r.label_agreement, "{:.3f}"), accuracy,
                         _num(r.latency_ms.get("1"), "{:.2f}"), _num(r.latency_ms.get("2"), "{:.2f}"),
                         "ok" if r.passed else "FAILED: " + "; ".join(r.failures)))
        widths = [max(len(str(row[i])) for row in rows) for i in range(len(head) - 1)]
        length = "any" if self.sequence_length is None else self.sequence_length
        lines = [f"ALBERT export report: task {self.task}, sequence length {length}"]
        for row in rows:
            lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)) + "  " + row[-1])
        return "\n".join(lines)

    def to_dict(self):
        """JSON-ready dict."""
        return {"task": self.task, "model_dir": self.model_dir,
                "sequence_length": self.sequence_length, "passed": self.passed,
                "results": [dict(dataclasses.asdict(r), passed=r.passed) for r in self.results]}

    def save(self, path):
        """Writes the JSON report atomically; returns the path."""
        atomic_write_bytes(path, json.dumps(self.to_dict(), indent=2).encode())
        return path

    @classmethod
    def load(cls, path):
        """Reads a report written by `save`."""
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
        results = []
        for r in data["results"]:
            r = dict(r)
            r.pop("passed", None)
            results.append(ArtifactResult(**r))
        return cls(data["task"], data["model_dir"], data["sequence_length"], results)


def _num(value, fmt):
    return "-" if value is None else fmt.format(value)


def folder_size(path):
    """Bytes of a file, or of every file under a folder."""
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(path) for f in fs)
