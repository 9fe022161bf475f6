package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.config.Problems;
import io.sluice.config.proxy.ProxyFile.OverloadSection;

/** The validation pass of the {@code overload:} section. */
final class OverloadReader {
    /** {@code overload.interval}: 1 ms to 10 s; 100 ms by default. */
    static final Range INTERVAL = Range.duration(1_000_000L, 10_000_000_000L);
    static final long DEFAULT_INTERVAL_NANOS = 100_000_000L;
    /** {@code overload.hysteresis}: 0 to 0.9 of each resource's stop-accepting threshold; 0.1 by default. */
    static final Range HYSTERESIS = Range.number(0, 0.9);
    /** {@code event-loop-delay} thresholds: 1 µs to 60 s. */
    static final Range DELAY = Range.duration(1_000L, 60_000_000_000L);
    static final long DEFAULT_DELAY_STOP_NANOS = 50_000_000L;
    static final long DEFAULT_DELAY_SHED_NANOS = 200_000_000L;
    /** {@code heap} thresholds: a fraction of the maximum heap above 0, at most 1. */
    static final Range HEAP = Range.numberAbove(0, 1);

    private OverloadReader() {
    }

    /** The section's settings, or null when it is absent or had errors (recorded in {@code problems}). */
    static ProxyConfig.Overload read(Problems problems, OverloadSection s) {
        if (s == null) {
            return null;
        }
        int before = problems.errors().size();
        Long interval = problems.duration("overload.interval", s.interval(), INTERVAL, DEFAULT_INTERVAL_NANOS);
        Double hysteresis = problems.number("overload.hysteresis", s.hysteresis(), HYSTERESIS, 0.1);
        ProxyConfig.OverloadThresholds delay = null;
        if (s.eventLoopDelay() != null) {
            Long stop = problems.duration("overload.event-loop-delay.stop-accepting", s.eventLoopDelay().stopAccepting(),
                    DELAY, DEFAULT_DELAY_STOP_NANOS);
            Long shed = problems.duration("overload.event-loop-delay.shed", s.eventLoopDelay().shed(), DELAY,
                    Math.max(stop == null ? 0 : stop, DEFAULT_DELAY_SHED_NANOS));
            delay = thresholds(problems, "overload.event-loop-delay", stop, shed);
        }
        ProxyConfig.OverloadThresholds heap = null;
        if (s.heap() != null) {
            Double stop = problems.number("overload.heap.stop-accepting", s.heap().stopAccepting(), HEAP, 0.9);
            Double shed = problems.number("overload.heap.shed", s.heap().shed(), HEAP,
                    Math.max(stop == null ? 0 : stop, 0.95));
            heap = thresholds(problems, "overload.heap", stop == null ? null : stop.doubleValue(),
                    shed == null ? null : shed.doubleValue());
        }
        if (s.eventLoopDelay() == null && s.heap() == null && problems.errors().size() == before) {
            problems.error("overload", "watches nothing; give event-loop-delay (stop-accepting, shed durations),"
                    + " heap (stop-accepting, shed fractions of the maximum heap) or both");
        }
        if (problems.errors().size() > before || interval == null || hysteresis == null) {
            return null;
        }
        return new ProxyConfig.Overload(interval, hysteresis, delay, heap);
    }

    /** Checks {@code shed >= stop-accepting}. */
    private static ProxyConfig.OverloadThresholds thresholds(Problems problems, String path, Number stop, Number shed) {
        if (stop == null || shed == null) {
            return null;
        }
        double st = stop.doubleValue();
        double sh = shed.doubleValue();
        if (sh < st) {
            problems.error(Problems.join(path, "shed"), "must be at least stop-accepting (" + written(problems,
                    Problems.join(path, "stop-accepting"), st) + "): shedding requests is the stronger action");
            return null;
        }
        return new ProxyConfig.OverloadThresholds(st, sh);
    }

    private static String written(Problems problems, String path, double value) {
        String w = problems.written(path);
        return w != null ? w : Range.plain(value);
    }
}
