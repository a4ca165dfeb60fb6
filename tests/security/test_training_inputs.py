"""Training stops on bad input with a clear message: arguments, data files, backups, a NaN loss."""

import json
import logging
import os
import re
import subprocess
import sys

import keras
import pytest

from albert_keras.cli import build_parser, main
from albert_keras.training import pretrain as pt
from albert_keras.training.finetune_tasks import load_task
from albert_keras.training.tiny import tiny_config
from tests.training.conftest import DATA, REPO, shards, spiece_path, tokenizer  # noqa: F401

SETTINGS = {"steps": 4, "batch_size": 4, "max_seq_length": 32, "steps_per_epoch": 2,
            "learning_rate": 1e-2, "verbose": 0, "strategy": "default"}


def _finetune_argv(*extra):
    return ["finetune", "--task", "sst2", "--tiny", "--output-dir", "unused", *extra]


# ------------------------------------------------------------------ arguments
@pytest.mark.parametrize("flag, value, message", [
    ("--learning-rate", "nan", "must be a finite number > 0, got 'nan'"),
    ("--learning-rate", "inf", "must be a finite number > 0"),
    ("--learning-rate", "-1e-3", "must be a finite number > 0"),
    ("--batch-size", "0", "must be an integer > 0, got '0'"),
    ("--epochs", "0", "must be an integer > 0"),
    ("--limit-train", "-5", "must be an integer > 0"),
])
def test_bad_numbers_stop_the_command_line(flag, value, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(_finetune_argv(f"{flag}={value}"))
    assert stopped.value.code == 2
    assert f"argument {flag}: {message}" in capsys.readouterr().err


def test_bad_pretrain_steps_stop_the_command_line(capsys):
    with pytest.raises(SystemExit):
        main(["pretrain", "--tiny", "--output-dir", "unused", "--steps", "0"])
    assert "argument --steps: must be an integer > 0" in capsys.readouterr().err


@pytest.mark.parametrize("name, value, message", [
    ("learning_rate", float("nan"), "learning_rate must be a finite number > 0, got nan"),
    ("batch_size", 0, "batch_size must be an integer > 0, got 0"),
    ("epochs", 0, "epochs must be an integer > 0, got 0"),
])
def test_bad_numbers_stop_finetune(name, value, message, tmp_path):
    kwargs = {"epochs": 1, "batch_size": 16, "limit_train": 32, "limit_eval": 16, "max_seq_length": 16,
                  "verbose": 0, "tiny_setting": True, "data_dir": str(DATA / "banking77")}
    with pytest.raises(ValueError, match=message):
        from albert_keras.training.finetune import finetune

        finetune("banking77", str(tmp_path), **dict(kwargs, **{name: value}))
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("name, value", [("learning_rate", float("inf")), ("steps", 0),
                                         ("batch_size", 0)])
def test_bad_numbers_stop_pretrain(name, value, tokenizer, shards, tmp_path):  # noqa: F811
    with pytest.raises(ValueError, match=f"{name} must be .* > 0"):
        pt.pretrain(shards, str(tmp_path), tiny_config(tokenizer.vocab_size),
                    **dict(SETTINGS, **{name: value}))


# ------------------------------------------------------------------ data files
def _sst2(tmp_path, train, dev="text\tlabel\na fine film\t1\n"):
    folder = tmp_path / "sst2"
    folder.mkdir()
    (folder / "train.tsv").write_bytes(train if isinstance(train, bytes) else train.encode())
    (folder / "dev.tsv").write_text(dev, encoding="utf-8")
    return folder


def test_rows_without_a_label_are_refused_with_file_and_line(tmp_path):
    folder = _sst2(tmp_path, "text\tlabel\ngood\t1\nno label here\nbad\t0\nempty label\t\n")
    with pytest.raises(ValueError, match=r"train.tsv:3: no label \(column 'label'\); 2 of 4 "
                                         r"rows have none: .* --drop-unlabeled"):
        load_task("sst2", str(folder))


def test_drop_unlabeled_drops_them_and_says_how_many(tmp_path, caplog):
    folder = _sst2(tmp_path, "text\tlabel\ngood\t1\nno label here\nbad\t0\nempty label\t\n")
    with caplog.at_level(logging.WARNING, logger="albert_keras"):
        task = load_task("sst2", str(folder), drop_unlabeled=True)
    assert task.train[0] == ["good", "bad"] and task.train[2].tolist() == [1, 0]
    assert "dropped 2 of 4 rows without a label (the first at line 3)" in caplog.text
    assert build_parser().parse_args(_finetune_argv("--drop-unlabeled")).drop_unlabeled


@pytest.mark.parametrize("content, message", [
    (b"", r"train.tsv: empty file"),
    (b"text\tlabel\n", r"train.tsv: no examples after the header line"),
    (b"text\tlabel\ngood\t1\n\xff\xfe\x00binary\t1\n", r"train.tsv:3: not UTF-8 text \(byte 0xff\)"),
    (b"txt\tlabel\ngood\t1\n", r"train.tsv:2: no text in column 'text'"),
])
def test_empty_header_only_and_binary_files_are_named(content, message, tmp_path):
    folder = _sst2(tmp_path, content)
    with pytest.raises(ValueError, match=message):
        load_task("sst2", str(folder))


def test_a_tiny_run_on_empty_texts_is_named_not_sentencepiece_internal(tmp_path, capsys):
    folder = _sst2(tmp_path, "text\tlabel\n \t1\n\t0\n")
    assert main(["finetune", "--task", "sst2", "--tiny", "--data-dir", str(folder),
                 "--output-dir", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err == (
        "albert-keras finetune: error: no text to train the --tiny SentencePiece model on: "
        "every training text is empty\n")


def test_every_task_reads_the_files_it_is_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no default data folder in reach
    folder = _sst2(tmp_path, "text\tlabel\ngood\t1\nbad\t0\nfine\t1\n")
    other = tmp_path / "dev.tsv"
    other.write_text("text\tlabel\nawful\t0\n", encoding="utf-8")
    task = load_task("sst2", None, train_file=str(folder / "train.tsv"), dev_file=str(other))
    assert task.train[0] == ["good", "bad", "fine"] and task.dev[0] == ["awful"]
    squad = str(DATA / "squad_v1.1" / "dev_sample.json")
    assert load_task("squad", None, train_file=squad, dev_file=squad, limit_train=3).train
    # One explicit file, the other from --data-dir.
    task = load_task("sst2", str(folder), dev_file=str(other))
    assert len(task.train[0]) == 3 and task.dev[0] == ["awful"]


def test_missing_paths_are_named_before_tensorflow_loads(tmp_path):
    code = f"""
import sys
from albert_keras.cli import build_parser, main
for argv in (["finetune", "--task", "squad", "--train-file", {str(tmp_path / "no.json")!r},
              "--dev-file", {str(tmp_path / "no.json")!r}, "--output-dir", "o"],
             ["finetune", "--task", "sst2", "--data-dir", {str(tmp_path / "none")!r},
              "--output-dir", "o"],
             ["finetune", "--task", "ner", "--output-dir", "o"],
             ["finetune", "--task", "sst2", "--model", {str(tmp_path)!r},
              "--data-dir", {str(DATA / "sst2")!r}, "--output-dir", "o"]):
    assert main(argv) == 1
assert "tensorflow" not in sys.modules, "imported TensorFlow"
"""
    env = {k: v for k, v in os.environ.items() if k != "ALBERT_KERAS_DATA"}
    env["PYTHONPATH"] = str(REPO)  # this checkout, whatever is installed
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, check=False, env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [
        f"albert-keras finetune: error: --train-file {tmp_path / 'no.json'}: no such file",
        f"albert-keras finetune: error: --data-dir {tmp_path / 'none'}: no such folder",
        ("albert-keras finetune: error: no data for ner: pass --data-dir (the folder with its "
        "train and dev files), or --train-file and --dev-file, or set ALBERT_KERAS_DATA to a "
        "folder holding conll2003/"),
        f"albert-keras finetune: error: --model {tmp_path}: no config.json in that folder"]


# ------------------------------------------------------------------ squad, ner, mc files
SQUAD_DEV = str(DATA / "squad_v1.1" / "dev_sample.json")
CONLL_DEV = str(DATA / "conll2003" / "eng.testa.sample")
CHOICES_DEV = str(DATA / "commonsenseqa" / "dev_sample.jsonl")
QA = {"id": "q1", "question": "Who?", "answers": [{"text": "Ada", "answer_start": 0}]}


def _squad(**paragraph):
    return json.dumps({"data": [{"paragraphs": [dict({"context": "Ada wrote it.",
                                                      "qas": [QA]}, **paragraph)]}]})


@pytest.mark.parametrize("name, content, message", [
    ("train.json", b'\xff\xfe{"data": []}', (r"train.json:1: not UTF-8 text \(byte 0xff\); "
                                            r"expected a JSON object \{\"data\"")),
    ("train.json", b'{"data": [\n  {"paragraphs": []}\n  {"paragraphs": []}]}',
     r"train.json: not valid JSON \(line 3, column 3: Expecting ',' delimiter\)$"),
    ("train.json", b"", r"train.json: empty file; expected a JSON object"),
    ("train.json", b"[1, 2]", (r"train.json: expected a JSON object .*\(SQuAD\), got a JSON "
                              r"list '\[1, 2\]'$")),
    ("train.json", b'{"version": "1.1"}', r"train.json: no 'data' \(its keys: 'version'\)$"),
    ("train.json", b'{"data": [{"paragraphs": [{"context": "Ada wrote it."}]}]}',
     r"train.json: data\[0\]\.paragraphs\[0\]: no 'qas' \(its keys: 'context'\)$"),
    ("train.json", _squad(qas=[{"id": "q1", "answers": []}]).encode(),
     r"train.json: data\[0\]\.paragraphs\[0\]\.qas\[0\]: no 'question'"),
    ("train.json", _squad(qas=[dict(QA, answers=[{"answer_start": 0}])]).encode(),
     (r"train.json: data\[0\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\]: no 'text' "
      r"\(its keys: 'answer_start'\)$")),
    ("train.json", _squad(qas=[dict(QA, answers=[{"text": "it", "answer_start": 12}])]).encode(),
     (r"train.json: data\[0\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\]: answer_start=12 puts "
      r"'it' outside the context \(13 characters\)$")),
    ("train.json", _squad(qas={"id": "q1"}).encode(),
     (r"train.json: data\[0\]\.paragraphs\[0\]: 'qas' must be a JSON list, got a JSON "
      r"object '\{\"id\": \"q1\"\}'$")),
    ("train.jsonl", b'{"context": "c", "qas": []}\n{"context": "c",\n',
     r"train.jsonl:2: not valid JSON \(column 17: Expecting property name"),
    ("train.jsonl", json.dumps({"context": "c" * 500, "qas": [dict(QA, question=7)]}).encode(),
     r"train.jsonl:1: qas\[0\]: 'question' must be a string, got an integer '7'$"),
])
def test_a_squad_file_of_another_shape_is_named_with_its_record(name, content, message,
                                                                 tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_task("squad", None, train_file=str(path), dev_file=SQUAD_DEV)


@pytest.mark.parametrize("content, message", [
    (b"EU B-ORG\nrejects\n\n", (r"eng.train:2: no tag column in 'rejects'; expected a word and "
                               r"its tag per line")),
    (b"EU B-ORG\n\xe9t\xe9 O\n", r"eng.train:2: not UTF-8 text \(byte 0xe9\)"),
])
def test_a_conll_file_of_another_shape_is_named_with_its_line(content, message, tmp_path):
    path = tmp_path / "eng.train"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_task("ner", None, train_file=str(path), dev_file=CONLL_DEV)


CHOICE = {"answerKey": "B", "question": {"stem": "Where?", "choices": [
    {"label": "A", "text": "here"}, {"label": "B", "text": "there"}]}}


def _choices(*rows):
    return "".join(json.dumps(row) + "\n" for row in rows).encode()


@pytest.mark.parametrize("content, message", [
    (b"\x80\n", r"train.jsonl:1: not UTF-8 text \(byte 0x80\)"),
    (_choices(CHOICE) + b"{'question': 1}\n", (r"train.jsonl:2: not valid JSON \(column 2: "
                                              r"Expecting property name enclosed in double")),
    (_choices(["a", "b"]), (r"train.jsonl:1: expected a JSON object with 'question', got a JSON "
                           r"list '\[\"a\", \"b\"\]'$")),
    (_choices({"answerKey": "A"}), r"train.jsonl:1: no 'question' \(its keys: 'answerKey'\)$"),
    (_choices(dict(CHOICE, question={"stem": "Where?"})),
     r"train.jsonl:1: question: no 'choices' \(its keys: 'stem'\)$"),
    (_choices(dict(CHOICE, question={"choices": CHOICE["question"]["choices"]})),
     r"train.jsonl:1: question: no 'stem'"),
    (_choices(dict(CHOICE, question={"stem": "s", "choices": [{"text": "x"}]})),
     r"train.jsonl:1: question\.choices\[0\]: no 'label' \(its keys: 'text'\)$"),
    (_choices(dict(CHOICE, answerKey="E")),
     r"train.jsonl:1: answerKey 'E' is not one of the choice labels \['A', 'B'\]$"),
    (_choices(CHOICE, dict(CHOICE, question={"stem": "s", "choices": CHOICE["question"][
        "choices"] + [{"label": "C", "text": "x"}]})),
     (r"train.jsonl:2: 3 choices where the questions before have 2; every question needs the "
     r"same number$")),
])
def test_a_choices_file_of_another_shape_is_named_with_its_line(content, message, tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        load_task("mc", None, train_file=str(path), dev_file=CHOICES_DEV)


@pytest.mark.parametrize("entry", ["albert-keras", "python -m albert_keras.training"])
def test_a_bad_data_file_is_one_line_and_exit_1(entry, tmp_path, capsys):
    from albert_keras.training import cli as training_cli

    path = tmp_path / "train.json"
    path.write_text("[1, 2]", encoding="utf-8")
    argv = ["finetune", "--task", "squad", "--tiny", "--train-file", str(path), "--dev-file",
            SQUAD_DEV, "--output-dir", str(tmp_path / "out")]
    run = main if entry == "albert-keras" else training_cli.main
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{entry} finetune: error: {path}: expected a JSON object")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert run([*argv, "--verbose"]) == 1
    assert "Traceback" in capsys.readouterr().err



@pytest.mark.parametrize("name, content, message", [
    ("wiki.txt", b"A first line.\n\xff\xfe binary\n", (r"wiki.txt:2: not UTF-8 text \(byte "
                                                      r"0xff\); expected plain text or WikiExtractor")),
    ("wiki.txt.gz", b"not gzip", r"wiki.txt.gz: not a readable gzip file \(Not a gzipped file"),
    ("wiki.txt", b"\n\n<doc id='1'>\nTitle\n</doc>\n", (r"wiki.txt: no text to pre-train on "
                                                       r"\(the files are empty")),
])
def test_pretrain_text_that_is_binary_or_empty_is_named(name, content, message, tmp_path,
                                                         capsys):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["pretrain", "--tiny", "--input", str(path), "--steps", "1",
                 "--output-dir", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith((f"albert-keras pretrain: error: {path}",
                           f"albert-keras pretrain: error: --input {path}"))
    assert re.search(message, err) and len(err.splitlines()) == 1, err



def test_a_shard_that_is_not_a_tfrecord_is_named(tokenizer, shards, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.tfrecord"
    bad.write_bytes(b"not a tfrecord at all")
    config = tiny_config(tokenizer.vocab_size)
    with pytest.raises(ValueError, match=r"bad\.tfrecord: not a pre-training shard with "
                                         r"max_seq_length=32 \(corrupted record at 0 \(Is this "
                                         r"even a TFRecord file\?\)\)$"):
        pt.pretrain(str(bad), str(tmp_path / "a"), config, **SETTINGS)
    with pytest.raises(ValueError, match=r"\.tfrecord: not a pre-training shard with "
                                         r"max_seq_length=48 \(Key: \w+\.  Can't parse"):
        pt.pretrain(shards, str(tmp_path / "b"), config, **dict(SETTINGS, max_seq_length=48))


# ------------------------------------------------------------------ resume
class Crash(keras.callbacks.Callback):
    """Raises at the start of the given epoch, like a killed job."""

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("simulated crash")


def _crashed(shards, tokenizer, folder, epoch=1):  # noqa: F811
    config = tiny_config(tokenizer.vocab_size)
    with pytest.raises(RuntimeError, match="simulated crash"):
        pt.pretrain(shards, str(folder), config, callbacks=[Crash(epoch)], **SETTINGS)
    assert pt.resumed_epoch(str(folder / "backup")) == epoch
    return config


def test_a_resume_with_other_arguments_stops_and_names_them(tokenizer, shards, tmp_path,  # noqa: F811
                                                            caplog):
    config = _crashed(shards, tokenizer, tmp_path)
    changed = dict(SETTINGS, seed=1, learning_rate=2e-2)
    with pytest.raises(ValueError, match=r"other arguments: learning_rate 0.01 -> 0.02; "
                                         r"seed 0 -> 1\. .*--resume-anyway"):
        pt.pretrain(shards, str(tmp_path), config, **changed)
    with caplog.at_level(logging.WARNING, logger="albert_keras"):
        result = pt.pretrain(shards, str(tmp_path), config, resume_anyway=True, **changed)
    assert "seed 0 -> 1; resuming anyway" in caplog.text
    assert len(result["history"]["loss"]) == 1  # the second of two epochs
    assert build_parser().parse_args(_finetune_argv("--resume-anyway")).resume_anyway


@pytest.mark.parametrize("damage, message", [
    ("weights", r"the backup .*epoch-1\.weights\.h5 is corrupt \(its sha256 differs"),
    ("metadata", r"the backup .*training_metadata\.json is corrupt"),
])
def test_a_corrupt_latest_backup_is_an_error(damage, message, tokenizer, shards,  # noqa: F811
                                             tmp_path):
    config = _crashed(shards, tokenizer, tmp_path)
    backup = tmp_path / "backup"
    for name in os.listdir(backup):
        if damage == "weights" and name.endswith(".weights.h5") or \
                damage == "metadata" and name == "training_metadata.json":
            path = backup / name
            path.write_bytes(path.read_bytes()[: os.path.getsize(path) // 2])
    with pytest.raises(ValueError, match=message):
        pt.pretrain(shards, str(tmp_path), config, **SETTINGS)


def test_a_backup_that_does_not_load_is_an_error(tokenizer, shards, tmp_path):  # noqa: F811
    config = _crashed(shards, tokenizer, tmp_path)
    metadata_path = tmp_path / "backup" / "training_metadata.json"
    metadata = json.loads(metadata_path.read_text())
    weights = tmp_path / "backup" / metadata.pop("weights")
    weights.write_bytes(weights.read_bytes()[:100])
    metadata.pop("sha256")
    metadata_path.write_text(json.dumps(metadata))  # a Keras-style backup, no checksum
    (tmp_path / "backup" / "latest.weights.h5").write_bytes(weights.read_bytes())
    with pytest.raises(ValueError, match=r"latest\.weights\.h5 does not load"):
        pt.pretrain(shards, str(tmp_path), config, **SETTINGS)


# ------------------------------------------------------------------ NaN loss
def test_a_nan_loss_stops_pretrain_and_saves_nothing(tokenizer, shards, tmp_path):  # noqa: F811
    with pytest.raises(FloatingPointError, match=r"the training loss became (nan|inf) at "
                                                 r"epoch 1, step \d: training stopped"):
        pt.pretrain(shards, str(tmp_path), tiny_config(tokenizer.vocab_size),
                    **dict(SETTINGS, learning_rate=1e30, optimizer="sgd", clipnorm=None))
    assert not (tmp_path / "model").exists()


def test_a_nan_loss_exits_non_zero(spiece_path, tmp_path, capsys):  # noqa: F811
    code = main(["finetune", "--task", "banking77", "--tiny", "--spiece", spiece_path,
                 "--data-dir", str(DATA / "banking77"), "--epochs", "1", "--limit-train", "64",
                 "--limit-eval", "8", "--batch-size", "16", "--max-seq-length", "16",
                 "--optimizer", "sgd", "--learning-rate", "1e30", "--clipnorm", "0",
                 "--output-dir", str(tmp_path), "--quiet"])
    assert code == 1
    assert "albert-keras finetune: error: the training loss became" in capsys.readouterr().err
    assert not (tmp_path / "model").exists()
