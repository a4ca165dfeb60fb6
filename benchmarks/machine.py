"""The machine a result was measured on: CPU model, instruction sets, cores, memory, versions."""

import os
import platform
import time

# Flag names as /proc/cpuinfo spells them; VNNI is either the AVX-512 or the AVX (VEX) form.
ISA = {"avx2": ("avx2",), "avx512f": ("avx512f",), "vnni": ("avx512_vnni", "avx_vnni"),
       "avx512_bf16": ("avx512_bf16",), "amx": ("amx_tile", "amx_int8", "amx_bf16")}
LIBRARIES = ("tensorflow", "keras", "torch", "transformers", "onnxruntime", "onnx",
             "openvino", "nncf", "ai_edge_litert")


def cpu_info(text):
    """{"cpu_model", "isa": {name: bool}} from the text of /proc/cpuinfo."""
    model, flags = "unknown", set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and model == "unknown":
            model = value.strip()
        elif key == "flags" and not flags:
            flags = set(value.split())
    return {"cpu_model": model,
            "isa": {name: any(f in flags for f in names) for name, names in ISA.items()}}


def _versions():
    from importlib import metadata

    found = {}
    for name in LIBRARIES:
        try:
            found[name] = metadata.version(name.replace("_", "-"))
        except metadata.PackageNotFoundError:
            pass
    return found


def describe():
    """The whole machine record written into results/suite.json."""
    try:
        with open("/proc/cpuinfo") as handle:
            info = cpu_info(handle.read())
    except OSError:
        info = {"cpu_model": platform.processor() or "unknown", "isa": {}}
    memory = None
    try:
        memory = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return dict(info, cpus=os.cpu_count(), memory_gb=memory, platform=platform.platform(),
                python=platform.python_version(), versions=_versions(),
                time=time.strftime("%Y-%m-%d %H:%M:%S"))
