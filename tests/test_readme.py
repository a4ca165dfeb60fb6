"""The README's main-job command runs as written, offline, and prints real predictions."""

import os
import re
import shlex
import subprocess
import sys

import pytest

from albert_keras.native_logs import is_native_log_line

ROOT = os.path.join(os.path.dirname(__file__), "..")
README = os.path.join(ROOT, "README.md")


def _main_job_commands():
    """The commands after the install step of the README's first bash block."""
    text = open(README, encoding="utf-8").read()
    section = text.split("## Install and run", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.DOTALL).group(1).strip()
    parts = [p.strip() for p in command.split("&&")]
    installs = [i for i, p in enumerate(parts) if p.startswith("pip install")]
    assert installs and parts[installs[-1]].startswith("pip install -e"), command
    return parts[installs[-1] + 1:]


def _run(command):
    argv = shlex.split(command)
    if argv[0] == "albert-keras":  # the console script is `python -m albert_keras.cli`
        argv = [sys.executable, "-m", "albert_keras.cli"] + argv[1:]
    elif argv[0] == "python":
        argv[0] = sys.executable
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=600, cwd=ROOT)


def test_readme_main_job_runs_offline():
    commands = _main_job_commands()
    assert [c.split()[:2] for c in commands] == [["albert-keras", "fill-mask"],
                                                 ["albert-keras", "classify"]]
    filled = _run(commands[0])
    assert filled.returncode == 0, filled.stderr[-3000:]
    assert "model: albert-tiny-en" in filled.stdout
    scores = [float(line.split()[0]) for line in filled.stdout.splitlines()
              if re.match(r"^\s+0\.\d{3}\s+\S", line)]
    assert len(scores) == 5 and scores == sorted(scores, reverse=True), filled.stdout
    classified = _run(commands[1])
    assert classified.returncode == 0, classified.stderr[-3000:]
    assert re.search(r"^\s+positive\s+0\.\d{3}$", classified.stdout, re.MULTILINE), classified.stdout


def test_demo_runs_offline():
    result = _run("python -m albert_keras.demo")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done: every task model loaded the checkpoint and ran." in result.stdout
    for task in ("AlbertModel", "AlbertForQuestionAnswering", "AlbertForMultipleChoice"):
        assert task in result.stdout


def _blocks(language):
    text = open(README, encoding="utf-8").read()
    return re.findall(rf"```{language}\n(.+?)\n```", text, re.DOTALL)


def _readme_commands():
    """Every bash command of the README but the install and the test run, in order."""
    commands = []
    for block in _blocks("bash")[1:]:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("  #")[0].strip()
            if line and not line.startswith(("pip install", "python -m pytest")):
                commands.append(line)
    return commands


def test_readme_python_snippets_run():
    for block in _blocks("python"):
        result = subprocess.run([sys.executable, "-c", block], capture_output=True, text=True,
                                env=dict(os.environ, HF_HUB_OFFLINE="1"), timeout=600, cwd=ROOT,
                                check=False)
        assert result.returncode == 0, result.stderr[-3000:]


@pytest.mark.slow
def test_every_readme_command_runs_in_order(tmp_path):
    """The README's commands, in a folder that has the clone's package, tests and app."""
    import shutil

    for name in ("albert_keras", "tests"):
        os.symlink(os.path.join(os.path.abspath(ROOT), name), tmp_path / name)
    shutil.copytree(os.path.join(ROOT, "android_demo"), tmp_path / "android_demo")
    # As a user's shell has it: without tests/conftest.py's TF_CPP_MIN_LOG_LEVEL.
    user_env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CPP")}
    commands = _readme_commands()
    assert any("--quantize all" in c for c in commands)
    assert any(c.startswith("albert-keras pretrain") for c in commands)
    for command in commands:
        argv = shlex.split(command)
        if argv[0] == "albert-keras":
            argv = [sys.executable, "-m", "albert_keras.cli"] + argv[1:]
        elif argv[0] == "python":
            argv[0] = sys.executable
        result = subprocess.run(argv, capture_output=True, text=True, timeout=900, cwd=tmp_path,
                                env=dict(user_env, HF_HUB_OFFLINE="1"), check=False)
        assert result.returncode == 0, (command, result.stderr[-3000:])
        native = [line for line in result.stderr.splitlines() if is_native_log_line(line)]
        assert native == [], (command, native)  # TensorFlow's / LiteRT's C++ log lines
    assert (tmp_path / "pretrained" / "config.json").is_file()
    assert (tmp_path / "sst2.keras").is_file()


def test_readme_is_a_short_front_door():
    """At most about 150 lines; the measured figures live in benchmarks/README.md."""
    text = open(README, encoding="utf-8").read()
    assert len(text.splitlines()) <= 150
    assert "(benchmarks/README.md)" in text
    assert not re.search(r"\d\s?(ms|MB|GFLOP/s|sentences/s)\b", text), "a measured figure"
    for section in ("## Install and run", "## Load and run", "## Fine-tune", "## Export",
                    "## On a phone", "## What it does"):
        assert section in text, section
