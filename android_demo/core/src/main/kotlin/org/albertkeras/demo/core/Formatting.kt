package org.albertkeras.demo.core

import java.util.Locale

/** One class and its score, as BertNLClassifier's `Category` (label, score) gives it. */
data class ClassScore(val label: String, val score: Float)

/**
 * Label and number formatting for the screens, independent of the phone's locale.
 *
 * BertNLClassifier names a class by the line of the `labels.txt` packed in the model; a model
 * without labels gives the class index as its label ("0", "1", ...). [labelName] turns either
 * into the manifest's name, and keeps labels it does not know as they are.
 */
object Formatting {

    /** The display name of a class label; [labels] are the manifest's names in id order. */
    fun labelName(raw: String, labels: List<String>): String {
        val trimmed = raw.trim()
        if (trimmed.isEmpty()) return "(no label)"
        if (trimmed in labels) return trimmed
        val index = trimmed.toIntOrNull()
        if (index != null && trimmed == index.toString()) {
            return if (index in labels.indices) labels[index] else "class $index"
        }
        return trimmed
    }

    /** Classes sorted by score, best first (equal scores keep the model's order). */
    fun ranked(classes: List<ClassScore>, labels: List<String>): List<ClassScore> =
        classes.map { ClassScore(labelName(it.label, labels), it.score) }
            .sortedByDescending { if (it.score.isNaN()) Float.NEGATIVE_INFINITY else it.score }

    /** The best class, or null when the model returned none. */
    fun top(classes: List<ClassScore>, labels: List<String>): ClassScore? =
        ranked(classes, labels).firstOrNull()

    /** A probability as a percentage with one decimal, e.g. "97.1%"; NaN as "n/a". */
    fun percent(score: Float): String {
        if (score.isNaN()) return "n/a"
        val clamped = score.coerceIn(0f, 1f)
        return String.format(Locale.ROOT, "%.1f%%", clamped * 100f)
    }

    /** "positive 97.1%", or "no result" for an empty list. */
    fun resultLine(classes: List<ClassScore>, labels: List<String>): String {
        val best = top(classes, labels) ?: return "no result"
        return "${best.label} ${percent(best.score)}"
    }

    /** A number with one decimal under 100, none above ("0.4", "12.3", "245"). */
    fun number(value: Double): String =
        if (Math.abs(value) >= 100.0) String.format(Locale.ROOT, "%.0f", value)
        else String.format(Locale.ROOT, "%.1f", value)

    /** "12.3 ms"; values under 1 ms keep two decimals ("0.42 ms"). */
    fun millis(value: Double): String =
        if (value < 1.0) String.format(Locale.ROOT, "%.2f ms", value) else number(value) + " ms"

    /** File size in decimal megabytes, as the export report prints it ("4.62 MB"). */
    fun megabytes(bytes: Long): String = String.format(Locale.ROOT, "%.2f MB", bytes / 1e6)

    /** The picker's line for a model: "dynamic · 4.62 MB · acc 0.761 · 3.2 ms". */
    fun modelLine(entry: ModelEntry): String {
        val parts = arrayListOf(entry.mode, megabytes(entry.sizeBytes))
        entry.accuracy?.let { parts.add(String.format(Locale.ROOT, "acc %.3f", it)) }
        entry.latencyMs?.let { parts.add(millis(it) + " (export host)") }
        return parts.joinToString(" · ")
    }
}
