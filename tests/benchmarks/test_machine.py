"""The machine record: CPU model and instruction sets read from /proc/cpuinfo."""

from benchmarks import machine

EPYC = """processor\t: 0
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse2 avx2 avx512f avx512_vnni avx512_bf16
processor\t: 1
model name\t: AMD EPYC 9R14
flags\t\t: fpu sse2 avx2 avx512f avx512_vnni avx512_bf16
"""


def test_cpu_info_names_the_model_and_each_instruction_set():
    info = machine.cpu_info(EPYC)
    assert info["cpu_model"] == "AMD EPYC 9R14"
    assert info["isa"] == {"avx2": True, "avx512f": True, "vnni": True, "avx512_bf16": True,
                           "amx": False}


def test_avx_vnni_counts_as_vnni_and_amx_is_seen():
    info = machine.cpu_info("model name : Xeon\nflags : avx2 avx_vnni amx_tile amx_int8\n")
    assert info["isa"]["vnni"] and info["isa"]["amx"] and not info["isa"]["avx512f"]


def test_describe_records_cores_memory_and_versions():
    record = machine.describe()
    assert record["cpus"] >= 1 and record["cpu_model"]
    assert "numpy" not in record["versions"] and "tensorflow" in record["versions"]
