package io.sluice.algorithms.strategy;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.Hashing;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.algorithms.internal.Indices;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Weighted least connections: a full scan for the lowest {@code (inFlight + 1) / weight}, ties
 * broken uniformly at random.
 *
 * <p>The score is the load a backend would carry per unit of weight if it took this request, the
 * key of HAProxy's {@code leastconn} ({@code fwlc_queue_srv} in {@code lb_fwlc.c}:
 * {@code (inflight + 1) * SRV_EWGHT_MAX / eweight}). HAProxy gives idle servers the key 0 whatever
 * their weight and rotates among them; the {@code + 1} is kept here for idle backends too, so an
 * idle backend of weight 3 (score 1/3) is preferred to an idle one of weight 1 (score 1), which
 * sends the first requests of a burst where there is most capacity.
 *
 * <p>Worked example: a (weight 1, 1 in flight) scores 2; b (weight 3, 3 in flight) scores 4/3;
 * c (weight 2, 2 in flight) scores 3/2. b is picked, though it has the most requests in flight.
 *
 * <p>Fair ties: without care a scan always returns the first of several equally loaded backends,
 * and a fleet of proxies would all pile onto it. The scan starts at a random position and keeps
 * the {@code k}-th tie it meets with probability {@code 1/k} (reservoir sampling with a reservoir
 * of one), which leaves every tied backend chosen with probability exactly 1/(number of ties). The
 * per-tie coins come from a SplitMix64-style sequence seeded by one draw of the environment's
 * random source per pick, so a seeded environment reproduces picks and a pick costs one draw
 * however many ties there are.
 *
 * <p>A negative in-flight count (a caller that ended a request twice) counts as 0, as in every
 * strategy ({@link Endpoints#inFlight}): read raw, it would make that backend a bargain that wins
 * every scan until its count climbs back.
 *
 * <p>Concurrency: in-flight counts are read one by one while other threads change them, so the
 * result is the least loaded backend of a scan, not of an instant; the random start keeps
 * concurrent scans from all favouring the same early backends. O(n) per pick.
 */
final class LeastConnectionsPicker implements Picker {
    /** The SplitMix64 increment (2^64 / golden ratio), an odd constant that visits every long. */
    private static final long GAMMA = 0x9e3779b97f4a7c15L;

    private final Endpoint[] endpoints;
    private final BackendLoad[] loads;
    private final double[] weights;
    private final RandomGenerator random;

    LeastConnectionsPicker(List<Endpoint> endpoints, RandomGenerator random) {
        this.endpoints = endpoints.toArray(new Endpoint[0]);
        int n = this.endpoints.length;
        this.loads = new BackendLoad[n];
        this.weights = new double[n];
        for (int i = 0; i < n; i++) {
            loads[i] = this.endpoints[i].load();
            weights[i] = this.endpoints[i].weight();
        }
        this.random = random;
    }

    static LeastConnectionsPicker over(List<Endpoint> available, Environment env) {
        return new LeastConnectionsPicker(available, env.random());
    }

    @Override
    public Endpoint pick(RequestContext ctx) {
        int n = endpoints.length;
        long seed = random.nextLong();
        int i = Indices.multiplyShift(seed >>> 32, n);
        int best = i;
        double bestScore = Double.POSITIVE_INFINITY;
        int ties = 0;
        for (int k = 0; k < n; k++, i = i + 1 == n ? 0 : i + 1) {
            double score = (Endpoints.inFlight(loads[i]) + 1.0) / weights[i];
            if (score < bestScore) {
                bestScore = score;
                best = i;
                ties = 1;
            } else if (score == bestScore) {
                ties++;
                seed += GAMMA;
                // The top 32 bits of a mixed word, mapped onto [0, ties) by multiply-shift: the
                // bias, at most ties/2^32, is far below anything a tie-break could show.
                if (Indices.multiplyShift(Hashing.mix64(seed) >>> 32, ties) == 0) {
                    best = i;
                }
            }
        }
        return endpoints[best];
    }

    @Override
    public String toString() {
        return "LeastConnectionsPicker{" + endpoints.length + " endpoints}";
    }
}
