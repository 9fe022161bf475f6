package io.sluice.simulator.metrics;

/**
 * A two-sided 95 % confidence interval for the mean of one measure over the independent runs of a
 * scenario that differ only in their seed (one value per seed), by Student's t:
 * {@code mean +- t(0.975, n - 1) * s / sqrt(n)}, {@code s} the sample standard deviation
 * ({@code n - 1} in the denominator). The per-seed values are independent and, being each a
 * statistic over many requests (a p99, a mean, a share), close to normal, which is what the t
 * interval assumes.
 *
 * <p>Worked example: p99s of 100, 104, 98, 102 and 96 ms over five seeds: mean 100, s = 3.16,
 * t(0.975, 4) = 2.776, half-width 2.776 x 3.16 / sqrt(5) = 3.93: [96.07, 103.93] ms.
 *
 * @param n    how many values (seeds)
 * @param mean their mean
 * @param low  the interval's lower end; NaN when {@code n < 2} (no spread to estimate)
 * @param high its upper end; NaN when {@code n < 2}
 */
public record Interval(int n, double mean, double low, double high) {
    /** The confidence level of every interval here. */
    public static final double LEVEL = 0.95;

    /**
     * The interval of {@code values}; with one value, that value and no bounds; with any NaN value
     * (a seed that completed no request has no p99), NaN throughout.
     *
     * @throws IllegalArgumentException when {@code values} is empty
     */
    public static Interval studentT(double[] values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("an interval needs at least one value");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        if (Double.isNaN(mean) || n == 1) {
            return new Interval(n, mean, Double.NaN, Double.NaN);
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        double s = Math.sqrt(squares / (n - 1));
        double half = StudentT.quantile975(n - 1) * s / Math.sqrt(n);
        return new Interval(n, mean, mean - half, mean + half);
    }

    /** Whether the interval has bounds (two or more values, none NaN). */
    public boolean bounded() {
        return !Double.isNaN(low);
    }

    /** Half the interval's width; NaN when unbounded. */
    public double halfWidth() {
        return (high - low) / 2;
    }
}
