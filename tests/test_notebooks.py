"""The notebooks in notebooks/: stored clean (fast), and executed top to bottom offline (slow).

nbformat, nbclient and ipykernel (the kernel) are [test] dependencies. The fast tests read
each notebook with nbformat: it validates, stores no outputs or execution counts, and
imports only the standard library, albert_keras and the distributions albert-keras itself
requires (read from the installed metadata, so a notebook cannot rely on a package that a
user's `pip install albert-keras` lacks). The slow test runs each notebook in a fresh
kernel with nbclient, from `notebooks/` (so its relative paths to the repository's data
resolve), with TMPDIR pointed at a test folder so that what it writes disappears; the
notebook file itself is never written.
"""

import ast
import functools
import importlib.metadata
import os
import re
import sys
import time

import nbclient
import nbformat
import pytest

NOTEBOOKS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                             "notebooks")
NOTEBOOKS = ("quickstart", "finetune_sst2", "export", "question_answering")
CELL_TIMEOUT_S = 1200  # one training cell on 2 busy CPU cores; a hung kernel still fails


def _read(name):
    return nbformat.read(os.path.join(NOTEBOOKS_DIR, f"{name}.ipynb"), as_version=4)


def _imported_modules(notebook):
    """Top-level names of every module a notebook's code cells import."""
    names = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


@functools.cache
def _provided_modules():
    """Modules importable after `pip install albert-keras`: stdlib, albert_keras, runtime deps."""
    required = set()
    for requirement in importlib.metadata.requires("albert-keras") or ():
        if "extra ==" in requirement:
            continue
        name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
        required.add(re.sub(r"[-_.]+", "-", name).lower())
    provided = {"albert_keras"} | set(sys.stdlib_module_names)
    for module, distributions in importlib.metadata.packages_distributions().items():
        if any(re.sub(r"[-_.]+", "-", d).lower() in required for d in distributions):
            provided.add(module)
    return frozenset(provided)


def test_every_notebook_is_listed():
    found = sorted(f[:-6] for f in os.listdir(NOTEBOOKS_DIR) if f.endswith(".ipynb"))
    assert found == sorted(NOTEBOOKS)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_is_valid_and_stored_without_outputs(name):
    notebook = _read(name)
    nbformat.validate(notebook)
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name} cell {index} stores outputs: clear them"
            assert cell.execution_count is None, f"{name} cell {index} has an execution count"
            compile(cell.source, f"{name}[{index}]", "exec")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_imports_only_what_the_package_provides(name):
    missing = _imported_modules(_read(name)) - _provided_modules()
    assert not missing, f"{name} imports {sorted(missing)}, which albert-keras does not install"


@pytest.mark.slow
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_top_to_bottom(name, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))  # tempfile in the kernel writes under tmp_path
    notebook = _read(name)
    client = nbclient.NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                                     resources={"metadata": {"path": NOTEBOOKS_DIR}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    print(f"{name}.ipynb executed in {time.perf_counter() - start:.0f} s")
    errors = [o for cell in notebook.cells if cell.cell_type == "code"
              for o in cell.outputs if o.output_type == "error"]
    assert not errors
