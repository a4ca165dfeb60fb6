"""albert-keras: ALBERT (arXiv:1909.11942) for TensorFlow / Keras 3.

Pinned to versions seen working together; `pip install -e ".[test]"` installs
everything the test suite needs (torch and transformers are test references only,
never runtime dependencies).
"""

from setuptools import find_namespace_packages, setup

RUNTIME = [
    "tensorflow==2.21.0",
    "keras==3.15.1",
    "keras-hub==0.32.0",
    "tensorflow-text==2.21.1",
    "sentencepiece>=0.2,<0.3",
    "safetensors>=0.4",
    "huggingface_hub>=0.34,<1.0",
    "ai-edge-litert==2.3.0",
    "numpy>=1.26,<3",
    "tqdm>=4.66",
    "flatbuffers>=24",  # TFLite metadata (export/metadata.py)
    "matplotlib>=3.8",  # training curves
]
TEST = [
    "pytest>=8",
    "hypothesis>=6.100",  # property-based fuzzing of checkpoint files, configs and inputs
    # The numerical reference: the last transformers line with TFAlbert* and the
    # sentencepiece AlbertTokenizer, on the CPU torch wheel.
    "torch==2.13.0",
    "transformers==4.57.1",
    # Keras' JAX backend: the parity and training tests also run on JAX (and on torch).
    "jax[cpu]==0.10.2",
    # Reference implementations of the official metrics.
    "scikit-learn>=1.4",
    "scipy>=1.11",
    "seqeval==1.2.2",  # an sdist that needs pip's PEP 517 build (pip >= 24)
    # Executing the notebooks (tests/test_notebooks.py).
    "nbclient==0.11.0",
    "nbformat==5.11.1",
    "ipykernel==7.4.0",
    # The benchmark suite's int8 peer check (tests/benchmarks/test_onnx_int8.py) builds one.
    "onnxruntime==1.32.0",
    "onnx==1.23.2",
    "openvino==2026.4.1",  # and its NNCF int8: the OpenVINO peers' checks
    "nncf==3.4.0",
]
# The benchmark suite's peers (`python -m benchmarks`); never runtime dependencies.
BENCH = TEST
DEV = BENCH + ["ruff"]

setup(
    name="albert-keras",
    version="0.1.0",
    description="ALBERT for Keras 3: exact to transformers, exportable to TF Serving and TFLite",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.10,<3.13",
    # Namespace discovery lists the data-only folder `albert_keras.assets` as well, so
    # setuptools installs the shipped models without its "package would be ignored" warning.
    packages=find_namespace_packages(include=["albert_keras", "albert_keras.*"]),
    include_package_data=True,
    package_data={"albert_keras": ["assets/**/*"]},
    install_requires=RUNTIME,
    extras_require={"test": TEST, "bench": BENCH, "dev": DEV},
    entry_points={"console_scripts": ["albert-keras=albert_keras.cli:main"]},
    license="Apache-2.0",
)
