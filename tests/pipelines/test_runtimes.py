"""Every pipeline gives the same results on the Keras model, its SavedModel and its float32 TFLite file.

The Keras pipelines are checked against transformers in test_pipelines.py; here each
exported artifact (written by `albert_keras.export`) must reproduce them: the same labels,
tokens and spans, scores within 1e-5. The Keras pipeline gets `max_length` equal to the
artifacts' fixed length, so all three truncate long text at the same token.
"""

import numpy as np
import pytest
from albert_keras.export import export_saved_model, export_tflite

from albert_keras.cli import main
from albert_keras.pipelines import KerasRuntime, SavedModelRuntime, TFLiteRuntime, pipeline
from tests.pipelines.test_pipelines import _close

LENGTH = 32  # the artifacts' fixed sequence length (the models take 64)
MODEL_CLASS = {"fill-mask": "AlbertForMaskedLM",
               "text-classification": "AlbertForSequenceClassification",
               "token-classification": "AlbertForTokenClassification",
               "question-answering": "AlbertForQuestionAnswering",
               "feature-extraction": "AlbertModel"}
LONG = ("the river seine flows through paris, the capital of france, and it was a major route "
        "of trade for centuries while the city grew along both of its banks, from the old "
        "island in the middle to the hills in the north [MASK]")
CONTEXT = ("the river seine flows through paris, the capital of france. it was a major route of "
           "trade for centuries and the city grew along both of its banks.")
# (call arguments, keyword arguments) per task: short and truncated text, batches, pairs.
CALLS = {
    "fill-mask": [(("The capital of France is [MASK].",), {"top_k": 4}),
                  (("the [MASK] river flows through the [MASK] of the city",), {"top_k": 3}),
                  ((["He was born in [MASK] in 1850", "a [MASK]", "[MASK] of the city"],),
                   {"top_k": 2})],
    "text-classification": [((["a gripping, beautifully acted film", "dull", LONG],),
                             {"top_k": None}),
                            (({"text": "is it raining?", "text_pair": "the streets are wet"},),
                             {})],
    "token-classification": [((["john smith lives in new york city", LONG],),
                              {"aggregation_strategy": a}) for a in ("none", "simple")],
    "question-answering": [((), {"question": q, "context": CONTEXT, "top_k": 3,
                                 "max_answer_len": 8})
                           for q in ("what flows through paris?", "what grew along the banks?")],
    "feature-extraction": [((["short", LONG],), {"return_tensors": True})],
}


@pytest.fixture(scope="module")
def exported(hf_folder_factory, tmp_path_factory):
    """`make(task, saved_model=True)` -> (hub folder, SavedModel NAME folder or None, .tflite)."""
    made = {}

    def make(task, saved_model=True):
        if (task, saved_model) not in made:
            folder, *_ = hf_folder_factory(MODEL_CLASS[task])
            out = tmp_path_factory.mktemp(task)
            export_tflite(folder, str(out), task, sequence_length=LENGTH, latency_runs=0)
            saved = None
            if saved_model:
                export_saved_model(folder, str(out), task, sequence_length=LENGTH)
                saved = str(out / f"albert-{task}")
            made[task, saved_model] = (folder, saved, str(out / f"albert-{task}-float32.tflite"))
        return made[task, saved_model]

    return make


def _same(task, ours, keras):
    """Identical pipeline results; feature vectors within 1e-5."""
    if task == "feature-extraction":
        assert len(ours) == len(keras)
        for a, b in zip(ours, keras):
            assert a.shape == b.shape
            np.testing.assert_allclose(a, b, atol=1e-5)
    else:
        _close(ours, keras)


def _assert_same_results(task, keras, *artifacts):
    for args, kwargs in CALLS[task]:
        expected = keras(*args, **kwargs)
        for pipe in artifacts:
            _same(task, pipe(*args, **kwargs), expected)


# ------------------------------------------------------------------ fast: one fill-mask file
@pytest.fixture(scope="module")
def fill_mask(exported):
    """(Keras pipeline at the file's length, TFLite pipeline, .tflite path)."""
    folder, _, tflite = exported("fill-mask", saved_model=False)
    return pipeline("fill-mask", model=folder, max_length=LENGTH), pipeline(
        "fill-mask", model=tflite), tflite


