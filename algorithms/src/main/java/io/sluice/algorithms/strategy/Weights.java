package io.sluice.algorithms.strategy;

import io.sluice.algorithms.Endpoint;

import java.util.List;

/** Facts about the effective weights of an endpoint list that several pickers branch on. */
final class Weights {
    private Weights() {
    }

    /**
     * True when every endpoint has exactly the same effective weight, so weighted strategies reduce
     * to their unweighted fast path (round robin, uniform random).
     */
    static boolean allEqual(List<Endpoint> endpoints) {
        double first = endpoints.get(0).weight();
        for (int i = 1, n = endpoints.size(); i < n; i++) {
            if (endpoints.get(i).weight() != first) {
                return false;
            }
        }
        return true;
    }

    static double[] of(List<Endpoint> endpoints) {
        double[] weights = new double[endpoints.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = endpoints.get(i).weight();
        }
        return weights;
    }
}
