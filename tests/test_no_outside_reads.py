"""No default test reads outside the repository: a fresh clone with nothing beside it passes.

tests/conftest.py's audit hook fails a default test that opens or lists a path beside
the repository; these tests check the hook itself, and that no test source names the
data folder CI keeps beside the clone (which subprocesses would read unseen by the hook).
"""

import os
import pathlib
import re
import tempfile

import pytest

from tests import conftest

TESTS = pathlib.Path(__file__).resolve().parent


@pytest.fixture
def beside(tmp_path, monkeypatch):
    """A folder the hook treats as lying beside the repository (as CI's data folder does)."""
    folder = tmp_path / "beside"
    folder.mkdir()
    monkeypatch.setattr(conftest, "_BESIDE", (str(folder) + os.sep,))
    return folder


def test_the_hook_sees_a_read_beside_the_repository(beside):
    (beside / "data.txt").write_text("x", encoding="utf-8")
    conftest.OUTSIDE_READS.clear()
    with open(beside / "data.txt", encoding="utf-8") as handle:
        handle.read()
    os.listdir(beside)
    with pytest.raises(FileNotFoundError):
        open(beside / "missing", encoding="utf-8")  # noqa: SIM115 (the event comes first)
    seen = list(conftest.OUTSIDE_READS)
    conftest.OUTSIDE_READS.clear()  # or this test would fail for them
    assert seen == [str(beside / "data.txt"), str(beside), str(beside / "missing")]


def test_reads_inside_the_repository_and_tmp_are_allowed(beside, tmp_path):
    (tmp_path / "x.txt").write_text("x", encoding="utf-8")
    (tmp_path / "x.txt").read_text(encoding="utf-8")
    (conftest.REPO / "tests" / "data" / "SOURCE.md").read_text(encoding="utf-8")
    assert conftest.OUTSIDE_READS == []
    assert conftest.outside_repo(beside / "sst2" / "train.tsv")
    assert not conftest.outside_repo(conftest.REPO / "tests" / "data" / "sst2")
    assert not conftest.outside_repo(pytest.__file__)  # the installed packages


def test_the_repository_and_the_python_installation_are_never_beside_it():
    assert not conftest.outside_repo(conftest.REPO / "tests")
    assert not conftest.outside_repo(pytest.__file__)
    assert not conftest.outside_repo(tempfile.gettempdir())


def test_no_test_names_the_data_folder_beside_the_clone():
    pattern = re.compile(r"""\.\./shared|["']shared["']\s*[/,)]|/\s*["']shared["']""")
    hits = [f"{path.relative_to(TESTS)}:{number}"
            for path in TESTS.rglob("*.py") if path != pathlib.Path(__file__)
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line.split("#")[0])]
    assert hits == [], "tests that name the data folder beside the clone (use tests/data or $ALBERT_KERAS_DATA)"
