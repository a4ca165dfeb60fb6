package org.albertkeras.demo.core

import java.util.ArrayDeque

/**
 * Latency statistics over the most recent runs: median, 90th percentile and mean, in ms.
 *
 * Percentiles use the nearest-rank rule (the p-th percentile of n sorted samples is the
 * ceil(p/100 * n)-th), so every reported value is a latency that was measured; the median of
 * an even count is the mean of the two middle samples. Only the last [window] samples count,
 * so a model switch or a warm-up shows up within a few runs.
 */
class LatencyStats(val window: Int = 50) {
    private val samples = ArrayDeque<Double>()

    init {
        require(window > 0) { "window=$window must be positive" }
    }

    val count: Int get() = samples.size

    /** Adds one latency in milliseconds; negative, NaN or infinite values are refused. */
    fun add(millis: Double) {
        require(millis >= 0.0 && !millis.isInfinite()) { "latency $millis ms is not a duration" }
        samples.addLast(millis)
        while (samples.size > window) samples.removeFirst()
    }

    /** Adds the latency between two `System.nanoTime()` readings. */
    fun addNanos(startNanos: Long, endNanos: Long) = add((endNanos - startNanos) / 1e6)

    fun clear() = samples.clear()

    fun mean(): Double? = if (samples.isEmpty()) null else samples.sum() / samples.size

    fun median(): Double? {
        if (samples.isEmpty()) return null
        val sorted = samples.sorted()
        val mid = sorted.size / 2
        return if (sorted.size % 2 == 1) sorted[mid] else (sorted[mid - 1] + sorted[mid]) / 2.0
    }

    /** Nearest-rank percentile, p in (0, 100]. */
    fun percentile(p: Double): Double? {
        require(p > 0.0 && p <= 100.0) { "percentile p=$p must be in (0, 100]" }
        if (samples.isEmpty()) return null
        val sorted = samples.sorted()
        val rank = Math.ceil(p / 100.0 * sorted.size).toInt()
        return sorted[rank - 1]
    }

    fun p90(): Double? = percentile(90.0)

    fun last(): Double? = samples.peekLast()

    /** One line for the screen, e.g. "12.3 ms (median 11.8, p90 14.0, mean 12.1 ms; n=9)". */
    fun summary(): String {
        val last = last() ?: return "no runs yet"
        return "${Formatting.millis(last)} (median ${Formatting.number(median()!!)}, " +
            "p90 ${Formatting.number(p90()!!)}, mean ${Formatting.number(mean()!!)} ms; n=$count)"
    }
}
