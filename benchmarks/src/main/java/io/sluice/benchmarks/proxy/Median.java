package io.sluice.benchmarks.proxy;

import java.util.Collection;

/**
 * The median of a few measurements: the middle value of the sorted list, or for an even count the
 * mean of the two middle ones ({3, 1, 2} -> 2; {4, 1, 3, 2} -> 2.5). With three rounds on a shared
 * machine the median ignores one disturbed round entirely, where a mean would carry it.
 */
final class Median {
    private Median() {
    }

    /**
     * @throws IllegalArgumentException when {@code values} is empty or holds NaN
     */
    static double of(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values to take the median of");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        for (double v : sorted) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("NaN among the values " + values);
            }
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * {@code numerator / denominator}, or NaN when either is NaN or the denominator is not positive
     * (a target that served nothing has no meaningful ratio).
     */
    static double ratio(double numerator, double denominator) {
        if (Double.isNaN(numerator) || Double.isNaN(denominator) || denominator <= 0) {
            return Double.NaN;
        }
        return numerator / denominator;
    }
}
