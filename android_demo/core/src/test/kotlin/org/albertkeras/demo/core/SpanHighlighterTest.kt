package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

class SpanHighlighterTest {

    private fun joined(segments: List<Segment>) = segments.joinToString("") { it.text }

    private fun marked(segments: List<Segment>) =
        segments.joinToString("") { if (it.highlighted) "[" + it.text + "]" else it.text }

    @Test
    fun wordsSplitOnSpaceOnlyAsTheTaskLibraryDoes() {
        val passage = "  Denver\tBroncos  won\n50 "
        val words = SpanHighlighter.words(passage).map { passage.substring(it.start, it.end) }
        assertEquals(listOf("Denver\tBroncos", "won\n50"), words)
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.words(""))
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.words("   "))
    }

    @Test
    fun answerAtTheVeryStartAndEnd() {
        val passage = "Broncos beat the Panthers"
        assertEquals(listOf(CharSpan(0, 7)), SpanHighlighter.locate(passage, "Broncos"))
        assertEquals(listOf(CharSpan(17, 25)), SpanHighlighter.locate(passage, "Panthers"))
        assertEquals("[Broncos] beat the Panthers",
            marked(SpanHighlighter.highlightAnswer(passage, "Broncos")))
        assertEquals("Broncos beat the [Panthers]",
            marked(SpanHighlighter.highlightAnswer(passage, "Panthers")))
        assertEquals("[Broncos beat the Panthers]",
            marked(SpanHighlighter.highlightAnswer(passage, "Broncos beat the Panthers")))
    }

    @Test
    fun answerWordsJoinedByOneSpaceMatchRunsOfSpaces() {
        val passage = "played at Levi's   Stadium, in Santa Clara."
        val spans = SpanHighlighter.locate(passage, "Levi's Stadium,")
        assertEquals(listOf(CharSpan(10, 27)), spans)
        assertEquals("Levi's   Stadium,", passage.substring(10, 27))
    }

    @Test
    fun punctuationStaysAttachedToItsWord() {
        // The Task Library answers whole space-separated words: "Clara." not "Clara".
        val passage = "in Santa Clara. Then"
        assertEquals(listOf(CharSpan(3, 15)), SpanHighlighter.locate(passage, "Santa Clara."))
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.locate(passage, "Clara"))
    }

    @Test
    fun emptyOrBlankAnswerHighlightsNothing() {
        val passage = "Nothing to see here."
        for (answer in listOf("", " ", "   ")) {
            assertEquals(emptyList<CharSpan>(), SpanHighlighter.locate(passage, answer))
            val segments = SpanHighlighter.highlightAnswer(passage, answer)
            assertEquals(listOf(Segment(passage, false)), segments)
        }
        assertEquals(emptyList<Segment>(), SpanHighlighter.highlightAnswer("", "x"))
    }

    @Test
    fun answerNotInPassageHighlightsNothing() {
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.locate("a b c", "d"))
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.locate("a b", "a b c"))
    }

    @Test
    fun everyOccurrenceIsHighlighted() {
        val passage = "the cat saw the cat"
        assertEquals(listOf(CharSpan(0, 7), CharSpan(12, 19)),
            SpanHighlighter.locate(passage, "the cat"))
        assertEquals("[the cat] saw [the cat]",
            marked(SpanHighlighter.highlightAnswer(passage, "the cat")))
    }

    @Test
    fun asciiCaseIsIgnoredOnlyWhenNoExactMatch() {
        assertEquals(listOf(CharSpan(4, 10)), SpanHighlighter.locate("Win DENVER", "denver"))
        assertEquals(listOf(CharSpan(11, 17)),
            SpanHighlighter.locate("DENVER and denver", "denver"))
        // Non-ASCII letters are not case-folded, as AsciiStrToLower does not fold them.
        assertEquals(emptyList<CharSpan>(), SpanHighlighter.locate("ÉCOLE", "école"))
    }

    @Test
    fun multiByteAndSurrogatePairText() {
        // "😀" is one code point, two UTF-16 units, four UTF-8 bytes; "é" is two UTF-8 bytes.
        val passage = "😀 café 😀🎉 naïve Zürich"
        val cafe = SpanHighlighter.locate(passage, "café")
        assertEquals(listOf(CharSpan(3, 7)), cafe)
        val party = SpanHighlighter.locate(passage, "😀🎉")
        assertEquals(listOf(CharSpan(8, 12)), party)
        val last = SpanHighlighter.locate(passage, "Zürich")
        assertEquals(passage.length, last.single().end)
        val segments = SpanHighlighter.highlight(passage, cafe + party + last)
        assertEquals(passage, joined(segments))
        assertEquals("😀 [café] [😀🎉] naïve [Zürich]", marked(segments))
        assertEquals(Pair(7, 9), SpanHighlighter.toCodePoints(passage, party.single()))
        assertEquals(4, SpanHighlighter.utf8Offset(passage, 2)) // 😀 is 4 UTF-8 bytes
        assertEquals(10, SpanHighlighter.utf8Offset(passage, cafe.single().end)) // + " café"
    }

    @Test
    fun spansNeverCutASurrogatePair() {
        val passage = "a😀b"
        // index 2 is the middle of 😀 (units 1..3): both ends move outwards.
        assertEquals(CharSpan(1, 3), SpanHighlighter.snap(passage, CharSpan(2, 2)))
        assertEquals(CharSpan(1, 4), SpanHighlighter.snap(passage, CharSpan(2, 4)))
        assertEquals(CharSpan(0, 3), SpanHighlighter.snap(passage, CharSpan(0, 2)))
        assertEquals("a[😀]b", marked(SpanHighlighter.highlight(passage, listOf(CharSpan(2, 3)))))
    }

    @Test
    fun spansAreClampedMergedAndEmptyOnesDropped() {
        val passage = "abcdef"
        val segments = SpanHighlighter.highlight(passage,
            listOf(CharSpan(4, 99), CharSpan(1, 3), CharSpan(2, 4), CharSpan(5, 5)))
        assertEquals("a[bcdef]", marked(segments))
        assertEquals("abcdef", marked(SpanHighlighter.highlight(passage, listOf(CharSpan(6, 6)))))
        assertEquals("[abcdef]", marked(SpanHighlighter.highlight(passage, listOf(CharSpan(0, 6)))))
        assertTrue(SpanHighlighter.highlight(passage, listOf(CharSpan(0, 6))).single().highlighted)
    }

    @Test
    fun codePointOffsetsFromPythonConvertToUtf16() {
        val context = "🎉 Warsaw 1867" // Python: context[2:8] == "Warsaw"
        val span = SpanHighlighter.fromCodePoints(context, 2, 8)
        assertEquals(CharSpan(3, 9), span)
        assertEquals("Warsaw", context.substring(span.start, span.end))
        assertEquals(Pair(2, 8), SpanHighlighter.toCodePoints(context, span))
        assertEquals(CharSpan(0, 0), SpanHighlighter.fromCodePoints(context, 0, 0))
        val end = context.codePointCount(0, context.length)
        assertEquals(CharSpan(context.length, context.length),
            SpanHighlighter.fromCodePoints(context, end, end))
    }

    @Test(expected = IllegalArgumentException::class)
    fun codePointRangePastTheEndIsRefused() {
        SpanHighlighter.fromCodePoints("🎉ab", 1, 4)
    }

    @Test(expected = IllegalArgumentException::class)
    fun reversedSpanIsRefused() {
        CharSpan(3, 2)
    }
}
