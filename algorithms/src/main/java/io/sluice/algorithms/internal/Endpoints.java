package io.sluice.algorithms.internal;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Tried;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What pickers of every package read off their endpoints in the same way: whether the effective
 * weights are all equal (the unweighted fast paths), the weights themselves, the heaviest, the
 * in-flight count, and the uniformly random choice that keyless or probe-less picks fall back to.
 */
public final class Endpoints {
    private Endpoints() {
    }

    /**
     * True when every endpoint has exactly the same effective weight, so weighted strategies reduce
     * to their unweighted fast path (round robin, uniform random, plain counts). True for none or one.
     */
    public static boolean equalWeights(List<Endpoint> endpoints) {
        for (int i = 1, n = endpoints.size(); i < n; i++) {
            if (endpoints.get(i).weight() != endpoints.get(0).weight()) {
                return false;
            }
        }
        return true;
    }

    /** {@link #equalWeights(List)} of an array. */
    public static boolean equalWeights(Endpoint[] endpoints) {
        for (int i = 1; i < endpoints.length; i++) {
            if (endpoints[i].weight() != endpoints[0].weight()) {
                return false;
            }
        }
        return true;
    }

    /** The effective weights, in order. */
    public static double[] weights(List<Endpoint> endpoints) {
        double[] weights = new double[endpoints.size()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = endpoints.get(i).weight();
        }
        return weights;
    }

    /** {@link #weights(List)} of an array. */
    public static double[] weights(Endpoint[] endpoints) {
        double[] weights = new double[endpoints.length];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = endpoints[i].weight();
        }
        return weights;
    }

    /** The largest effective weight; 0 for an empty array. */
    public static double maxWeight(Endpoint[] endpoints) {
        double max = 0;
        for (Endpoint e : endpoints) {
            max = Math.max(max, e.weight());
        }
        return max;
    }

    /**
     * Requests in flight to the backend across the fleet: this instance's own count, never below 0,
     * plus the other instances' as of their last fresh reports ({@link BackendLoad#remoteInFlight()},
     * 0 without a shared load view). This is the one place every load-aware strategy reads in-flight
     * load (p2c-least-request, least-connections, peak EWMA's {@code cost * (inFlight + 1)}), so the
     * shared view reaches all of them: two opaque int loads from the same cache line, no allocation.
     *
     * <p>The own count goes negative only when a caller ends a request it never started (or ends
     * one twice); read raw, such a backend would look like a bargain and draw a burst of requests,
     * so every strategy reads it as idle instead. The sum cannot overflow in practice (both terms
     * are request counts); it is computed in long and clamped anyway.
     *
     * <p>Worked example: this instance has 2 in flight to b1 and 0 to b2; two peers last reported
     * 5 and 3 to b1 and 1 to b2: b1 reads 10, b2 reads 1, and p2c sends the request to b2 though
     * locally b1 looks only twice as busy.
     */
    public static int inFlight(BackendLoad load) {
        long sum = (long) Math.max(0, load.inFlight()) + load.remoteInFlight();
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }

    /** A uniformly random element of a non-empty array, one draw of {@code random}. */
    public static Endpoint anyOf(Endpoint[] endpoints, RandomGenerator random) {
        return endpoints[random.nextInt(endpoints.length)];
    }

    /** Whether every endpoint of {@code endpoints} is in {@code tried}: O(1) unless it has as many. */
    public static boolean allTried(Endpoint[] endpoints, Tried tried) {
        if (tried.size() < endpoints.length) {
            return false;
        }
        for (Endpoint e : endpoints) {
            if (!tried.contains(e)) {
                return false;
            }
        }
        return true;
    }

    /** Draws before {@link #anyUntried} counts the untried endpoints instead. */
    private static final int REDRAWS = 8;

    /**
     * A uniformly random element not in {@code tried}, or null when every one was tried: the
     * keyless or fallback choice of a retry. Redraws while the draw lands on a tried endpoint (a
     * retry has tried one or two of many), then, should all {@value #REDRAWS} draws miss, counts
     * the untried ones and draws among them: uniform either way, O(1) expected, O(n) at worst.
     */
    public static Endpoint anyUntried(Endpoint[] endpoints, Tried tried, RandomGenerator random) {
        int n = endpoints.length;
        for (int attempt = 0; attempt < REDRAWS; attempt++) {
            Endpoint e = endpoints[random.nextInt(n)];
            if (!tried.contains(e)) {
                return e;
            }
        }
        int left = 0;
        for (Endpoint e : endpoints) {
            if (!tried.contains(e)) {
                left++;
            }
        }
        if (left == 0) {
            return null;
        }
        int k = random.nextInt(left);
        for (Endpoint e : endpoints) {
            if (!tried.contains(e) && k-- == 0) {
                return e;
            }
        }
        throw new AssertionError("unreachable: " + left + " untried endpoints counted");
    }
}
