package io.sluice.simulator.metrics;

import java.util.List;

/**
 * How evenly the load landed on the backends.
 *
 * <p>Jain's fairness index of the utilisations {@code x_1..x_n} (Jain, Chiu and Hawe, DEC-TR-301,
 * 1984): {@code J = (sum x)^2 / (n * sum x^2)}, 1 when all are equal, {@code 1/n} when one backend
 * takes everything. Worked example: utilisations 0.9, 0.3, 0.3 give {@code 1.5^2 / (3 * 0.99) =
 * 0.758}. With every utilisation 0 the load is (trivially) even: J = 1.
 *
 * @param jainIndex               Jain's index of backend utilisation, in [1/n, 1]
 * @param maxOverMeanUtilisation  the busiest backend's utilisation over the mean (1 = even; 1 when all are 0)
 * @param maxOverMeanRequests     the most requested backend's request count over the mean
 */
public record Fairness(double jainIndex, double maxOverMeanUtilisation, double maxOverMeanRequests) {

    /** Fairness of the given backends; all 1 for an empty list. */
    public static Fairness of(List<BackendResult> backends) {
        int n = backends.size();
        if (n == 0) {
            return new Fairness(1, 1, 1);
        }
        double sum = 0;
        double sumSq = 0;
        double maxU = 0;
        long reqSum = 0;
        long reqMax = 0;
        for (BackendResult b : backends) {
            double u = b.utilisation();
            sum += u;
            sumSq += u * u;
            maxU = Math.max(maxU, u);
            reqSum += b.requests();
            reqMax = Math.max(reqMax, b.requests());
        }
        double jain = sumSq == 0 ? 1 : sum * sum / (n * sumSq);
        double maxOverMeanU = sum == 0 ? 1 : maxU / (sum / n);
        double maxOverMeanR = reqSum == 0 ? 1 : reqMax / ((double) reqSum / n);
        return new Fairness(jain, maxOverMeanU, maxOverMeanR);
    }
}
