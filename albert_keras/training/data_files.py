"""Where a task's train and dev files are, found and checked before TensorFlow is imported.

An explicit file (`--train-file`, `--dev-file`) always wins; the other split is
looked up in the task folder: `--data-dir`, else `$ALBERT_KERAS_DATA/<folder>`
(`ALBERT_KERAS_DATA` is a folder holding `sst2/`, `squad_v1.1/`, `conll2003/`, ...).
Errors name the path that is missing and the flag that fixes it.
"""

import glob
import os

from albert_keras.data import classification

ENV = "ALBERT_KERAS_DATA"
# The folder of each task under $ALBERT_KERAS_DATA (a GLUE task's folder is its name).
FOLDERS = {"squad": "squad_v1.1", "ner": "conll2003", "mc": "commonsenseqa"}
# (train, dev) file-name patterns in a task folder, the first that matches wins.
PATTERNS = {
    "squad": (("train-v*.json", "train*.json*"), ("dev-v*.json", "dev*.json*")),
    "ner": (("eng.train", "train*"), ("eng.testa", "dev*", "valid*")),
    "mc": (("train*.jsonl", "Data/Main/train.jsonl"), ("dev*.jsonl", "Data/Main/dev.jsonl")),
    **{name: tuple((split,) for split in spec.splits)
       for name, spec in classification.TASKS.items()},
}
TASK_NAMES = tuple(sorted(PATTERNS))


def default_data_dir(task):
    """`$ALBERT_KERAS_DATA/<folder>` for a task (None when the variable is unset)."""
    root = os.environ.get(ENV)
    return os.path.join(root, FOLDERS.get(task, task)) if root else None


def _find(data_dir, patterns):
    for pattern in patterns:
        hits = sorted(p for p in glob.glob(os.path.join(data_dir, pattern)) if os.path.isfile(p))
        if hits:
            return hits[0]
    return None


def task_files(task, data_dir=None, train_file=None, dev_file=None):
    """(train file, dev file) of a task; explicit files win over the task folder.

    Raises:
        ValueError: for an unknown task, or no file and no folder to look in.
        FileNotFoundError: naming the file or folder that does not exist.
    """
    if task not in PATTERNS:
        raise ValueError(f"unknown task {task!r}; choose from {list(TASK_NAMES)}")
    for flag, path in (("--train-file", train_file), ("--dev-file", dev_file)):
        if path is not None and not os.path.isfile(path):
            raise FileNotFoundError(f"{flag} {path}: no such file")
    if train_file and dev_file:
        return train_file, dev_file
    folder = FOLDERS.get(task, task)
    if data_dir is None:
        data_dir = default_data_dir(task)
        if data_dir is None:
            raise ValueError(f"no data for {task}: pass --data-dir (the folder with its train "
                             "and dev files), or --train-file and --dev-file, or set "
                             f"{ENV} to a folder holding {folder}/")
        if not os.path.isdir(data_dir):
            raise FileNotFoundError(f"no data for {task}: {data_dir} does not exist "
                                    f"({ENV}={os.environ[ENV]}); pass --data-dir")
    elif not os.path.isdir(data_dir):
        raise FileNotFoundError(f"--data-dir {data_dir}: no such folder")
    found = []
    for split, given, patterns in zip(("train", "dev"), (train_file, dev_file), PATTERNS[task]):
        path = given or _find(data_dir, patterns)
        if path is None:
            raise FileNotFoundError(f"no {split} file for {task} in {data_dir} (looked for "
                                    f"{', '.join(patterns)}); pass --{split}-file")
        found.append(path)
    return tuple(found)
