package org.albertkeras.demo

import android.content.Context
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.withContext
import org.albertkeras.demo.core.ClassScore
import org.albertkeras.demo.core.ModelEntry
import org.tensorflow.lite.task.core.BaseTaskApi
import org.tensorflow.lite.task.text.nlclassifier.BertNLClassifier
import org.tensorflow.lite.task.text.qa.BertQuestionAnswerer
import org.tensorflow.lite.task.text.qa.QaAnswer
import java.io.Closeable
import java.util.concurrent.Executors

/** A result and the milliseconds the Task Library call took (model loading excluded). */
class Timed<T>(val value: T, val millis: Double, val loadMillis: Double?)

/**
 * Runs the Task Library text APIs on one background thread.
 *
 * The Task Library objects are not thread-safe, so every call goes to a single-thread
 * executor (never the main thread); the loaded model is kept until another file is asked for.
 * BertNLClassifier and BertQuestionAnswerer read everything from the file's metadata: the
 * input tensors named ids / mask / segment_ids, the SentencePiece model, and the labels.
 */
class InferenceEngine(private val context: Context) : Closeable {
    private val executor = Executors.newSingleThreadExecutor { Thread(it, "albert-inference") }
    private val dispatcher = executor.asCoroutineDispatcher()
    private var loadedFile: String? = null
    private var loaded: BaseTaskApi? = null

    suspend fun classify(entry: ModelEntry, text: String): Timed<List<ClassScore>> =
        withContext(dispatcher) {
            val (classifier, loadMillis) = load(entry) { BertNLClassifier.createFromFile(context, it) }
            val start = System.nanoTime()
            val categories = classifier.classify(text)
            val millis = (System.nanoTime() - start) / 1e6
            Timed(categories.map { ClassScore(it.label, it.score) }, millis, loadMillis)
        }

    suspend fun answer(entry: ModelEntry, passage: String, question: String): Timed<List<QaAnswer>> =
        withContext(dispatcher) {
            val (answerer, loadMillis) = load(entry) { BertQuestionAnswerer.createFromFile(context, it) }
            val start = System.nanoTime()
            val answers = answerer.answer(passage, question)
            Timed(answers, (System.nanoTime() - start) / 1e6, loadMillis)
        }

    /** The model of `entry` (loading it, and closing the previous one, if needed). */
    private fun <T : BaseTaskApi> load(entry: ModelEntry, create: (String) -> T): Pair<T, Double?> {
        if (loadedFile == entry.file) {
            @Suppress("UNCHECKED_CAST")
            return Pair(loaded as T, null)
        }
        release()
        val start = System.nanoTime()
        val model = create(entry.file)
        loaded = model
        loadedFile = entry.file
        return Pair(model, (System.nanoTime() - start) / 1e6)
    }

    private fun release() {
        loaded?.close()
        loaded = null
        loadedFile = null
    }

    override fun close() {
        executor.execute { release() }
        executor.shutdown()
    }
}