def test_tflite_fill_mask_equals_keras(fill_mask):
    keras, lite, _ = fill_mask
    assert isinstance(lite.runtime, TFLiteRuntime)
    assert lite.max_length == LENGTH and lite.config.vocab_size == keras.config.vocab_size
    _assert_same_results("fill-mask", keras, lite)


def test_tflite_truncates_at_its_length_as_keras_does(fill_mask):
    keras, lite, _ = fill_mask
    text = "[MASK] " + LONG  # 40-odd tokens: cut to the file's 32, the first mask kept
    _close(lite(text, top_k=3), keras(text, top_k=3))
    past = r"The \[MASK\] is past the first 32 tokens the model takes, and truncation removed it"
    with pytest.raises(ValueError, match=past):
        lite(LONG)  # its only mask lies past token 32, on both runtimes
    with pytest.raises(ValueError, match=past):
        keras(LONG)


def test_tflite_longer_than_its_length_is_a_clear_error(fill_mask):
    keras, _, tflite = fill_mask
    with pytest.raises(ValueError, match=rf"max_length=48 is more than the model takes: at "
                                         rf"most {LENGTH} tokens"):
        pipeline("fill-mask", model=tflite, max_length=48)
    runtime = TFLiteRuntime(tflite)
    features = keras.tokenizer([LONG], max_length=40, truncation=True)
    with pytest.raises(ValueError, match=rf"40 tokens do not fit the TFLite file .*fixed "
                                         rf"sequence length is {LENGTH} tokens"):
        runtime({k: np.array(v) for k, v in features.items()})


def test_tflite_runtime_reads_tokenizer_and_task_from_the_file(fill_mask):
    keras, lite, tflite = fill_mask
    runtime = lite.runtime
    assert runtime.task == "fill-mask"
    text = "the quick brown fox, 1,000 times"
    assert runtime.tokenizer(text) == keras.tokenizer(text)
    with pytest.raises(ValueError, match="exported for 'fill-mask', not 'text-classification'"):
        pipeline("text-classification", model=tflite)


def test_runtimes_reject_ids_outside_the_vocabularies_with_the_same_message(fill_mask):
    keras, lite, _ = fill_mask
    vocab = lite.config.vocab_size
    no_segments = np.zeros((1, 3))
    cases = [(np.array([[2, vocab, 3]]), no_segments, f"token id {vocab} >= vocab_size {vocab}"),
             (np.array([[2, -1, 3]]), no_segments, "token id -1 < 0"),
             (np.array([[2, 4, 3]]), np.array([[0, 2, 0]]), "token type id 2 >= type_vocab_size 2")]
    for ids, segments, message in cases:
        features = {"input_ids": ids, "attention_mask": np.ones((1, 3)), "token_type_ids": segments}
        for runtime in (keras.runtime, lite.runtime):
            with pytest.raises(ValueError, match=message):
                runtime(features)


def test_fill_mask_command_takes_a_tflite_file(fill_mask, capsys):
    import json

    keras, _, tflite = fill_mask
    text = "the quick brown [MASK] jumps"
    assert main(["fill-mask", "--model", tflite, "--top-k", "3", "--json", text]) == 0
    _close(json.loads(capsys.readouterr().out)[0], keras(text, top_k=3))


def _run_without_tensorflow(code):
    """Runs `code` in a fresh process; (its printed lines, the heavy modules it imported)."""
    import subprocess
    import sys

    script = f"import sys\n{code}\nprint(sorted({{'tensorflow', 'keras'}} & set(sys.modules)))\n"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    *printed, heavy = done.stdout.strip().splitlines()
    return printed, heavy


def test_a_tflite_pipeline_runs_without_loading_tensorflow(fill_mask):
    """`import albert_keras`, a pipeline on a .tflite file and the command line on one need
    LiteRT only: the same results in a process that never imported TensorFlow or Keras."""
    import json

    keras, _, tflite = fill_mask
    text = "the quick brown [MASK] jumps"
    expected = keras(text, top_k=3)
    printed, heavy = _run_without_tensorflow(
        "import json, albert_keras\n"
        f"print(json.dumps(albert_keras.pipeline('fill-mask', model={tflite!r})({text!r}, top_k=3)))")
    assert heavy == "[]"
    _close(json.loads(printed[-1]), expected)
    # The command line builds its parser (the export's task names too) without TensorFlow.
    printed, heavy = _run_without_tensorflow(
        "from albert_keras.cli import main\n"
        f"main(['fill-mask', '--model', {tflite!r}, '--top-k', '3', '--json', {text!r}])")
    assert heavy == "[]"
    _close(json.loads("\n".join(printed))[0], expected)


