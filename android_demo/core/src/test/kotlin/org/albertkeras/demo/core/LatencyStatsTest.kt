package org.albertkeras.demo.core

import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Test

class LatencyStatsTest {

    @Test
    fun emptyStatsHaveNoValues() {
        val stats = LatencyStats()
        assertEquals(0, stats.count)
        assertNull(stats.median())
        assertNull(stats.p90())
        assertNull(stats.mean())
        assertEquals("no runs yet", stats.summary())
    }

    @Test
    fun oneSampleIsEveryStatistic() {
        val stats = LatencyStats()
        stats.add(7.5)
        assertEquals(7.5, stats.median()!!, 0.0)
        assertEquals(7.5, stats.p90()!!, 0.0)
        assertEquals(7.5, stats.mean()!!, 0.0)
    }

    @Test
    fun medianOfOddAndEvenCounts() {
        val stats = LatencyStats()
        listOf(30.0, 10.0, 20.0).forEach { stats.add(it) }
        assertEquals(20.0, stats.median()!!, 0.0)
        stats.add(40.0)
        assertEquals(25.0, stats.median()!!, 0.0) // (20 + 30) / 2
        assertEquals(25.0, stats.mean()!!, 1e-12)
    }

    @Test
    fun p90IsNearestRank() {
        val stats = LatencyStats()
        (1..10).forEach { stats.add(it.toDouble()) } // ceil(0.9 * 10) = 9th
        assertEquals(9.0, stats.p90()!!, 0.0)
        stats.add(100.0) // 11 samples: ceil(9.9) = 10th sorted = 10
        assertEquals(10.0, stats.p90()!!, 0.0)
        assertEquals(100.0, stats.percentile(100.0)!!, 0.0)
        assertEquals(1.0, stats.percentile(1.0)!!, 0.0)
    }

    @Test
    fun outlierMovesMeanNotMedian() {
        val stats = LatencyStats()
        listOf(10.0, 11.0, 12.0, 13.0, 500.0).forEach { stats.add(it) }
        assertEquals(12.0, stats.median()!!, 0.0)
        assertEquals(109.2, stats.mean()!!, 1e-9)
    }

    @Test
    fun onlyTheLastWindowCounts() {
        val stats = LatencyStats(window = 3)
        listOf(1000.0, 1.0, 2.0, 3.0).forEach { stats.add(it) }
        assertEquals(3, stats.count)
        assertEquals(2.0, stats.median()!!, 0.0)
        assertEquals(3.0, stats.last()!!, 0.0)
        stats.clear()
        assertNull(stats.median())
    }

    @Test
    fun nanosecondReadingsBecomeMilliseconds() {
        val stats = LatencyStats()
        stats.addNanos(1_000_000_000L, 1_012_500_000L)
        assertEquals(12.5, stats.last()!!, 1e-12)
        assertEquals("12.5 ms (median 12.5, p90 12.5, mean 12.5 ms; n=1)", stats.summary())
    }

    @Test(expected = IllegalArgumentException::class)
    fun negativeLatencyIsRefused() {
        LatencyStats().add(-1.0)
    }

    @Test(expected = IllegalArgumentException::class)
    fun nanLatencyIsRefused() {
        LatencyStats().add(Double.NaN)
    }

    @Test(expected = IllegalArgumentException::class)
    fun percentileOutsideRangeIsRefused() {
        LatencyStats().percentile(0.0)
    }
}
