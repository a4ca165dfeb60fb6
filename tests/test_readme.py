"""The README's main-job command runs as written, offline."""

import os
import re
import subprocess
import sys

README = os.path.join(os.path.dirname(__file__), "..", "README.md")


def _main_job_command():
    text = open(README, encoding="utf-8").read()
    section = text.split("## Install and run", 1)[1]
    command = re.search(r"```bash\n(.+?)\n```", section, re.S).group(1).strip()
    *install, run = command.split("&&")
    assert install[-1].strip().startswith("pip install -e"), command
    return run.strip()


def test_readme_main_job_runs_offline():
    command = _main_job_command()
    assert command.startswith("python -m albert_keras")
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    result = subprocess.run([sys.executable] + command.split()[1:], capture_output=True,
                            text=True, env=env, timeout=600,
                            cwd=os.path.dirname(README))
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Done: every task model loaded the checkpoint and ran." in result.stdout
    for task in ("AlbertModel", "AlbertForQuestionAnswering", "AlbertForMultipleChoice"):
        assert task in result.stdout
