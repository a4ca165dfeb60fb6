package org.albertkeras.demo

import android.app.Application
import androidx.lifecycle.AndroidViewModel
import androidx.lifecycle.viewModelScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import org.albertkeras.demo.core.LatencyStats
import org.albertkeras.demo.core.ModelCatalog
import org.albertkeras.demo.core.ModelEntry
import org.albertkeras.demo.core.Segment
import org.albertkeras.demo.core.SpanHighlighter

/** What the question-answering screen shows. */
data class QaUiState(
    val models: ModelChoice = ModelChoice(),
    val busy: Boolean = false,
    val answer: String? = null,
    val segments: List<Segment> = emptyList(),
    val latency: String = "",
    val error: String? = null
)

/** Passage and question in, answer highlighted in the passage out (BertQuestionAnswerer). */
class QaViewModel(app: Application) : AndroidViewModel(app) {
    private val engine = InferenceEngine(app)
    private val stats = LatencyStats()
    private var catalog = ModelCatalog(emptyList())
    private var entry: ModelEntry? = null
    private val mutableState = MutableStateFlow(QaUiState())
    val state: StateFlow<QaUiState> = mutableState.asStateFlow()

    init {
        viewModelScope.launch {
            try {
                catalog = withContext(Dispatchers.IO) { BundledModels.load(app) }
                selectMode(null)
            } catch (bad: IllegalArgumentException) { // a models.json the catalog cannot read
                mutableState.update { it.copy(error = "assets/models.json: ${bad.message}") }
            }
        }
    }

    fun selectMode(mode: String?) {
        entry = catalog.select(ModelCatalog.QUESTION_ANSWERING, mode)
        stats.clear()
        mutableState.update {
            it.copy(models = ModelChoice.of(catalog, ModelCatalog.QUESTION_ANSWERING, entry),
                answer = null, segments = emptyList(), latency = "", error = null)
        }
    }

    fun answer(passage: String, question: String) {
        val model = entry ?: return
        mutableState.update { it.copy(busy = true, error = null) }
        viewModelScope.launch {
            try {
                val timed = engine.answer(model, passage, question)
                stats.add(timed.millis)
                val best = timed.value.firstOrNull()?.text.orEmpty()
                mutableState.update {
                    it.copy(busy = false, answer = if (best.isBlank()) "(no answer)" else best,
                        segments = SpanHighlighter.highlightAnswer(passage, best),
                        latency = latencyLine(stats, timed.loadMillis))
                }
            } catch (error: Exception) {
                mutableState.update { it.copy(busy = false, error = error.message ?: error.toString()) }
            }
        }
    }

    override fun onCleared() = engine.close()
}
