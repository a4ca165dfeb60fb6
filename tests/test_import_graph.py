"""The subpackages of albert_keras import each other without a cycle (ARCHITECTURE.md), counting
every import in the source, function-local ones included."""

import ast
import itertools
import pathlib

import albert_keras

PACKAGE = pathlib.Path(albert_keras.__file__).parent


def _part(module):
    """The subpackage (or top-level module) of a dotted name below albert_keras."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def import_graph():
    """{part: {part it imports: first place}} from every module but the package root."""
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("").parts
        module = ".".join(rel[:-1] if rel[-1] == "__init__" else rel)
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        source = _part(module)
        if source is None:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1]
                                    + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if base == "albert_keras" else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                if target.startswith("albert_keras."):
                    part = _part(target)
                    if part != source:
                        graph.setdefault(source, {}).setdefault(part, f"{path.name}:{node.lineno}")
    return graph


def _cycle(graph):
    """One cycle as a list of parts, or None."""
    state = {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in graph.get(node, {}):
            if state.get(nxt) == "open":
                return trail[trail.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = "done"
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def test_subpackage_imports_have_no_cycle():
    graph = import_graph()
    cycle = _cycle(graph)
    where = [f"{a} -> {b} ({graph[a][b]})" for a, b in itertools.pairwise(cycle)] if cycle else []
    assert cycle is None, "import cycle: " + "; ".join(where)


def test_the_layers_of_architecture_md():
    graph = import_graph()
    for low in ("tasks", "presets", "shipped", "hub", "config", "weights", "tokenization"):
        assert not {"models", "checkpoints", "pipelines", "export", "training"} & set(
            graph.get(low, {})), (low, graph.get(low))
    assert "models" not in graph["weights"] and "checkpoints" not in graph["models"]


def test_a_cycle_is_found():
    assert _cycle({"a": {"b": ""}, "b": {"a": ""}}) == ["a", "b", "a"]


def test_no_library_module_over_400_lines():
    long = {str(path.relative_to(PACKAGE)): n for path in sorted(PACKAGE.rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, f"split these modules along a seam (at most 400 lines each): {long}"


def test_module_names_match_their_classes_and_old_addresses_still_import():
    import importlib

    from albert_keras.layers import embeddings, transformer

    assert embeddings.AlbertEmbeddings.__module__ == "albert_keras.layers.embeddings"
    assert transformer.AlbertTransformer.__module__ == "albert_keras.layers.transformer"
    assert importlib.import_module("albert_keras.layers.factorized_embedding") is embeddings
    assert importlib.import_module("albert_keras.layers.shared_encoder") is transformer
    from albert_keras.layers.factorized_embedding import AlbertEmbeddings
    from albert_keras.layers.shared_encoder import AlbertLayerGroup, AlbertTransformer

    assert (AlbertEmbeddings, AlbertTransformer, AlbertLayerGroup) == (
        embeddings.AlbertEmbeddings, transformer.AlbertTransformer, transformer.AlbertLayerGroup)


def test_renamed_modules_keep_their_old_addresses():
    import importlib

    from albert_keras.export import choices
    from albert_keras.training import finetune_tasks

    assert importlib.import_module("albert_keras.export.names") is choices
    assert importlib.import_module("albert_keras.training.tasks") is finetune_tasks
    from albert_keras.training.tasks import SquadTask, load_task

    assert (SquadTask, load_task) == (finetune_tasks.SquadTask, finetune_tasks.load_task)


def test_every_package_docstring_names_its_modules_and_architecture_md_every_part():
    import re

    architecture = (PACKAGE.parent / "ARCHITECTURE.md").read_text(encoding="utf-8")
    unnamed = []
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        for module in sorted(p.stem for p in init.parent.glob("*.py")):
            if module not in ("__init__", "__main__") and not re.search(
                    rf"`{module}`|\b{module}\.py\b", doc):
                unnamed.append(f"{init.parent.name}/{module}.py")
        if not re.search(rf"\b{init.parent.name}\b", architecture):
            unnamed.append(f"ARCHITECTURE.md: {init.parent.name}")
    for module in sorted(p.stem for p in PACKAGE.glob("*.py")):
        if module not in ("__init__", "__main__") and not re.search(rf"\b{module}\b", architecture):
            unnamed.append(f"ARCHITECTURE.md: {module}")
    assert not unnamed, unnamed


def test_the_tflite_metadata_reader_sits_below_the_exporter_and_the_pipelines():
    from albert_keras import tflite_metadata
    from albert_keras.export import metadata

    graph = import_graph()
    assert "export" not in graph.get("pipelines", {}), graph.get("pipelines")
    assert "tflite_metadata" in graph["pipelines"] and "tflite_metadata" in graph["export"]
    for name in ("read_metadata", "signature_entries", "io_names", "SPIECE_FILE", "LABELS_FILE",
                 "TASK_LIBRARY_SPIECE_FILE", "METADATA_NAME", "FILE_IDENTIFIER"):
        assert getattr(metadata, name) is getattr(tflite_metadata, name), name
