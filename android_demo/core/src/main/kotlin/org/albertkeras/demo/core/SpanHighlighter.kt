package org.albertkeras.demo.core

/** A range of a string in UTF-16 units (Kotlin/Java `String` indices), end exclusive. */
data class CharSpan(val start: Int, val end: Int) {
    init {
        require(start in 0..end) { "span start=$start must be in 0..end=$end" }
    }

    val isEmpty: Boolean get() = start == end
}

/** A run of the passage, highlighted or not; the segments concatenate back to the passage. */
data class Segment(val text: String, val highlighted: Boolean)

/**
 * Finds a BertQuestionAnswerer answer in its passage and cuts the passage into segments.
 *
 * The Task Library returns the answer as text, not offsets: it splits the context on the
 * space character only (`absl::StrSplit(context, ' ', SkipEmpty)`), maps the best token span
 * back to those words, and joins the original words with one space. So the answer is found by
 * matching that run of words, which also holds for text with tabs, newlines or several spaces
 * inside a word run. Offsets are UTF-16 indices; a span never cuts a surrogate pair (emoji),
 * and code-point offsets (what Python and our SavedModel report) convert with [fromCodePoints].
 */
object SpanHighlighter {

    /** The passage's words as BertQuestionAnswerer splits them: on ' ', empty pieces skipped. */
    fun words(passage: String): List<CharSpan> {
        val out = ArrayList<CharSpan>()
        var start = -1
        for (i in 0..passage.length) {
            val boundary = i == passage.length || passage[i] == ' '
            if (boundary && start >= 0) {
                out.add(CharSpan(start, i))
                start = -1
            } else if (!boundary && start < 0) {
                start = i
            }
        }
        return out
    }

    /**
     * Every place where the answer's words occur as a run of the passage's words.
     *
     * Words compare exactly first; when nothing matches they compare ignoring ASCII case
     * (the Task Library lower-cases ASCII letters only). A blank answer gives no span.
     */
    fun locate(passage: String, answer: String): List<CharSpan> {
        val wanted = answer.split(' ').filter { it.isNotEmpty() }
        if (wanted.isEmpty()) return emptyList()
        val spans = words(passage)
        val exact = matches(passage, spans, wanted) { a, b -> a == b }
        if (exact.isNotEmpty()) return exact
        return matches(passage, spans, wanted) { a, b -> asciiLower(a) == asciiLower(b) }
    }

    private fun matches(
        passage: String,
        spans: List<CharSpan>,
        wanted: List<String>,
        same: (String, String) -> Boolean
    ): List<CharSpan> {
        val out = ArrayList<CharSpan>()
        for (first in 0..spans.size - wanted.size) {
            val all = wanted.indices.all { k ->
                val w = spans[first + k]
                same(passage.substring(w.start, w.end), wanted[k])
            }
            if (all) out.add(CharSpan(spans[first].start, spans[first + wanted.size - 1].end))
        }
        return out
    }

    private fun asciiLower(s: String): String {
        val chars = s.toCharArray()
        for (i in chars.indices) if (chars[i] in 'A'..'Z') chars[i] = chars[i] + ('a' - 'A')
        return String(chars)
    }

    /**
     * The passage cut into plain and highlighted segments.
     *
     * Spans are clamped to the passage, widened so that no surrogate pair is split, merged
     * where they overlap or touch; empty spans are dropped. No span gives one plain segment
     * (none for an empty passage).
     */
    fun highlight(passage: String, spans: List<CharSpan>): List<Segment> {
        val fixed = spans
            .map { snap(passage, it) }
            .filter { !it.isEmpty }
            .sortedBy { it.start }
        val merged = ArrayList<CharSpan>()
        for (span in fixed) {
            val last = merged.lastOrNull()
            if (last != null && span.start <= last.end) {
                merged[merged.size - 1] = CharSpan(last.start, maxOf(last.end, span.end))
            } else {
                merged.add(span)
            }
        }
        val out = ArrayList<Segment>()
        var at = 0
        for (span in merged) {
            if (span.start > at) out.add(Segment(passage.substring(at, span.start), false))
            out.add(Segment(passage.substring(span.start, span.end), true))
            at = span.end
        }
        if (at < passage.length) out.add(Segment(passage.substring(at), false))
        return out
    }

    /** Locates the answer and highlights every occurrence of it. */
    fun highlightAnswer(passage: String, answer: String): List<Segment> =
        highlight(passage, locate(passage, answer))

    /** A span clamped to the text, with ends moved off the middle of a surrogate pair. */
    fun snap(text: String, span: CharSpan): CharSpan {
        var start = span.start.coerceIn(0, text.length)
        var end = span.end.coerceIn(start, text.length)
        if (splitsPair(text, start)) start -= 1
        if (splitsPair(text, end)) end += 1
        return CharSpan(start, end)
    }

    private fun splitsPair(text: String, index: Int): Boolean =
        index in 1 until text.length &&
            Character.isHighSurrogate(text[index - 1]) && Character.isLowSurrogate(text[index])

    /** UTF-16 span of a code-point range [cpStart, cpEnd) (Python string offsets). */
    fun fromCodePoints(text: String, cpStart: Int, cpEnd: Int): CharSpan {
        val total = text.codePointCount(0, text.length)
        require(cpStart in 0..cpEnd && cpEnd <= total) {
            "code-point range [$cpStart, $cpEnd) outside 0..$total"
        }
        val start = text.offsetByCodePoints(0, cpStart)
        return CharSpan(start, text.offsetByCodePoints(start, cpEnd - cpStart))
    }

    /** The code-point range [start, end) of a UTF-16 span. */
    fun toCodePoints(text: String, span: CharSpan): Pair<Int, Int> {
        val s = snap(text, span)
        val start = text.codePointCount(0, s.start)
        return Pair(start, start + text.codePointCount(s.start, s.end))
    }

    /** Byte length of the UTF-8 encoding of the text before `index` (for native logs). */
    fun utf8Offset(text: String, index: Int): Int =
        text.substring(0, index.coerceIn(0, text.length)).toByteArray(Charsets.UTF_8).size
}
