"""Every import inside a function says why it is not at the top of its module (issue #25)."""

import ast
import io
import pathlib
import tokenize

import albert_keras

PACKAGE = pathlib.Path(albert_keras.__file__).parent


def silent_local_imports(source):
    """(line, import) of each import inside a function with no comment saying why.

    A comment counts on the import's first or last line or alone on the line just before it;
    an import on the line right after a commented one shares its comment (a run of imports).
    """
    lines = source.splitlines()
    commented = {token.start[0] for token in tokenize.generate_tokens(io.StringIO(source).readline)
                 if token.type == tokenize.COMMENT}
    local = {}
    for function in ast.walk(ast.parse(source)):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    local[node.lineno] = node  # once, also inside nested functions
    said, silent = set(), []
    for line, node in sorted(local.items()):
        before = lines[line - 2].strip() if line > 1 else ""
        if {line, node.end_lineno} & commented or before.startswith("#") or line - 1 in said:
            said.add(node.end_lineno)
        else:
            silent.append((line, ast.unparse(node)))
    return silent


def test_every_local_import_says_why():
    """Imports inside functions only keep TensorFlow or a heavy/optional dependency off a path."""
    silent = [f"{path.relative_to(PACKAGE.parent)}:{line}: {text}"
              for path in sorted(PACKAGE.rglob("*.py"))
              for line, text in silent_local_imports(path.read_text(encoding="utf-8"))]
    assert not silent, ("move these imports to the top of the module, or say in a comment what "
                        "they keep off which path:\n" + "\n".join(silent))


def test_the_scan_finds_a_silent_local_import():
    source = (
        "import os\n"
        "def f():\n"
        "    import json\n"  # silent
        "    import tensorflow as tf  # local: TensorFlow\n"
        "    # local: TensorFlow\n"
        "    import keras\n"
        "    from keras import ops\n"  # the run of the comment above
        "\n"
        "    import numpy\n"  # a blank line ends the run
        "    x = '# not a comment'; import re\n"  # silent: the '#' is inside a string
        "    def g():\n"
        "        from keras import (\n"
        "            layers)  # local: Keras\n"
        "class C:\n"
        "    import sys\n"  # not inside a function
    )
    assert silent_local_imports(source) == [(3, "import json"), (9, "import numpy"),
                                            (10, "import re")]
