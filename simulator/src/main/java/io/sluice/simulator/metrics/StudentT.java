package io.sluice.simulator.metrics;

/**
 * Quantiles of Student's t distribution for two-sided 95 % confidence intervals.
 *
 * <p>{@code t(0.975, df)} for {@code df} 1 to 30 comes from the standard table (Fisher and Yates;
 * any statistics text); above 30 from the Cornish-Fisher expansion of t about the normal quantile
 * z = 1.959964 (Abramowitz and Stegun 26.7.5):
 * {@code t = z + g1/df + g2/df^2 + g3/df^3}, with {@code g1 = (z^3 + z)/4},
 * {@code g2 = (5z^5 + 16z^3 + 3z)/96}, {@code g3 = (3z^7 + 19z^5 + 17z^3 - 15z)/384}. Worked check:
 * at df = 30 the expansion gives 2.04227 against the table's 2.04227; at df = 60, 2.00030 against
 * 2.00030; its error falls as {@code 1/df^4}, below 1e-5 from df = 30.
 */
final class StudentT {
    /** z such that P(Z <= z) = 0.975 for a standard normal Z. */
    static final double Z_975 = 1.959963984540054;

    /** t(0.975, df) for df = 1..30; index 0 unused. */
    private static final double[] TABLE = {Double.NaN,
            12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
            2.200985, 2.178813, 2.160369, 2.144787, 2.131450, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963,
            2.079614, 2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.045230, 2.042272};

    private StudentT() {
    }

    /**
     * The 97.5th percentile of t with {@code df} degrees of freedom: the factor of a two-sided 95 %
     * interval.
     *
     * @throws IllegalArgumentException when {@code df < 1}
     */
    static double quantile975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1, got " + df);
        }
        if (df < TABLE.length) {
            return TABLE[df];
        }
        double z = Z_975;
        double z2 = z * z;
        double z3 = z2 * z;
        double z5 = z3 * z2;
        double z7 = z5 * z2;
        double g1 = (z3 + z) / 4;
        double g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
        double g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
        double n = df;
        return z + g1 / n + g2 / (n * n) + g3 / (n * n * n);
    }
}