def test_not_an_artifact_is_named(tmp_path):
    bad = tmp_path / "model.tflite"
    bad.write_bytes(b"not a flatbuffer at all")
    with pytest.raises(ValueError, match="is not a TFLite file"):
        pipeline("fill-mask", model=str(bad))
    with pytest.raises(ValueError, match="has no SavedModel"):
        SavedModelRuntime(str(tmp_path))


# ------------------------------------------------------------------ slow: every task, all three
@pytest.mark.slow
@pytest.mark.parametrize("task", list(CALLS))
def test_pipeline_is_identical_on_keras_saved_model_and_tflite(exported, task):
    folder, saved, tflite = exported(task)
    keras = pipeline(task, model=folder, max_length=LENGTH)
    # NAME/ folder: its highest version; its token signature takes any length, so the
    # pipeline truncates where the fixed-length TFLite file and the Keras pipeline do.
    on_saved = pipeline(task, model=saved, max_length=LENGTH)
    on_tflite = pipeline(task, model=tflite)
    assert isinstance(on_saved.runtime, SavedModelRuntime) and on_saved.runtime.any_length
    assert on_saved.runtime.path.endswith("1") and on_saved.runtime.max_length == 64
    if task in ("text-classification", "token-classification"):
        assert on_saved.config.id2label == on_tflite.config.id2label == keras.config.id2label
    _assert_same_results(task, keras, on_saved, on_tflite)


# ------------------------------------------------------------------ speed options, same results
def test_keras_runtime_traces_once_for_every_batch_shape(fill_mask):
    keras, _, _ = fill_mask
    runtime = KerasRuntime(keras.runtime.model)
    rng = np.random.default_rng(0)
    for batch, width in ((1, 5), (3, 9), (2, 17), (5, 4)):
        ids = rng.integers(5, keras.config.vocab_size, (batch, width))
        out = runtime({"input_ids": ids, "attention_mask": np.ones_like(ids),
                       "token_type_ids": np.zeros_like(ids)})
        assert out["logits"].shape == (batch, width, keras.config.vocab_size)
    assert runtime.traces == 1


def test_xla_buckets_give_the_unbucketed_results(fill_mask):
    keras, _, _ = fill_mask
    plain = KerasRuntime(keras.runtime.model)
    xla = KerasRuntime(keras.runtime.model, jit_compile=True, sequence_bucket=8)
    assert xla.bucket_shape((3, 9)) == (4, 16) and xla.bucket_shape((8, 16)) == (8, 16)
    assert xla.bucket_shape((1, 63)) == (1, 64) and plain.bucket_shape((3, 9)) == (3, 9)
    texts = ["the capital of france is [MASK].", "a [MASK]", "[MASK] " + LONG]
    for batch_size in (1, 2, 3):
        expected = pipeline("fill-mask", model=plain, tokenizer=keras.tokenizer,
                            batch_size=batch_size)(texts, top_k=3)
        _close(pipeline("fill-mask", model=xla, tokenizer=keras.tokenizer,
                        batch_size=batch_size)(texts, top_k=3), expected)
    assert xla.traces == 1


@pytest.fixture(scope="module")
def any_length(exported, tmp_path_factory):
    """(fixed-length .tflite, any-length .tflite) of the same fill-mask model."""
    folder, _, fixed = exported("fill-mask", saved_model=False)
    out = tmp_path_factory.mktemp("any-length")
    report = export_tflite(folder, str(out), "fill-mask", sequence_length=None, latency_runs=0,
                           quantize=["float32", "dynamic"])
    assert report.passed and report.sequence_length is None
    return fixed, str(out / "albert-fill-mask-float32-any-length.tflite")


