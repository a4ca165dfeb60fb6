package org.albertkeras.demo.core

/** The picker's content: the modes on offer, the chosen one, and the files the app skipped. */
data class ModelChoice(
    val modes: List<String> = emptyList(),
    val selected: String? = null,
    val description: String = NO_MODELS,
    val problems: List<String> = emptyList()
) {
    companion object {
        const val NO_MODELS =
            "No models bundled. Run: python android_demo/place_models.py EXPORT_DIR, then rebuild."

        fun of(catalog: ModelCatalog, task: String, entry: ModelEntry?) = ModelChoice(
            modes = catalog.modes(task),
            selected = entry?.mode,
            description = entry?.let { Formatting.modelLine(it) } ?: NO_MODELS,
            problems = catalog.problems()
        )
    }
}

/**
 * What one screen shows; [result] is the screen's own part (a label, an answer).
 *
 * @property latency the [LatencyStats] line of the runs on the chosen model, "" before any.
 * @property error why the last action failed, shown in red; null when it did not.
 */
data class ScreenState<R>(
    val models: ModelChoice = ModelChoice(),
    val busy: Boolean = false,
    val result: R? = null,
    val latency: String = "",
    val error: String? = null
) {
    /** The run button's state: a model is chosen and nothing is running. */
    val canRun: Boolean get() = !busy && models.selected != null
}

/** The sentiment screen's result: "positive 97.1%" and every class, best first. */
data class SentimentResult(val line: String, val scores: List<ClassScore>) {
    companion object {
        fun of(classes: List<ClassScore>, labels: List<String>) =
            SentimentResult(Formatting.resultLine(classes, labels), Formatting.ranked(classes, labels))
    }
}

/** The question-answering screen's result: the best answer and the passage cut around it. */
data class QaResult(val answer: String, val segments: List<Segment>) {
    companion object {
        const val NO_ANSWER = "(no answer)"

        /** From BertQuestionAnswerer's answer texts, best first (it may return none). */
        fun of(passage: String, answers: List<String>): QaResult {
            val best = answers.firstOrNull().orEmpty()
            return QaResult(
                if (best.isBlank()) NO_ANSWER else best,
                SpanHighlighter.highlightAnswer(passage, best)
            )
        }
    }
}

/**
 * One screen's logic without Android: the catalog, the chosen model, its latency statistics,
 * and the [ScreenState] each event leads to. The ViewModels only move work off the main thread
 * and publish [state]; every transition is here, where the JVM tests reach it.
 *
 * Call it from one thread (the main thread in the app). A result that arrives after the user
 * picked another model is dropped, so a slow run never shows under the wrong model's name.
 *
 * Example:
 * ```
 * val screen = TaskScreen<SentimentResult>(ModelCatalog.CLASSIFICATION)
 * screen.loaded(ModelCatalog.parse(manifestText))
 * val model = screen.start() ?: return           // null: no model, or a run in flight
 * screen.finish(model, SentimentResult.of(scores, model.labels), millis = 12.0, loadMillis = 80.0)
 * screen.state.latency                           // "12.0 ms (median 12.0, ...); model loaded in 80.0 ms"
 * ```
 */
class TaskScreen<R>(val task: String, window: Int = 50) {
    private var catalog = ModelCatalog(emptyList())
    private val stats = LatencyStats(window)

    init {
        require(task == ModelCatalog.CLASSIFICATION || task == ModelCatalog.QUESTION_ANSWERING) {
            "task $task has no screen in this app"
        }
    }

    /** The chosen model; null while none is bundled for [task]. */
    var entry: ModelEntry? = null
        private set

    var state: ScreenState<R> = ScreenState()
        private set

    /** The bundled catalog was read: choose the preferred model. */
    fun loaded(catalog: ModelCatalog): ScreenState<R> {
        this.catalog = catalog
        entry = null
        return select(null)
    }

    /** `models.json` could not be read (the catalog's message names the field). */
    fun manifestFailed(error: Throwable): ScreenState<R> {
        state = state.copy(busy = false, error = "assets/models.json: " + describe(error))
        return state
    }

    /**
     * The user picked `mode` (null or a mode not on offer: the preferred one). Picking another
     * file clears the result and restarts the latency statistics; picking the same keeps them.
     */
    fun select(mode: String?): ScreenState<R> {
        val chosen = catalog.select(task, mode)
        val changed = chosen?.file != entry?.file
        entry = chosen
        if (changed) stats.clear()
        state = state.copy(
            models = ModelChoice.of(catalog, task, chosen),
            result = if (changed) null else state.result,
            latency = if (changed) "" else state.latency,
            error = null
        )
        return state
    }

    /** A run begins: the model to run, or null when there is none or one is running already. */
    fun start(): ModelEntry? {
        val model = entry
        if (model == null || state.busy) return null
        state = state.copy(busy = true, error = null)
        return model
    }

    /**
     * A run on `model` ended with `result` after `millis` (plus `loadMillis` when the file was
     * loaded for it). Dropped, apart from ending the busy state, when another model was chosen since.
     */
    fun finish(model: ModelEntry, result: R, millis: Double, loadMillis: Double?): ScreenState<R> {
        if (model.file != entry?.file) {
            state = state.copy(busy = false)
            return state
        }
        stats.add(millis)
        val latency = stats.summary() +
            (loadMillis?.let { "; model loaded in " + Formatting.millis(it) } ?: "")
        state = state.copy(busy = false, result = result, latency = latency, error = null)
        return state
    }

    /** A run failed: the busy state ends and the message shows; the last result stays. */
    fun fail(error: Throwable): ScreenState<R> {
        state = state.copy(busy = false, error = describe(error))
        return state
    }

    private fun describe(error: Throwable): String =
        error.message?.takeIf { it.isNotBlank() } ?: error.javaClass.simpleName
}
