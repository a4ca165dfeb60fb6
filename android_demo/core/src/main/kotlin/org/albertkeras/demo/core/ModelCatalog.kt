package org.albertkeras.demo.core

/**
 * One bundled .tflite file, as `place_models.py` describes it in `models.json`.
 *
 * @property task "text-classification" or "question-answering" (transformers' pipeline names).
 * @property mode quantization mode of `albert-keras export tflite --quantize`.
 * @property file asset path of the model, relative to the assets folder.
 * @property labels class names in id order (text-classification), empty otherwise.
 * @property sequenceLength fixed token length of the inputs.
 * @property accuracy the export report's accuracy of this file, if it measured one.
 * @property latencyMs the export report's median 1-thread latency on the export host.
 */
data class ModelEntry(
    val task: String,
    val mode: String,
    val file: String,
    val sizeBytes: Long,
    val labels: List<String>,
    val sequenceLength: Int,
    val accuracy: Double? = null,
    val latencyMs: Double? = null
)

/**
 * The bundled models: parsed from `models.json`, grouped by task, picked by mode.
 *
 * Manifest: `{"format": 1, "models": [{"task", "mode", "file", "size_bytes", "labels",
 * "sequence_length", "accuracy"?, "latency_ms"?}, ...]}`.
 */
class ModelCatalog(val entries: List<ModelEntry>) {

    companion object {
        const val CLASSIFICATION = "text-classification"
        const val QUESTION_ANSWERING = "question-answering"
        const val FORMAT = 1

        /** BertQuestionAnswerer fills exactly 384 tokens (kMaxSeqLen in the Task Library). */
        const val QA_SEQUENCE_LENGTH = 384

        /** Default pick when the user chose nothing: small and accurate first. */
        val MODE_PREFERENCE = listOf("dynamic", "float16", "float32", "int16x8", "int8")

        /** Parses the manifest text; a missing or mistyped field raises IllegalArgumentException. */
        fun parse(json: String): ModelCatalog {
            val root = MiniJson.parse(json) as? Map<*, *>
                ?: throw IllegalArgumentException("models.json must hold a JSON object")
            val format = (root["format"] as? Double)?.toInt()
            require(format == FORMAT) { "models.json format $format is not $FORMAT" }
            val models = root["models"] as? List<*>
                ?: throw IllegalArgumentException("models.json has no \"models\" list")
            return ModelCatalog(models.mapIndexed { i, m -> entry(i, m) })
        }

        private fun entry(index: Int, raw: Any?): ModelEntry {
            val m = raw as? Map<*, *>
                ?: throw IllegalArgumentException("models[$index] is not an object")
            fun text(key: String) = m[key] as? String
                ?: throw IllegalArgumentException("models[$index].$key must be a string")
            fun whole(key: String): Long {
                val v = m[key] as? Double
                    ?: throw IllegalArgumentException("models[$index].$key must be a number")
                require(v >= 0 && v == Math.floor(v)) { "models[$index].$key=$v is not a count" }
                return v.toLong()
            }
            val labels = (m["labels"] as? List<*> ?: emptyList<Any?>()).map {
                it as? String ?: throw IllegalArgumentException("models[$index].labels: $it")
            }
            return ModelEntry(
                task = text("task"), mode = text("mode"), file = text("file"),
                sizeBytes = whole("size_bytes"), labels = labels,
                sequenceLength = whole("sequence_length").toInt(),
                accuracy = m["accuracy"] as? Double, latencyMs = m["latency_ms"] as? Double
            )
        }

        private fun rank(mode: String): Int {
            val i = MODE_PREFERENCE.indexOf(mode)
            return if (i < 0) MODE_PREFERENCE.size else i
        }
    }

    /** The task's models that its Task Library API can run, in [MODE_PREFERENCE] order. */
    fun forTask(task: String): List<ModelEntry> =
        entries.filter { it.task == task && problem(it) == null }
            .sortedWith(compareBy({ rank(it.mode) }, { it.mode }))

    /** The quantization modes on offer for a task (the picker's items). */
    fun modes(task: String): List<String> = forTask(task).map { it.mode }

    /** The model for `mode`, else the first in preference order; null if the task has none. */
    fun select(task: String, mode: String?): ModelEntry? {
        val choices = forTask(task)
        return choices.firstOrNull { it.mode == mode } ?: choices.firstOrNull()
    }

    /** Why an entry cannot run in the app, or null when it can. */
    fun problem(entry: ModelEntry): String? = when {
        entry.task != CLASSIFICATION && entry.task != QUESTION_ANSWERING ->
            "${entry.file}: task ${entry.task} has no screen in this app"
        entry.task == QUESTION_ANSWERING && entry.sequenceLength != QA_SEQUENCE_LENGTH ->
            "${entry.file}: BertQuestionAnswerer needs sequence length $QA_SEQUENCE_LENGTH, " +
                "the file has ${entry.sequenceLength} (export with --sequence-length 384)"
        entry.task == CLASSIFICATION && entry.sequenceLength < 2 ->
            "${entry.file}: sequence length ${entry.sequenceLength} leaves no room for [CLS] [SEP]"
        !entry.file.endsWith(".tflite") -> "${entry.file}: not a .tflite file"
        else -> null
    }

    /** Every entry the app skips, with the reason (shown under the picker). */
    fun problems(): List<String> = entries.mapNotNull { problem(it) }
}
