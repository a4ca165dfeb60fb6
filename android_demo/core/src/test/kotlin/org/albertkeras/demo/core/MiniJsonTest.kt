package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertTrue
import org.junit.Test

class MiniJsonTest {

    @Test
    fun valuesOfEveryKind() {
        val value = MiniJson.parse(
            " {\"a\": [1, -2.5, 3e2, true, false, null], \"b\": {}, \"c\": [], \"d\": \"x\"} ")
        assertEquals(mapOf("a" to listOf(1.0, -2.5, 300.0, true, false, null),
            "b" to emptyMap<String, Any?>(), "c" to emptyList<Any?>(), "d" to "x"), value)
        assertNull(MiniJson.parse("null"))
    }

    @Test
    fun keysKeepFileOrder() {
        val value = MiniJson.parse("{\"z\": 1, \"a\": 2, \"m\": 3}") as Map<*, *>
        assertEquals(listOf("z", "a", "m"), value.keys.toList())
    }

    @Test
    fun stringEscapesIncludingSurrogatePairs() {
        // Python's json.dumps writes non-ASCII as \u escapes, emoji as a surrogate pair.
        val value = MiniJson.parse("\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" a\\\\b\\/c\\n\\t\"")
        assertEquals("café 😀 \"q\" a\\b/c\n\t", value)
        assertEquals("négatif 😀", MiniJson.parse("\"négatif 😀\"")) // raw UTF-8 (ensure_ascii=False)
    }

    @Test
    fun malformedInputIsRefusedWithAPosition() {
        for (bad in listOf("", "{", "{\"a\" 1}", "[1,]", "[1 2]", "\"open", "tru", "{1: 2}",
            "\"\\x\"", "\"\\u12\"", "1 2", "-", "{\"a\": 1,}")) {
            try {
                MiniJson.parse(bad)
                throw AssertionError("accepted: $bad")
            } catch (error: IllegalArgumentException) {
                assertTrue(error.message!!, error.message!!.startsWith("invalid JSON at position"))
            }
        }
    }
}
