package io.sluice.reports.jmh;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of a JMH JSON result file ({@code -rf json}): one benchmark method with one set of
 * parameter values at one thread count, and its primary metric per measurement iteration.
 *
 * @param benchmark    the fully qualified method, e.g. {@code io.sluice.benchmarks.PickBenchmark.pick}
 * @param mode         JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param threads      threads that ran the method at once
 * @param params       {@code @Param} values by name, as JMH wrote them (strings); empty if none
 * @param unit         the unit of {@code iterations}, e.g. {@code ns/op}
 * @param iterations   the primary metric of every measurement iteration of every fork, in run
 *                     order (JMH's {@code rawData} flattened; NaN entries dropped)
 * @param jdkVersion   the JDK that ran the benchmark, or "" if JMH did not say
 */
public record JmhResult(String benchmark, String mode, int threads, Map<String, String> params, String unit,
                        List<Double> iterations, String jdkVersion) {
    public JmhResult {
        Objects.requireNonNull(benchmark, "benchmark");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(jdkVersion, "jdkVersion");
        params = Map.copyOf(params);
        iterations = List.copyOf(iterations);
    }

    /** A parameter value, or {@code fallback} when the benchmark has no such parameter. */
    public String param(String name, String fallback) {
        return params.getOrDefault(name, fallback);
    }

    /**
     * The median of {@link #iterations}, NaN when there are none. With an even count it is the mean
     * of the two middle values: {@code [4, 1, 3, 2]} sorts to {@code [1, 2, 3, 4]}, median 2.5.
     *
     * <p>The median rather than JMH's mean score, because one iteration disturbed by another
     * process on a shared machine moves the mean and leaves the median where it was.
     */
    public double median() {
        double[] sorted = iterations.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    @Override
    public String toString() {
        return benchmark + params + " t=" + threads + " " + mode + " " + Arrays.toString(iterations.toArray())
                + " " + unit;
    }
}
