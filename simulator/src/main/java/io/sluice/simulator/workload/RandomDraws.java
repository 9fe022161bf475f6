package io.sluice.simulator.workload;

import java.util.SplittableRandom;

/** The few distributions the generators need, drawn from a seeded {@link SplittableRandom}. */
final class RandomDraws {
    private RandomDraws() {
    }

    /**
     * Exponential with the given mean, by inversion: {@code -mean * ln(1 - U)} with U uniform in
     * [0, 1), so the argument of the logarithm is in (0, 1] and the draw is finite and {@code >= 0}.
     */
    static double exponential(SplittableRandom random, double mean) {
        return -mean * Math.log1p(-random.nextDouble());
    }

    /**
     * Beta(a, b) for integer a, b >= 1 as an order statistic: the a-th smallest of {@code a + b - 1}
     * independent U(0, 1) draws is Beta(a, b) distributed (David and Nagaraja, <i>Order
     * Statistics</i>, 3rd ed., sec. 2.1: the k-th of n uniforms has density
     * {@code n!/((k-1)!(n-k)!) x^(k-1) (1-x)^(n-k)}, the Beta(k, n-k+1) density). For 3GPP's
     * Beta(3, 4) that is the 3rd smallest of 6 uniforms; mean a/(a+b) = 3/7, variance
     * ab/((a+b)^2 (a+b+1)) = 12/392 = 3/98.
     *
     * @param scratch at least a + b - 1 doubles, reused so a fleet of draws allocates nothing
     */
    static double betaOrderStatistic(SplittableRandom random, int a, int b, double[] scratch) {
        int n = a + b - 1;
        for (int i = 0; i < n; i++) {
            // insertion sort as we draw: n is tiny (6 for Beta(3, 4))
            double u = random.nextDouble();
            int j = i - 1;
            while (j >= 0 && scratch[j] > u) {
                scratch[j + 1] = scratch[j];
                j--;
            }
            scratch[j + 1] = u;
        }
        return scratch[a - 1];
    }
}
