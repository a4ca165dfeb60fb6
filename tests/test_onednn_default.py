"""Importing albert_keras before TensorFlow turns TF's oneDNN kernels on, unless the user chose."""

import os
import platform
import subprocess
import sys

import pytest

PROBE = ("import os, sys\n"
         "{first}\n"
         "from tensorflow.python.util import _pywrap_util_port\n"
         "print(os.environ.get('TF_ENABLE_ONEDNN_OPTS'), _pywrap_util_port.IsMklEnabled(),"
         " sys.modules['albert_keras']._ONEDNN_DEFAULTED)\n")


def _probe(first, setting):
    env = {k: v for k, v in os.environ.items() if k != "TF_ENABLE_ONEDNN_OPTS"}
    if setting is not None:
        env["TF_ENABLE_ONEDNN_OPTS"] = setting
    done = subprocess.run([sys.executable, "-c", PROBE.format(first=first)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


@pytest.mark.skipif(platform.machine().lower() not in ("x86_64", "amd64"),
                    reason="the default applies to x86 CPUs only")
def test_albert_keras_imported_first_turns_onednn_on():
    assert _probe("import albert_keras", None) == ["1", "True", "True"]


def test_the_users_setting_is_kept():
    assert _probe("import albert_keras", "0") == ["0", "False", "False"]


def test_nothing_changes_when_tensorflow_was_imported_first():
    value, _, defaulted = _probe("import tensorflow, albert_keras", None)
    assert (value, defaulted) == ("None", "False")
