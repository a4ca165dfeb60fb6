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
import org.albertkeras.demo.core.ClassScore
import org.albertkeras.demo.core.Formatting
import org.albertkeras.demo.core.LatencyStats
import org.albertkeras.demo.core.ModelCatalog
import org.albertkeras.demo.core.ModelEntry

/** What the sentiment screen shows. */
data class SentimentUiState(
    val models: ModelChoice = ModelChoice(),
    val busy: Boolean = false,
    val result: String? = null,
    val scores: List<ClassScore> = emptyList(),
    val latency: String = "",
    val error: String? = null
)

/** Sentence in, label and score out, through BertNLClassifier on the chosen bundled model. */
class SentimentViewModel(app: Application) : AndroidViewModel(app) {
    private val engine = InferenceEngine(app)
    private val stats = LatencyStats()
    private var catalog = ModelCatalog(emptyList())
    private var entry: ModelEntry? = null
    private val mutableState = MutableStateFlow(SentimentUiState())
    val state: StateFlow<SentimentUiState> = mutableState.asStateFlow()

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
        entry = catalog.select(ModelCatalog.CLASSIFICATION, mode)
        stats.clear()
        mutableState.update {
            it.copy(models = ModelChoice.of(catalog, ModelCatalog.CLASSIFICATION, entry),
                result = null, scores = emptyList(), latency = "", error = null)
        }
    }

    fun classify(text: String) {
        val model = entry ?: return
        mutableState.update { it.copy(busy = true, error = null) }
        viewModelScope.launch {
            try {
                val timed = engine.classify(model, text)
                stats.add(timed.millis)
                mutableState.update {
                    it.copy(busy = false, result = Formatting.resultLine(timed.value, model.labels),
                        scores = Formatting.ranked(timed.value, model.labels),
                        latency = latencyLine(stats, timed.loadMillis))
                }
            } catch (error: Exception) {
                mutableState.update { it.copy(busy = false, error = error.message ?: error.toString()) }
            }
        }
    }

    override fun onCleared() = engine.close()
}

/** "12.3 ms (median ..., p90 ..., mean ... ms; n=4)", plus the load time of a fresh model. */
fun latencyLine(stats: LatencyStats, loadMillis: Double?): String =
    stats.summary() + (loadMillis?.let { "; model loaded in " + Formatting.millis(it) } ?: "")

/** The picker's content: the modes on offer, the chosen one, and files the app skipped. */
data class ModelChoice(
    val modes: List<String> = emptyList(),
    val selected: String? = null,
    val description: String = BundledModels.missingMessage,
    val problems: List<String> = emptyList()
) {
    companion object {
        fun of(catalog: ModelCatalog, task: String, entry: ModelEntry?) = ModelChoice(
            modes = catalog.modes(task),
            selected = entry?.mode,
            description = entry?.let { Formatting.modelLine(it) } ?: BundledModels.missingMessage,
            problems = catalog.problems()
        )
    }
}
