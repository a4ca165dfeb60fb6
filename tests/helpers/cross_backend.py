"""Steps of the cross-backend test, one per process (Keras picks its backend once per process).

`python -m tests.helpers.cross_backend train FOLDER` (on JAX): fits a tiny classifier on SST-2
sentences, saves `model.keras`, the hub layout in `hub/` and its logits in `logits.npy`.
`... load FOLDER`: `model.keras` on this backend -> `loaded-<backend>.npy`.
`... tflite FOLDER` (on TensorFlow): exports `hub/` to TFLite, runs it in LiteRT ->
`tflite-probability.npy`.
"""

import os
import sys

import numpy as np

LENGTH = 16


def _sample(count=32):
    from tests.models.test_backend_training import _sst2_sample

    features, labels, vocab = _sst2_sample(count, LENGTH)
    return {k: v.astype("int32") for k, v in features.items()}, labels, vocab


def train(folder):
    import keras

    import albert_keras

    keras.utils.set_random_seed(0)
    features, labels, vocab = _sample()
    model = albert_keras.AlbertForSequenceClassification(albert_keras.AlbertConfig(
        vocab_size=vocab, embedding_size=16, hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=37, max_position_embeddings=LENGTH,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, num_labels=2))
    model.compile(optimizer=keras.optimizers.Adam(3e-3))
    model.fit(features, labels, batch_size=8, epochs=3, verbose=0)
    model.save(os.path.join(folder, "model.keras"))
    model.save_pretrained(os.path.join(folder, "hub"))
    albert_keras.AlbertTokenizer.from_pretrained("albert-tiny-en").save_pretrained(
        os.path.join(folder, "hub"))
    np.save(os.path.join(folder, "logits.npy"),
            keras.ops.convert_to_numpy(model(**features).logits))


def load(folder):
    import keras

    import albert_keras  # noqa: F401 (registers the model classes)

    model = keras.saving.load_model(os.path.join(folder, "model.keras"))
    features, _, _ = _sample()
    np.save(os.path.join(folder, f"loaded-{keras.backend.backend()}.npy"),
            keras.ops.convert_to_numpy(model(**features).logits))


def tflite(folder):
    from ai_edge_litert.interpreter import Interpreter

    from albert_keras import export

    out = os.path.join(folder, "tflite")
    export.export_tflite(os.path.join(folder, "hub"), out, "text-classification",
                         sequence_length=LENGTH, latency_runs=1, texts=["a fine film"])
    runner = Interpreter(model_path=os.path.join(
        out, "albert-text-classification-float32.tflite")).get_signature_runner()
    features, _, _ = _sample()
    rows = [runner(ids=features["input_ids"][i:i + 1], mask=features["attention_mask"][i:i + 1],
                   segment_ids=features["token_type_ids"][i:i + 1])["probability"][0]
            for i in range(len(features["input_ids"]))]
    np.save(os.path.join(folder, "tflite-probability.npy"), np.stack(rows))


if __name__ == "__main__":
    {"train": train, "load": load, "tflite": tflite}[sys.argv[1]](sys.argv[2])
