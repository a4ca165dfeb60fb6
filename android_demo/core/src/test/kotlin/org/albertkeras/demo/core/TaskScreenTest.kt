package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Test

class TaskScreenTest {
    private fun entry(task: String, mode: String, file: String, length: Int = 128) =
        ModelEntry(task, mode, file, 4_700_000L, listOf("negative", "positive"), length)

    private val dynamic = entry(ModelCatalog.CLASSIFICATION, "dynamic", "cls-dynamic.tflite")
    private val float32 = entry(ModelCatalog.CLASSIFICATION, "float32", "cls-float32.tflite")
    private val qaShort = entry(ModelCatalog.QUESTION_ANSWERING, "float32", "qa-short.tflite")
    private val catalog = ModelCatalog(listOf(float32, dynamic, qaShort))

    private fun sentiment() = TaskScreen<String>(ModelCatalog.CLASSIFICATION)

    @Test
    fun beforeTheCatalogNothingCanRun() {
        val screen = sentiment()
        assertFalse(screen.state.canRun)
        assertEquals(ModelChoice.NO_MODELS, screen.state.models.description)
        assertNull(screen.start())
        assertFalse(screen.state.busy)
    }

    @Test
    fun loadingChoosesThePreferredModeAndListsSkippedFiles() {
        val screen = sentiment()
        val state = screen.loaded(catalog)
        assertSame(dynamic, screen.entry) // dynamic is preferred over float32
        assertEquals(listOf("dynamic", "float32"), state.models.modes)
        assertEquals("dynamic", state.models.selected)
        assertEquals("dynamic · 4.70 MB", state.models.description)
        // The 128-token QA file cannot run in BertQuestionAnswerer: shown, not offered.
        assertEquals(1, state.models.problems.size)
        assertTrue(state.models.problems[0].startsWith("qa-short.tflite: "))
        assertTrue(state.canRun)
    }

    @Test
    fun aTaskWithNoUsableModelSaysHowToBundleOne() {
        val screen = TaskScreen<QaResult>(ModelCatalog.QUESTION_ANSWERING)
        val state = screen.loaded(catalog)
        assertNull(screen.entry)
        assertEquals(emptyList<String>(), state.models.modes)
        assertEquals(ModelChoice.NO_MODELS, state.models.description)
        assertFalse(state.canRun)
    }

    @Test
    fun aRunIsBusyThenShowsItsResultAndLatency() {
        val screen = sentiment()
        screen.loaded(catalog)
        val model = screen.start()!!
        assertTrue(screen.state.busy)
        assertFalse(screen.state.canRun)
        assertNull(screen.start()) // one run at a time
        val state = screen.finish(model, "positive 97.1%", millis = 12.0, loadMillis = 80.0)
        assertFalse(state.busy)
        assertEquals("positive 97.1%", state.result)
        assertEquals("12.0 ms (median 12.0, p90 12.0, mean 12.0 ms; n=1); model loaded in 80.0 ms",
            state.latency)
        screen.finish(screen.start()!!, "negative 60.0%", millis = 20.0, loadMillis = null)
        assertEquals("20.0 ms (median 16.0, p90 20.0, mean 16.0 ms; n=2)", screen.state.latency)
    }

    @Test
    fun anotherModelClearsTheResultAndRestartsTheStatistics() {
        val screen = sentiment()
        screen.loaded(catalog)
        screen.finish(screen.start()!!, "positive 97.1%", 12.0, null)
        val same = screen.select("dynamic")
        assertEquals("positive 97.1%", same.result) // the same file: kept
        assertTrue(same.latency.endsWith("n=1)"))
        val other = screen.select("float32")
        assertSame(float32, screen.entry)
        assertNull(other.result)
        assertEquals("", other.latency)
        screen.finish(screen.start()!!, "negative 51.0%", 30.0, 90.0)
        assertTrue(screen.state.latency.startsWith("30.0 ms (median 30.0, p90 30.0, mean 30.0 ms; n=1)"))
    }

    @Test
    fun aResultForAModelNoLongerChosenIsDropped() {
        val screen = sentiment()
        screen.loaded(catalog)
        val running = screen.start()!!
        screen.select("float32") // the user switched while the dynamic file was running
        assertTrue(screen.state.busy)
        val state = screen.finish(running, "positive 97.1%", 12.0, null)
        assertFalse(state.busy)
        assertNull(state.result)
        assertEquals("", state.latency)
    }

    @Test
    fun anUnknownModeFallsBackToThePreferredOne() {
        val screen = sentiment()
        screen.loaded(catalog)
        assertEquals("dynamic", screen.select("int16x8").models.selected)
    }

    @Test
    fun failuresEndTheRunAndKeepTheLastResult() {
        val screen = sentiment()
        screen.loaded(catalog)
        screen.finish(screen.start()!!, "positive 97.1%", 12.0, null)
        screen.start()
        val state = screen.fail(IllegalStateException("Error getting native address of native library"))
        assertFalse(state.busy)
        assertEquals("Error getting native address of native library", state.error)
        assertEquals("positive 97.1%", state.result)
        // An exception without a message is named by its class; the next run clears the error.
        screen.start()
        assertEquals("NullPointerException", screen.fail(NullPointerException()).error)
        screen.start()
        assertNull(screen.state.error)
    }

    @Test
    fun anUnreadableManifestIsReported() {
        val screen = sentiment()
        val bad = try {
            ModelCatalog.parse("""{"format": 2, "models": []}""")
            null
        } catch (error: IllegalArgumentException) {
            error
        }
        val state = screen.manifestFailed(bad!!)
        assertEquals("assets/models.json: models.json format 2 is not 1", state.error)
        assertFalse(state.canRun)
    }

    @Test(expected = IllegalArgumentException::class)
    fun aTaskWithoutAScreenIsRefused() {
        TaskScreen<String>("fill-mask")
    }

    @Test
    fun sentimentResultRanksAndNamesClasses() {
        val result = SentimentResult.of(
            listOf(ClassScore("0", 0.2f), ClassScore("1", 0.8f)), listOf("negative", "positive"))
        assertEquals("positive 80.0%", result.line)
        assertEquals(listOf(ClassScore("positive", 0.8f), ClassScore("negative", 0.2f)), result.scores)
        assertEquals("no result", SentimentResult.of(emptyList(), listOf("a")).line)
    }

    @Test
    fun qaResultHighlightsTheBestAnswerOrSaysThereIsNone() {
        val passage = "Denver Broncos defeated the Carolina Panthers."
        val result = QaResult.of(passage, listOf("Denver Broncos", "Carolina"))
        assertEquals("Denver Broncos", result.answer)
        assertEquals(listOf(Segment("Denver Broncos", true),
            Segment(" defeated the Carolina Panthers.", false)), result.segments)
        val none = QaResult.of(passage, emptyList())
        assertEquals(QaResult.NO_ANSWER, none.answer)
        assertEquals(listOf(Segment(passage, false)), none.segments)
        assertEquals(QaResult.NO_ANSWER, QaResult.of(passage, listOf("  ")).answer)
    }
}
