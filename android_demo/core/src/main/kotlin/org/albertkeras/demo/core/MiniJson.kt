package org.albertkeras.demo.core

/**
 * A small JSON reader for the app's `models.json` manifest (no Android, no kotlinx).
 *
 * Objects become `Map<String, Any?>` (keys in file order), arrays `List<Any?>`, numbers
 * `Double`, and `true` / `false` / `null` themselves. Malformed input throws
 * [IllegalArgumentException] naming the character position.
 */
object MiniJson {

    fun parse(text: String): Any? {
        val reader = Reader(text)
        val value = reader.value()
        reader.skipSpace()
        if (!reader.atEnd()) reader.fail("unexpected trailing text")
        return value
    }

    private class Reader(val text: String) {
        var pos = 0

        fun atEnd() = pos >= text.length

        fun fail(message: String): Nothing =
            throw IllegalArgumentException("invalid JSON at position $pos: $message")

        fun skipSpace() {
            while (!atEnd() && text[pos] in " \t\r\n") pos++
        }

        fun expect(c: Char) {
            skipSpace()
            if (atEnd() || text[pos] != c) fail("expected '$c'")
            pos++
        }

        fun value(): Any? {
            skipSpace()
            if (atEnd()) fail("unexpected end of input")
            return when (text[pos]) {
                '{' -> obj()
                '[' -> array()
                '"' -> string()
                't' -> literal("true", true)
                'f' -> literal("false", false)
                'n' -> literal("null", null)
                else -> number()
            }
        }

        fun literal(word: String, value: Any?): Any? {
            if (!text.startsWith(word, pos)) fail("expected '$word'")
            pos += word.length
            return value
        }

        fun obj(): Map<String, Any?> {
            expect('{')
            val out = LinkedHashMap<String, Any?>()
            skipSpace()
            if (!atEnd() && text[pos] == '}') {
                pos++
                return out
            }
            while (true) {
                skipSpace()
                if (atEnd() || text[pos] != '"') fail("expected a string key")
                val key = string()
                expect(':')
                out[key] = value()
                skipSpace()
                if (atEnd()) fail("unterminated object")
                val c = text[pos++]
                if (c == '}') return out
                if (c != ',') fail("expected ',' or '}'")
            }
        }

        fun array(): List<Any?> {
            expect('[')
            val out = ArrayList<Any?>()
            skipSpace()
            if (!atEnd() && text[pos] == ']') {
                pos++
                return out
            }
            while (true) {
                out.add(value())
                skipSpace()
                if (atEnd()) fail("unterminated array")
                val c = text[pos++]
                if (c == ']') return out
                if (c != ',') fail("expected ',' or ']'")
            }
        }

        fun string(): String {
            pos++ // the opening quote
            val out = StringBuilder()
            while (true) {
                if (atEnd()) fail("unterminated string")
                val c = text[pos++]
                when {
                    c == '"' -> return out.toString()
                    c == '\\' -> {
                        if (atEnd()) fail("unterminated escape")
                        val e = text[pos++]
                        when (e) {
                            '"', '\\', '/' -> out.append(e)
                            'b' -> out.append('\b')
                            'f' -> out.append('\u000C')
                            'n' -> out.append('\n')
                            'r' -> out.append('\r')
                            't' -> out.append('\t')
                            'u' -> {
                                if (pos + 4 > text.length) fail("short \\u escape")
                                val hex = text.substring(pos, pos + 4)
                                val code = hex.toIntOrNull(16) ?: fail("bad \\u escape '$hex'")
                                out.append(code.toChar()) // surrogate pairs arrive as two escapes
                                pos += 4
                            }
                            else -> fail("bad escape '\\$e'")
                        }
                    }
                    c < ' ' -> fail("control character in string")
                    else -> out.append(c)
                }
            }
        }

        fun number(): Double {
            val start = pos
            while (!atEnd() && text[pos] in "+-0123456789.eE") pos++
            val token = text.substring(start, pos)
            if (token.isEmpty()) fail("unexpected character '${text[start]}'")
            return token.toDoubleOrNull() ?: fail("bad number '$token'")
        }
    }
}
