package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test
import java.util.Locale

class FormattingTest {
    private val sst2 = listOf("negative", "positive")

    @Test
    fun labelsFromTheModelFileAreKept() {
        assertEquals("positive", Formatting.labelName("positive", sst2))
        assertEquals("positive", Formatting.labelName(" positive ", sst2))
    }

    @Test
    fun indexLabelsOfAModelWithoutLabelsFileAreNamed() {
        assertEquals("negative", Formatting.labelName("0", sst2))
        assertEquals("positive", Formatting.labelName("1", sst2))
        assertEquals("class 2", Formatting.labelName("2", sst2))
        assertEquals("class 0", Formatting.labelName("0", emptyList()))
        assertEquals("class -1", Formatting.labelName("-1", sst2))
    }

    @Test
    fun unknownLabelsAreShownAsGivenAndEmptyOnesSaySo() {
        assertEquals("LABEL_7", Formatting.labelName("LABEL_7", sst2))
        assertEquals("01", Formatting.labelName("01", sst2)) // not a plain index
        assertEquals("(no label)", Formatting.labelName("", sst2))
        assertEquals("(no label)", Formatting.labelName("  ", sst2))
    }

    @Test
    fun rankedBestFirstStableOnTiesNanLast() {
        val classes = listOf(ClassScore("0", 0.25f), ClassScore("1", 0.75f))
        assertEquals(listOf(ClassScore("positive", 0.75f), ClassScore("negative", 0.25f)),
            Formatting.ranked(classes, sst2))
        val ties = listOf(ClassScore("a", 0.5f), ClassScore("b", 0.5f), ClassScore("c", Float.NaN))
        assertEquals(listOf("a", "b", "c"), Formatting.ranked(ties, emptyList()).map { it.label })
        assertNull(Formatting.top(emptyList(), sst2))
    }

    @Test
    fun percentagesAreRoundedClampedAndLocaleFree() {
        val saved = Locale.getDefault()
        try {
            Locale.setDefault(Locale.GERMANY) // would print "97,1"
            assertEquals("97.1%", Formatting.percent(0.9712f))
            assertEquals("0.0%", Formatting.percent(0f))
            assertEquals("100.0%", Formatting.percent(1f))
            assertEquals("100.0%", Formatting.percent(1.0000001f))
            assertEquals("0.0%", Formatting.percent(-0.01f))
            assertEquals("n/a", Formatting.percent(Float.NaN))
            assertEquals("12.3 ms", Formatting.millis(12.34))
        } finally {
            Locale.setDefault(saved)
        }
    }

    @Test
    fun resultLine() {
        assertEquals("positive 97.1%", Formatting.resultLine(
            listOf(ClassScore("negative", 0.0288f), ClassScore("positive", 0.9712f)), sst2))
        assertEquals("no result", Formatting.resultLine(emptyList(), sst2))
    }

    @Test
    fun numbersAndSizes() {
        assertEquals("0.42 ms", Formatting.millis(0.421))
        assertEquals("245 ms", Formatting.millis(245.4))
        assertEquals("99.9", Formatting.number(99.94))
        assertEquals("4.62 MB", Formatting.megabytes(4_621_000L))
        val entry = ModelEntry("text-classification", "dynamic", "a.tflite", 4_621_000L,
            sst2, 128, accuracy = 0.7614, latencyMs = 3.24)
        assertEquals("dynamic · 4.62 MB · acc 0.761 · 3.2 ms (export host)",
            Formatting.modelLine(entry))
        assertEquals("float32 · 0.00 MB", Formatting.modelLine(entry.copy(
            mode = "float32", sizeBytes = 0L, accuracy = null, latencyMs = null)))
    }
}
