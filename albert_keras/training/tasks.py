"""What `finetune` needs to know per task: where the data is, which head, how it is scored.

Each task reads its raw data once, gives the texts a `--tiny` tokenizer is trained
on, the config fields of its head, training arrays, and `evaluate(model)` with
the benchmark's official scorer (GLUE metrics, SQuAD EM/F1, entity F1, accuracy).
"""

import glob
import os

import numpy as np
import tensorflow as tf

from albert_keras.data import classification, multiple_choice, ner, squad
from albert_keras.metrics import classification as class_metrics
from albert_keras.metrics.ner import entity_scores
from albert_keras.metrics.squad import squad_evaluate, squad_v2_evaluate

# The shared data folder's name for each task's default data.
DATA_FOLDERS = {"squad": "squad_v1.1", "ner": "conll2003", "mc": "commonsenseqa"}


def predict(model, features, batch_size=64, keys=("logits",)):
    """Model outputs for numpy features, batch by batch (no labels), as numpy arrays."""
    call = tf.function(lambda x: model(x, training=False), reduce_retracing=True)
    dataset = tf.data.Dataset.from_tensor_slices(features).batch(batch_size)
    outputs = {k: [] for k in keys}
    for batch in dataset:
        result = call(batch)
        for k in keys:
            outputs[k].append(np.asarray(result[k], dtype=np.float32))
    return {k: np.concatenate(v) for k, v in outputs.items()}


def _find(data_dir, names):
    for name in names:
        hits = sorted(glob.glob(os.path.join(data_dir, name)))
        if hits:
            return hits[0]
    return None


class GlueTask:
    """Sentence / sentence-pair classification or regression (SST-2, BANKING77, CoLA, MRPC, RTE, STS-B)."""

    model_class = "AlbertForSequenceClassification"

    def __init__(self, name, data_dir, max_seq_length=128, limit_train=None, limit_eval=None,
                 **unused):
        self.name, self.max_seq_length = name, max_seq_length
        self.labels = classification.label_names(name, data_dir)
        self.train = classification.read_examples(name, data_dir, "train", self.labels or None,
                                                  limit_train)
        self.dev = classification.read_examples(name, data_dir, "dev", self.labels or None,
                                                limit_eval)

    def texts(self):
        """Training text, for a `--tiny` SentencePiece model."""
        a, b, _, _ = self.train
        return list(a) + list(b or [])

    def config_overrides(self):
        if not self.labels:
            return {"num_labels": 1, "problem_type": "regression"}
        return {"num_labels": len(self.labels), "problem_type": "single_label_classification",
                "id2label": dict(enumerate(self.labels)),
                "label2id": {n: i for i, n in enumerate(self.labels)}}

    def train_arrays(self, tokenizer):
        a, b, labels, _ = self.train
        return classification.encode_examples(tokenizer, a, b, self.max_seq_length), labels

    def evaluate(self, model, tokenizer, batch_size=64):
        a, b, labels, _ = self.dev
        features = classification.encode_examples(tokenizer, a, b, self.max_seq_length)
        logits = predict(model, features, batch_size)["logits"]
        predictions = logits[:, 0] if not self.labels else logits.argmax(-1)
        return class_metrics.glue_metrics(self.name, labels, predictions)


class SquadTask:
    """Extractive QA, SQuAD v1.1 (or v2.0 with `version_2_with_negative`)."""

    model_class = "AlbertForQuestionAnswering"

    def __init__(self, name, data_dir, max_seq_length=384, limit_train=None, limit_eval=None,
                 train_file=None, dev_file=None, doc_stride=128, max_query_length=64,
                 version_2_with_negative=False, **unused):
        train_file = train_file or _find(data_dir, ["train-v*.json", "train*.json*"])
        dev_file = dev_file or _find(data_dir, ["dev-v*.json", "dev*.json*"])
        if not train_file or not dev_file:
            raise ValueError(f"squad needs train and dev files in {data_dir} "
                             "(or --train-file / --dev-file)")
        self.max_seq_length, self.doc_stride = max_seq_length, doc_stride
        self.max_query_length = max_query_length
        self.version_2 = version_2_with_negative
        self.train = squad.read_squad(train_file, limit_train)
        self.dev = squad.read_squad(dev_file, limit_eval)

    def texts(self):
        return [e["question"] for e in self.train] + sorted({e["context"] for e in self.train})

    def config_overrides(self):
        return {"num_labels": 2}

    def train_arrays(self, tokenizer):
        f = squad.prepare_features(tokenizer, self.train, self.max_seq_length, self.doc_stride,
                                   self.max_query_length)
        return ({k: f[k] for k in squad.FEATURE_KEYS},
                {"start_positions": f["start_positions"], "end_positions": f["end_positions"]})

    def evaluate(self, model, tokenizer, batch_size=64):
        f = squad.prepare_features(tokenizer, self.dev, self.max_seq_length, self.doc_stride,
                                   self.max_query_length, training=False)
        out = predict(model, {k: f[k] for k in squad.FEATURE_KEYS}, batch_size,
                      keys=("start_logits", "end_logits"))
        predictions, _ = squad.postprocess_predictions(
            self.dev, f, out["start_logits"], out["end_logits"],
            version_2_with_negative=self.version_2)
        gold = {e["id"]: e["answers"]["text"] for e in self.dev}
        return (squad_v2_evaluate if self.version_2 else squad_evaluate)(gold, predictions)


