package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class ModelCatalogTest {
    // The shape place_models.py writes (tests/android/test_place_models.py checks that side).
    private val manifest = """
        {"format": 1, "source": "export/", "models": [
          {"task": "text-classification", "mode": "float32",
           "file": "albert-text-classification-float32.tflite", "size_bytes": 18400000,
           "labels": ["negative", "positive"], "sequence_length": 128,
           "accuracy": 0.76, "latency_ms": 9.5},
          {"task": "text-classification", "mode": "dynamic",
           "file": "albert-text-classification-dynamic.tflite", "size_bytes": 4700000,
           "labels": ["negative", "positive"], "sequence_length": 128,
           "accuracy": 0.761, "latency_ms": null},
          {"task": "question-answering", "mode": "float16",
           "file": "albert-question-answering-float16.tflite", "size_bytes": 9300000,
           "labels": [], "sequence_length": 384},
          {"task": "question-answering", "mode": "float32",
           "file": "qa-short.tflite", "size_bytes": 18000000,
           "labels": [], "sequence_length": 128},
          {"task": "fill-mask", "mode": "float32", "file": "albert-fill-mask-float32.tflite",
           "size_bytes": 20000000, "labels": [], "sequence_length": 128}
        ]}
    """.trimIndent()

    @Test
    fun parsesEveryField() {
        val catalog = ModelCatalog.parse(manifest)
        assertEquals(5, catalog.entries.size)
        val first = catalog.entries[0]
        assertEquals(ModelEntry("text-classification", "float32",
            "albert-text-classification-float32.tflite", 18_400_000L,
            listOf("negative", "positive"), 128, 0.76, 9.5), first)
        assertNull(catalog.entries[1].latencyMs) // JSON null
        assertNull(catalog.entries[2].accuracy) // absent
    }

    @Test
    fun modesAreOfferedInPreferenceOrder() {
        val catalog = ModelCatalog.parse(manifest)
        assertEquals(listOf("dynamic", "float32"), catalog.modes(ModelCatalog.CLASSIFICATION))
        assertEquals(listOf("float16"), catalog.modes(ModelCatalog.QUESTION_ANSWERING))
        assertEquals(emptyList<String>(), catalog.modes("fill-mask"))
    }

    @Test
    fun selectionPrefersTheChosenModeThenTheDefaultOrder() {
        val catalog = ModelCatalog.parse(manifest)
        assertEquals("float32", catalog.select(ModelCatalog.CLASSIFICATION, "float32")!!.mode)
        assertEquals("dynamic", catalog.select(ModelCatalog.CLASSIFICATION, null)!!.mode)
        // A mode that is not bundled (e.g. remembered from another build) falls back.
        assertEquals("dynamic", catalog.select(ModelCatalog.CLASSIFICATION, "int8")!!.mode)
        assertEquals("float16", catalog.select(ModelCatalog.QUESTION_ANSWERING, "float32")!!.mode)
        assertNull(ModelCatalog(emptyList()).select(ModelCatalog.CLASSIFICATION, null))
    }

    @Test
    fun modelsTheAppCannotRunAreListedWithTheReason() {
        val problems = ModelCatalog.parse(manifest).problems()
        assertEquals(2, problems.size)
        assertTrue(problems[0], problems[0].startsWith("qa-short.tflite: BertQuestionAnswerer " +
            "needs sequence length 384, the file has 128"))
        assertTrue(problems[1], problems[1].contains("fill-mask has no screen"))
    }

    @Test
    fun unknownModesSortAfterKnownOnes() {
        fun e(mode: String) = ModelEntry("text-classification", mode, "$mode.tflite", 1L,
            emptyList(), 64)
        val catalog = ModelCatalog(listOf(e("zz"), e("int8"), e("aa"), e("float16")))
        assertEquals(listOf("float16", "int8", "aa", "zz"),
            catalog.modes(ModelCatalog.CLASSIFICATION))
    }

    @Test
    fun badManifestsNameTheProblem() {
        val cases = mapOf(
            "[]" to "must hold a JSON object",
            "{\"format\": 2, \"models\": []}" to "format 2",
            "{\"format\": 1}" to "no \"models\" list",
            "{\"format\": 1, \"models\": [{\"task\": \"x\"}]}" to "models[0].mode",
            "{\"format\": 1, \"models\": [{\"task\": \"t\", \"mode\": \"m\", \"file\": \"f\", " +
                "\"size_bytes\": 1.5, \"sequence_length\": 8}]}" to "size_bytes=1.5",
            "{\"format\": 1, \"models\": [{\"task\": \"t\", \"mode\": \"m\", \"file\": \"f\", " +
                "\"size_bytes\": 1, \"sequence_length\": 8, \"labels\": [1]}]}" to "labels"
        )
        for ((text, expected) in cases) {
            try {
                ModelCatalog.parse(text)
                throw AssertionError("accepted: $text")
            } catch (error: IllegalArgumentException) {
                assertTrue("${error.message} lacks $expected", error.message!!.contains(expected))
            }
        }
    }
}
