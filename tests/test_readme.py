"""The README's main-job command runs as written, offline, and prints real predictions."""

import os
import re
import shlex
import subprocess
import sys

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