class NerTask:
    """Token classification on CoNLL files (`eng.train`, `eng.testa`), scored by entity F1."""

    model_class = "AlbertForTokenClassification"

    def __init__(self, name, data_dir, max_seq_length=128, limit_train=None, limit_eval=None,
                 train_file=None, dev_file=None, **unused):
        train_file = train_file or _find(data_dir, ["eng.train", "train*"])
        dev_file = dev_file or _find(data_dir, ["eng.testa", "dev*", "valid*"])
        if not train_file or not dev_file:
            raise ValueError(f"ner needs train and dev CoNLL files in {data_dir}")
        self.max_seq_length = max_seq_length
        self.train = ner.read_conll(train_file, limit=limit_train)
        self.dev = ner.read_conll(dev_file, limit=limit_eval)
        self.labels = sorted({t for tags in self.train[1] + self.dev[1] for t in tags})

    def texts(self):
        return [" ".join(words) for words in self.train[0]]

    def config_overrides(self):
        return {"num_labels": len(self.labels), "id2label": dict(enumerate(self.labels)),
                "label2id": {n: i for i, n in enumerate(self.labels)}}

    def train_arrays(self, tokenizer):
        sentences, tags = self.train
        features, word_ids = ner.encode_words(tokenizer, sentences, self.max_seq_length)
        labels = np.array([ner.align_labels(w, [self.labels.index(t) for t in sentence_tags])
                           for w, sentence_tags in zip(word_ids, tags)], dtype=np.int32)
        return features, labels

    def evaluate(self, model, tokenizer, batch_size=64):
        sentences, tags = self.dev
        features, word_ids = ner.encode_words(tokenizer, sentences, self.max_seq_length)
        best = predict(model, features, batch_size)["logits"].argmax(-1)
        predicted = [[self.labels[i] if i is not None else "O" for i in
                      ner.word_predictions(best[row].tolist(), word_ids[row], len(words), None)]
                     for row, words in enumerate(sentences)]
        scores = entity_scores(tags, predicted)
        return {k: scores[k] for k in ("precision", "recall", "f1")}


class ChoiceTask:
    """Multiple choice (CommonsenseQA / OpenBookQA JSON lines), scored by accuracy."""

    model_class = "AlbertForMultipleChoice"

    def __init__(self, name, data_dir, max_seq_length=64, limit_train=None, limit_eval=None,
                 train_file=None, dev_file=None, **unused):
        train_file = train_file or _find(data_dir, ["train*.jsonl", "Data/Main/train.jsonl"])
        dev_file = dev_file or _find(data_dir, ["dev*.jsonl", "Data/Main/dev.jsonl"])
        if not train_file or not dev_file:
            raise ValueError(f"mc needs train and dev .jsonl files in {data_dir}")
        self.max_seq_length = max_seq_length
        self.train = multiple_choice.read_jsonl_choices(train_file, limit_train)
        self.dev = multiple_choice.read_jsonl_choices(dev_file, limit_eval)

    def texts(self):
        contexts, choices, _ = self.train
        return list(contexts) + [c for row in choices for c in row]

    def config_overrides(self):
        return {}

    def train_arrays(self, tokenizer):
        contexts, choices, labels = self.train
        return multiple_choice.encode_choices(tokenizer, contexts, choices,
                                              self.max_seq_length), labels

    def evaluate(self, model, tokenizer, batch_size=64):
        contexts, choices, labels = self.dev
        features = multiple_choice.encode_choices(tokenizer, contexts, choices,
                                                  self.max_seq_length)
        logits = predict(model, features, max(1, batch_size // 4))["logits"]
        return {"accuracy": class_metrics.accuracy(labels, logits.argmax(-1))}


TASKS = {**{name: GlueTask for name in classification.TASKS},
         "squad": SquadTask, "ner": NerTask, "mc": ChoiceTask}


def default_data_dir(task, root=None):
    """`../shared/data/<folder>` (or `root/<folder>`) for a task, if it exists; else None."""
    root = root or os.path.join(os.getcwd(), "..", "shared", "data")
    path = os.path.join(root, DATA_FOLDERS.get(task, task))
    return os.path.abspath(path) if os.path.isdir(path) else None


def load_task(name, data_dir=None, **kwargs):
    """The task object for `name` (`sst2`, any GLUE key, `squad`, `ner`, `mc`)."""
    if name not in TASKS:
        raise ValueError(f"unknown task {name!r}; choose from {sorted(TASKS)}")
    data_dir = data_dir or default_data_dir(name)
    if data_dir is None:
        raise ValueError(f"no data for {name}: pass --data-dir (../shared/data/"
                         f"{DATA_FOLDERS.get(name, name)} does not exist)")
    return TASKS[name](name, data_dir, **kwargs)