def test_a_quantized_any_length_file_runs_a_batch_in_slices_of_tokens(any_length):
    """int8 weights: at most QUANTIZED_TOKENS_PER_CALL tokens per LiteRT call, with the
    results of one call per row; a float file keeps the whole batch in one call."""
    from albert_keras.pipelines.runtimes import QUANTIZED_TOKENS_PER_CALL

    quantized = TFLiteRuntime(any_length[1].replace("float32", "dynamic"))
    assert quantized.tokens_per_call == QUANTIZED_TOKENS_PER_CALL
    assert TFLiteRuntime(any_length[1]).tokens_per_call is None
    calls = []
    runner = quantized._runner
    quantized._runner = lambda **arrays: calls.append(arrays["ids"].shape) or runner(**arrays)
    rng = np.random.default_rng(2)
    ids = rng.integers(5, 90, (6, 60)).astype(np.int32)
    features = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": 0 * ids}
    sliced = quantized(features)["logits"]
    assert calls == [(4, 60), (2, 60)]  # 256 // 60 = 4 rows per call
    rows = np.concatenate([quantized({k: v[i:i + 1] for k, v in features.items()})["logits"]
                           for i in range(6)])
    np.testing.assert_allclose(sliced, rows, atol=1e-5)


def test_any_length_tflite_equals_the_fixed_length_file(any_length, fill_mask):
    fixed, anywhere = any_length
    keras = fill_mask[0]
    runtime = TFLiteRuntime(anywhere)
    assert runtime.any_length and not TFLiteRuntime(fixed).any_length
    assert runtime.any_batch and not TFLiteRuntime(fixed).any_batch
    rng = np.random.default_rng(0)
    for batch, width in ((3, 7), (1, 40), (5, 12)):  # one call per batch, new shape each time
        ids = rng.integers(5, keras.config.vocab_size, (batch, width)).astype(np.int32)
        mask = np.ones_like(ids)
        mask[-1, width // 2:] = 0
        features = {"input_ids": ids, "attention_mask": mask, "token_type_ids": 0 * ids}
        np.testing.assert_allclose(runtime(features)["logits"],
                                   keras.runtime(features)["logits"], atol=1e-4)
    assert runtime.max_length == keras.runtime.model.config.max_position_embeddings == 64
    short = pipeline("fill-mask", model=runtime, max_length=LENGTH)
    _assert_same_results("fill-mask", pipeline("fill-mask", model=fixed), short)
    text = " ".join(LONG.split()[:25]) + " [MASK]"  # ~49 tokens: past the fixed file's 32
    _close(pipeline("fill-mask", model=runtime)(text, top_k=3),
           pipeline("fill-mask", model=keras.runtime.model, tokenizer=keras.tokenizer)(
               text, top_k=3))


def test_tflite_runs_on_every_core_by_default(fill_mask):
    from albert_keras.pipelines.runtimes import cpu_cores

    assert cpu_cores() >= 1
    assert TFLiteRuntime(fill_mask[2]).num_threads == cpu_cores()


def test_shared_weights_runner_equals_the_classic_interpreter(any_length):
    """The CompiledModel with XNNPACK's weight cache computes what `Interpreter` does, on a
    fixed-length file and on an any-length one resized from call to call."""
    from ai_edge_litert.interpreter import Interpreter

    from albert_keras.pipelines.litert import SharedWeightsRunner

    rng = np.random.default_rng(1)
    for path, shapes in zip(any_length, (((1, LENGTH),) * 2, ((3, 7), (1, 40), (3, 7)))):
        with open(path, "rb") as handle:
            data = handle.read()
        runner = SharedWeightsRunner(data, num_threads=2)
        classic = Interpreter(model_content=data, num_threads=2).get_signature_runner()
        assert {name: sig for name, (sig, _) in runner.inputs.items()} == {
            name: tuple(d["shape_signature"]) for name, d in classic.get_input_details().items()}
        for batch, width in shapes:
            ids = rng.integers(5, 60, (batch, width)).astype(np.int32)
            feed = {"ids": ids, "mask": np.ones_like(ids), "segment_ids": np.zeros_like(ids)}
            ours, theirs = runner(**feed), classic(**feed)
            assert ours.keys() == theirs.keys()
            for name in ours:
                assert ours[name].shape == theirs[name].shape
                np.testing.assert_allclose(ours[name], theirs[name], atol=1e-6)
