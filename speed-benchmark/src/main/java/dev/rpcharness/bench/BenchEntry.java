package dev.rpcharness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

/**
 * One stack of the speed benchmark: how to build it with n connections, the setting its search chose, its rounds
 * and its open loops. Not thread-safe; the benchmark's main thread fills it.
 */
final class BenchEntry {
    final String key;
    final String label;
    final IntFunction<BenchStack> factory;
    final int[][] grid;
    BenchStack stack;
    int connections;
    int window;
    final List<LoopDriver.Result> rounds = new ArrayList<>();
    /** The open loops, one per open round, in order. */
    final List<LoopDriver.Result> opens = new ArrayList<>();
    /** The open loop reported: the round with the median p99. */
    LoopDriver.Result open;

    BenchEntry(String key, String label, IntFunction<BenchStack> factory, int[][] grid) {
        this.key = key;
        this.label = label;
        this.factory = factory;
        this.grid = grid;
    }

    /** The median of {@code f} over the rounds; NaN before any round. */
    double median(ToDoubleFunction<LoopDriver.Result> f) {
        double[] v = rounds.stream().mapToDouble(f).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** The open round with the median p99; null before any. */
    LoopDriver.Result medianOpen() {
        return LoopDriver.Result.medianByP99(opens);
    }

    double callsPerSecond() {
        return median(LoopDriver.Result::callsPerSecond);
    }
}
