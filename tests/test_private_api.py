"""Every use of another library's private API, and every redirect of the process's stderr
descriptor, states where it is made why the public way fails (issue #25)."""

import ast
import pathlib

import albert_keras

PACKAGE = pathlib.Path(albert_keras.__file__).parent


def _own_names():
    """Functions, classes and attributes the package itself defines (its own private names)."""
    names = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        names.add(target.id)
                    elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                          and target.value.id in ("self", "cls")):
                        names.add(target.attr)
    return names


def foreign_private_uses(source, own):
    """(line, what) of each `x._name` not defined here, each `def _name` overriding one, and
    each `os.dup2`; `own` lists the names the package defines."""
    uses = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__") and node.attr not in own:
            uses.append((node.lineno, ast.unparse(node)))
        elif isinstance(node, ast.Attribute) and node.attr == "dup2":
            uses.append((node.lineno, "os.dup2"))
    return uses


def _enclosing_text(lines, tree, line):
    """The source of the innermost function around `line` (the module for top-level code)."""
    best = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.lineno <= line <= node.end_lineno:
            if best is None or node.lineno > best.lineno:
                best = node
    if best is None:
        return "\n".join(lines)
    return "\n".join(lines[best.lineno - 1:best.end_lineno])


def test_every_private_use_says_why():
    own = _own_names() - {"_maybe_symbolic_build", "_initial_epoch"}  # Keras' names we set
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        tree, lines = ast.parse(source), source.splitlines()
        for line, what in foreign_private_uses(source, own):
            text = _enclosing_text(lines, tree, line).lower()
            reason = "descriptor" if what == "os.dup2" else "private"
            if reason not in text:
                silent.append(f"{path.relative_to(PACKAGE)}:{line} {what}")
    assert not silent, "say why the public way fails:\n" + "\n".join(silent)


def test_the_scan_finds_a_private_use():
    source = "def f(model):\n    model._flatten_layers()\n    os.dup2(1, 2)\n"
    assert foreign_private_uses(source, set()) == [(2, "model._flatten_layers"), (3, "os.dup2")]
    assert foreign_private_uses(source, {"_flatten_layers"}) == [(3, "os.dup2")]
