"""The task registry is the only table of tasks, every consumer agrees with it, and it needs no
TensorFlow."""

import ast
import pathlib
import subprocess
import sys

import pytest

import albert_keras
from albert_keras import tasks
from albert_keras.tasks import BY_NAME, EXPORTED, TASKS, TFLITE_INPUTS, TOKEN_INPUTS

PACKAGE = pathlib.Path(albert_keras.__file__).parent


def _literal_collections(path):
    """(line, is a dict, the string items) of every literal tuple, list, set and dict (keys)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [key for key in node.keys if key is not None]
        else:
            continue
        yield node.lineno, isinstance(node, ast.Dict), tuple(i.value for i in items
                                 if isinstance(i, ast.Constant) and isinstance(i.value, str))


def test_no_other_module_lists_tasks_or_token_input_names():
    copies = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "tasks.py":
            continue
        for line, is_dict, strings in _literal_collections(path):
            if len(set(strings) & set(BY_NAME)) >= 2:
                copies.append(f"{path.relative_to(PACKAGE)}:{line} lists tasks {strings}")
            if not is_dict and strings in (TOKEN_INPUTS, TFLITE_INPUTS):
                copies.append(f"{path.relative_to(PACKAGE)}:{line} lists {strings}")
    assert not copies, "read albert_keras.tasks instead:\n" + "\n".join(copies)


def test_rows_are_consistent():
    assert len(BY_NAME) == sum(len(t.names) for t in TASKS)  # no name or alias twice
    for task in TASKS:
        if task.exported:
            assert task.label_output in task.tflite_outputs, task.name
            assert task.serving_outputs, task.name


def test_every_consumer_reads_the_registry():
    from albert_keras import models, pipelines, shipped
    from albert_keras.checkpoints import formats
    from albert_keras.export import choices as names, signatures

    assert names.TASKS == EXPORTED == tuple(signatures.TASKS)
    assert all(signatures.TASKS[name] is BY_NAME[name] for name in EXPORTED)
    assert (signatures.TOKEN_INPUTS, signatures.TFLITE_INPUTS) == (TOKEN_INPUTS, TFLITE_INPUTS)
    assert formats.PIPELINE_TASKS == {name: t.model_class for name, t in BY_NAME.items()}
    assert {t.model_class for t in TASKS} == set(models.TASK_MODELS)
    for name, task in BY_NAME.items():
        assert formats.task_class(name) is models.TASK_MODELS[task.model_class]
    assert {name: (cls.__name__, model) for name, (cls, model) in pipelines.TASKS.items()} == {
        name: (t.pipeline_class, t.model_class) for name, t in BY_NAME.items() if t.pipeline_class}
    assert shipped.DEFAULT_MODELS == {t.name: t.default_model for t in TASKS if t.default_model}
    assert set(shipped.DEFAULT_MODELS.values()) <= set(shipped.SHIPPED_MODELS)


def test_registry_imports_no_tensorflow():
    code = ("import sys\nimport albert_keras.tasks, albert_keras.export.choices, "
            "albert_keras.export.names, albert_keras.shipped\n"
            "print(sorted({'tensorflow', 'keras'} & set(sys.modules)) or 'none')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["none"]


def test_get_task_resolves_aliases_and_names_the_valid_ones():
    assert tasks.get_task("ner") is tasks.get_task("token-classification")
    with pytest.raises(ValueError, match="unknown task 'summarization'.*sentiment-analysis"):
        tasks.get_task("summarization")


# Classes named here are another library's (keras-hub's task classes, told apart without
# importing keras-hub); no module tells our own models apart by their class names.
FOREIGN_CLASS_NAMES = {"checkpoints/keras_hub.py"}


def test_no_module_tells_classes_apart_by_their_names():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if str(path.relative_to(PACKAGE)) in FOREIGN_CLASS_NAMES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Compare) and any(
                    isinstance(side, ast.Attribute) and side.attr == "__name__"
                    for side in [node.left, *node.comparators]):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not found, f"compare the class (or an attribute it declares), not its name: {found}"


def test_the_models_declare_their_registry_name_and_weight_rows():
    from albert_keras import AlbertConfig, models
    from albert_keras.weights.hf import class_name, rows_for

    config = AlbertConfig(vocab_size=40, embedding_size=8, hidden_size=16, num_hidden_layers=1,
                          num_attention_heads=2, intermediate_size=20)
    for task in TASKS:
        cls = getattr(models, task.model_class)
        assert cls.architecture == task.model_class
        model = cls(config)
        rows = rows_for(model)
        assert [row.path for row in rows] == [row.path for row in model.weight_rows()]
        keys = sorted(row.hf_key for row in rows)
        backbone = [key for key in keys if "embeddings" in key]
        # A bare AlbertModel's weights sit at the top of its checkpoint, a head's below `albert.`
        assert all(key.startswith("albert.") for key in backbone) == (
            task.model_class != "AlbertModel"), (task.model_class, backbone[:2])
    assert models.AlbertForMultipleChoice.input_rank == 3 and models.AlbertModel.input_rank == 2

    class Mine(models.AlbertForMaskedLM):  # a user's subclass keeps its parent's rows
        pass

    assert class_name(Mine(config)) == "AlbertForMaskedLM"
    with pytest.raises(TypeError, match="str is not an ALBERT model"):
        rows_for("not a model")
