package org.albertkeras.demo

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.albertkeras.demo.core.ModelCatalog
import org.albertkeras.demo.core.ModelEntry
import org.albertkeras.demo.core.QaResult
import org.albertkeras.demo.core.ScreenState
import org.albertkeras.demo.core.SentimentResult
import org.albertkeras.demo.core.TaskScreen

/**
 * A screen's ViewModel: reads the bundled catalog off the main thread, runs the Task Library
 * on [InferenceEngine]'s thread, and publishes what [TaskScreen] (plain Kotlin, JVM-tested in
 * `core/`) says each event leads to. All [screen] calls happen on the main thread.
 */
abstract class TaskViewModel<R>(app: Application, task: String) : AndroidViewModel(app) {
    protected val engine = InferenceEngine(app)
    private val screen = TaskScreen<R>(task)
    private val mutableState = MutableStateFlow(screen.state)
    val state: StateFlow<ScreenState<R>> = mutableState.asStateFlow()

    init {
        viewModelScope.launch {
            mutableState.value = try {
                screen.loaded(withContext(Dispatchers.IO) { BundledModels.load(app) })
            } catch (bad: IllegalArgumentException) { // a models.json the catalog cannot read
                screen.manifestFailed(bad)
            }
        }
    }

    fun selectMode(mode: String) {
        mutableState.value = screen.select(mode)
    }

    /** Runs `call` on the chosen model, unless none is chosen or a run is in flight. */
    protected fun runOnModel(call: suspend (ModelEntry) -> Timed<R>) {
        val model = screen.start() ?: return
        mutableState.value = screen.state
        viewModelScope.launch {
            mutableState.value = try {
                val timed = call(model)
                screen.finish(model, timed.value, timed.millis, timed.loadMillis)
            } catch (error: Exception) {
                screen.fail(error)
            }
        }
    }

    override fun onCleared() = engine.close()
}

/** Sentence in, label and score out, through BertNLClassifier on the chosen bundled model. */
class SentimentViewModel(app: Application) :
    TaskViewModel<SentimentResult>(app, ModelCatalog.CLASSIFICATION) {

    fun classify(text: String) = runOnModel { model ->
        val timed = engine.classify(model, text)
        Timed(SentimentResult.of(timed.value, model.labels), timed.millis, timed.loadMillis)
    }
}

/** Passage and question in, answer highlighted in the passage out (BertQuestionAnswerer). */
class QaViewModel(app: Application) : TaskViewModel<QaResult>(app, ModelCatalog.QUESTION_ANSWERING) {

    fun answer(passage: String, question: String) = runOnModel { model ->
        val timed = engine.answer(model, passage, question)
        Timed(QaResult.of(passage, timed.value.map { it.text }), timed.millis, timed.loadMillis)
    }
}
