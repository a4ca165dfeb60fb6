"""What `finetune` needs to know per task: where the data is, which head, how it is scored.

Each task reads its raw data once, gives the texts a `--tiny` tokenizer is trained
on, the config fields of its head, training arrays, and `evaluate(model)` with
the benchmark's official scorer (GLUE metrics, SQuAD EM/F1, entity F1, accuracy).
"""

import numpy as np
import tensorflow as tf

from albert_keras.data import classification, multiple_choice, ner, squad
from albert_keras.metrics import classification as class_metrics
from albert_keras.metrics.ner import entity_scores
from albert_keras.metrics.squad import squad_evaluate, squad_v2_evaluate
from albert_keras.training.data_files import default_data_dir, task_files  # noqa: F401


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


class GlueTask:
    """Sentence / sentence-pair classification or regression (SST-2, BANKING77, CoLA, MRPC, RTE, STS-B)."""

    model_class = "AlbertForSequenceClassification"

    def __init__(self, name, train_file, dev_file, max_seq_length=128, limit_train=None,
                 limit_eval=None, drop_unlabeled=False, **unused):
        self.name, self.max_seq_length = name, max_seq_length
        self.labels = classification.label_names(name, None, paths=(train_file, dev_file))
        self.train, self.dev = (
            classification.read_examples(name, None, split, self.labels or None, limit,
                                         path=path, drop_unlabeled=drop_unlabeled)
            for split, path, limit in (("train", train_file, limit_train),
                                       ("dev", dev_file, limit_eval)))

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

    def __init__(self, name, train_file, dev_file, max_seq_length=384, limit_train=None,
                 limit_eval=None, doc_stride=128, max_query_length=64,
                 version_2_with_negative=False, **unused):
        self.max_seq_length, self.doc_stride = max_seq_length, doc_stride
        self.max_query_length = max_query_length
        self.version_2 = version_2_with_negative
        self.train = squad.read_squad(train_file, limit_train)
        self.dev = squad.read_squad(dev_file, limit_eval)
        for path, examples in ((train_file, self.train), (dev_file, self.dev)):
            if not examples:
                raise ValueError(f"{path}: no questions")

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

    def __init__(self, name, train_file, dev_file, max_seq_length=128, limit_train=None,
                 limit_eval=None, **unused):
        self.max_seq_length = max_seq_length
        self.train = ner.read_conll(train_file, limit=limit_train)
        self.dev = ner.read_conll(dev_file, limit=limit_eval)
        for path, (sentences, _) in ((train_file, self.train), (dev_file, self.dev)):
            if not sentences:
                raise ValueError(f"{path}: no sentences")
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

    def __init__(self, name, train_file, dev_file, max_seq_length=64, limit_train=None,
                 limit_eval=None, **unused):
        self.max_seq_length = max_seq_length
        self.train = multiple_choice.read_jsonl_choices(train_file, limit_train)
        self.dev = multiple_choice.read_jsonl_choices(dev_file, limit_eval)
        for path, (contexts, _, labels) in ((train_file, self.train), (dev_file, self.dev)):
            if not contexts:
                raise ValueError(f"{path}: no questions")
            if labels is None:
                raise ValueError(f"{path}: some questions have no answerKey; mc trains and "
                                 "scores on labelled questions only")

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


def load_task(name, data_dir=None, train_file=None, dev_file=None, **kwargs):
    """The task object for `name` (`sst2`, any GLUE key, `squad`, `ner`, `mc`).

    Explicit `train_file` / `dev_file` win; the rest is found in `data_dir`
    (`data_files.task_files`).
    """
    train_file, dev_file = task_files(name, data_dir, train_file, dev_file)
    return TASKS[name](name, train_file, dev_file, **kwargs)
