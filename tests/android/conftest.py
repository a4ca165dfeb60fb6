"""Fixtures for the Android demo's checks: the place_models script, loaded from android_demo/."""

import importlib.util
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANDROID_DEMO = os.path.join(ROOT, "android_demo")


def load_script(name):
    """Imports android_demo/<name>.py (the folder is not a Python package)."""
    spec = importlib.util.spec_from_file_location(f"android_demo_{name}",
                                                  os.path.join(ANDROID_DEMO, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def place_models():
    return load_script("place_models")
