package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Prober;
import io.sluice.algorithms.Tried;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Prequal's pool of recent probe answers, and the hot-cold lexicographic (HCL) rule that picks a
 * backend from it (Wydrowski, Kleinberg, Rumble, Mogul, "Load is not what you should balance:
 * Introducing Prequal", NSDI 2024, sections 3 and 4).
 *
 * <h2>Pool</h2>
 * A fixed number of slots (the paper keeps 16). An answer goes into, in this order of preference:
 * the slot already holding a probe of the same backend (fresher news replaces older news, so one
 * fast-answering backend cannot crowd the pool), an empty slot, a slot whose probe has expired or
 * spent its reuse budget, and otherwise the slot of the oldest probe. A probe leaves the pool when
 * it is older than {@code maxAgeNanos} (measured from its arrival) or is replaced.
 *
 * <h2>HCL rule</h2>
 * Let R be the effective RIFs ({@link Probe#effectiveRequestsInFlight()}) of every fresh probe in
 * the pool whose backend is available to the calling picker, spent ones included (they are still
 * good evidence of how loaded the fleet is). The threshold is the nearest-rank {@code q}-quantile of
 * R: sort R ascending and take the element of rank {@code ceil(q * |R|)} (at least 1). A probe is
 * <em>hot</em> when its RIF is above the threshold, <em>cold</em> otherwise. Among the probes with
 * reuse budget left: the cold one with the lowest latency (ties: lower RIF), or, when every one of
 * them is hot, the one with the lowest RIF (ties: lower latency).
 *
 * <p>Worked example, q = 0.84, 16 fresh probes: rank = ceil(13.44) = 14, so the threshold is the
 * 14th smallest RIF and at most the two probes above it are hot; we then chase latency among the
 * other 14. With RIFs {1, 2, 3, 9}, q = 0.75: rank 3, threshold 3, the backend with RIF 9 is hot
 * and the fastest of the other three wins. "All hot" happens when the cold probes have been spent
 * by earlier picks but still count in R.
 *
 * <p>Prequal keeps one pool per thread stripe (see {@link Prequal}), so picking threads do not
 * contend on its slots; answers may still arrive on any thread.
 *
 * <p>A retry's pick passes over probes of tried backends without spending them: they still count
 * in R (the fleet's load did not change because this request was refused there) but are not
 * candidates.
 *
 * <p>Thread safety: every method may be called from any thread at once. Slots are an
 * {@link AtomicReferenceArray} of immutable probes replaced by CAS; a probe's only mutable part is
 * its use count, claimed by CAS. {@link #select} is lock-free: it reads each slot once, and if it
 * loses the race for a probe's last use it drops that probe and chooses again among the rest. An
 * answer that loses {@value #OFFER_ATTEMPTS} slot races in a row is dropped, which is no worse
 * than a lost probe.
 */
final class ProbePool implements Prober.ProbeSink {
    static final int OFFER_ATTEMPTS = 4;

    // Slot preference when placing an answer: lower is better.
    private static final int SAME_BACKEND = 0;
    private static final int EMPTY = 1;
    private static final int USED_UP = 2;
    private static final int LIVE = 3;

    private final AtomicReferenceArray<Probe> slots;
    private final long maxAgeNanos;
    private final int reuseBudget;
    private final double rifQuantile;

    ProbePool(int size, long maxAgeNanos, int reuseBudget, double rifQuantile) {
        if (size < 1) {
            throw new IllegalArgumentException("probe pool size must be >= 1, got " + size);
        }
        if (maxAgeNanos < 0) {
            throw new IllegalArgumentException("max probe age must be >= 0 ns, got " + maxAgeNanos);
        }
        if (reuseBudget < 1) {
            throw new IllegalArgumentException("probe reuse budget must be >= 1, got " + reuseBudget);
        }
        if (!(rifQuantile >= 0 && rifQuantile <= 1)) {
            throw new IllegalArgumentException("RIF quantile must be in [0, 1], got " + rifQuantile);
        }
        this.slots = new AtomicReferenceArray<>(size);
        this.maxAgeNanos = maxAgeNanos;
        this.reuseBudget = reuseBudget;
        this.rifQuantile = rifQuantile;
    }

    /** A probe answer: may come from any thread, at any time, for a backend that has since left. */
    @Override
    public void onProbe(Endpoint endpoint, int requestsInFlight, long latencyNanos, long nowNanos) {
        if (endpoint == null) {
            return;
        }
        offer(new Probe(endpoint.load(), requestsInFlight, latencyNanos, nowNanos));
    }

    void offer(Probe fresh) {
        for (int attempt = 0; attempt < OFFER_ATTEMPTS; attempt++) {
            int victim = -1;
            Probe victimValue = null;
            int victimRank = Integer.MAX_VALUE;
            for (int i = 0, m = slots.length(); i < m; i++) {
                Probe p = slots.get(i);
                int rank;
                if (p == null) {
                    rank = EMPTY;
                } else if (p.load == fresh.load) {
                    if (p.arrivedNanos - fresh.arrivedNanos > 0) {
                        return; // a late answer: the pool already has newer news of this backend
                    }
                    rank = SAME_BACKEND;
                } else if (p.spent(reuseBudget) || p.expired(fresh.arrivedNanos, maxAgeNanos)) {
                    rank = USED_UP;
                } else {
                    rank = LIVE;
                }
                boolean better = rank < victimRank
                        || (rank == victimRank && rank != EMPTY && p.arrivedNanos - victimValue.arrivedNanos < 0);
                if (better) {
                    victim = i;
                    victimValue = p;
                    victimRank = rank;
                    if (rank == SAME_BACKEND) {
                        break;
                    }
                }
            }
            if (slots.compareAndSet(victim, victimValue, fresh)) {
                return;
            }
        }
    }

    /** Which endpoint, if any, a probe stands for in the calling picker's snapshot. */
    @FunctionalInterface
    interface Members {
        /** The available endpoint of {@code probe}'s backend, or null when it is not available. */
        Endpoint of(Probe probe);
    }

    /** Per-thread work arrays of {@link #select}, so a pick allocates nothing. */
    private static final class Scratch {
        Probe[] candidates = new Probe[16];
        Endpoint[] endpoints = new Endpoint[16];
        int[] candidateRif = new int[16];
        int[] sample = new int[16];

        Scratch fit(int m) {
            if (candidates.length < m) {
                candidates = new Probe[m];
                endpoints = new Endpoint[m];
                candidateRif = new int[m];
                sample = new int[m];
            }
            return this;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /**
     * Applies the HCL rule for a picker whose available endpoints are {@code members} (keyed by
     * their load objects) and spends one use of the chosen probe.
     *
     * @return the chosen endpoint, or null when no fresh, unspent probe of an available backend exists
     */
    Endpoint select(Map<BackendLoad, Endpoint> members, long nowNanos) {
        return select(p -> members.get(p.load), nowNanos, Tried.NONE);
    }

    /**
     * The HCL rule over the probes whose backends {@code members} knows and {@code tried} does
     * not hold; spends one use of the chosen probe.
     *
     * @return the chosen endpoint, or null when no fresh, unspent probe of such a backend exists
     */
    Endpoint select(Members members, long nowNanos, Tried tried) {
        int m = slots.length();
        Scratch scratch = SCRATCH.get().fit(m);
        Probe[] candidates = scratch.candidates;
        Endpoint[] endpoints = scratch.endpoints;
        int[] candidateRif = scratch.candidateRif;
        int[] sample = scratch.sample;
        int k = 0;
        int s = 0;
        for (int i = 0; i < m; i++) {
            Probe p = slots.get(i);
            if (p == null) {
                continue;
            }
            if (p.expired(nowNanos, maxAgeNanos)) {
                slots.compareAndSet(i, p, null);
                continue;
            }
            Endpoint e = members.of(p);
            if (e == null) {
                continue; // left, or not available in this snapshot
            }
            int rif = p.effectiveRequestsInFlight();
            sample[s++] = rif;
            if (!p.spent(reuseBudget) && (tried.isEmpty() || !tried.contains(p.load))) {
                candidates[k] = p;
                endpoints[k] = e;
                candidateRif[k] = rif;
                k++;
            }
        }
        if (k == 0) {
            return null;
        }
        sortSmall(sample, s);
        int threshold = rifThreshold(sample, s, rifQuantile);
        int found = k;
        while (k > 0) {
            int best = hotColdChoice(candidates, candidateRif, k, threshold);
            if (candidates[best].tryUse(reuseBudget)) {
                Endpoint chosen = endpoints[best];
                Arrays.fill(candidates, 0, found, null); // let go of probes the pool may drop
                Arrays.fill(endpoints, 0, found, null);
                return chosen;
            }
            // Another thread spent its last use between our read and our claim: choose again without it.
            k--;
            candidates[best] = candidates[k];
            endpoints[best] = endpoints[k];
            candidateRif[best] = candidateRif[k];
        }
        Arrays.fill(candidates, 0, found, null);
        Arrays.fill(endpoints, 0, found, null);
        return null;
    }

    /**
     * Sorts {@code values[0..count)} ascending: insertion sort for a pool-sized sample (16 by
     * default, where {@link Arrays#sort}'s dispatch cost more than the sorting itself), the JDK's
     * sort beyond 32.
     */
    static void sortSmall(int[] values, int count) {
        if (count > 32) {
            Arrays.sort(values, 0, count);
            return;
        }
        for (int i = 1; i < count; i++) {
            int v = values[i];
            int j = i - 1;
            while (j >= 0 && values[j] > v) {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = v;
        }
    }

    /** Index of the HCL choice among the first {@code k} candidates. */
    private static int hotColdChoice(Probe[] candidates, int[] rif, int k, int threshold) {
        int bestCold = -1;
        int bestHot = -1;
        for (int j = 0; j < k; j++) {
            if (rif[j] <= threshold) {
                if (bestCold < 0 || lowerLatency(candidates[j], rif[j], candidates[bestCold], rif[bestCold])) {
                    bestCold = j;
                }
            } else if (bestHot < 0 || rif[j] < rif[bestHot]
                    || (rif[j] == rif[bestHot] && candidates[j].latencyNanos < candidates[bestHot].latencyNanos)) {
                bestHot = j;
            }
        }
        return bestCold >= 0 ? bestCold : bestHot;
    }

    private static boolean lowerLatency(Probe a, int rifA, Probe b, int rifB) {
        return a.latencyNanos < b.latencyNanos || (a.latencyNanos == b.latencyNanos && rifA < rifB);
    }

    /**
     * The nearest-rank {@code q}-quantile of {@code sorted[0..count)}, ascending, count &gt;= 1:
     * the element of rank {@code ceil(q * count)}, clamped to [1, count]. The tiny epsilon keeps a
     * product that should be whole (0.75 * 4) from rounding up past it.
     */
    static int rifThreshold(int[] sorted, int count, double q) {
        int rank = (int) Math.ceil(q * count - 1e-9);
        rank = Math.max(1, Math.min(count, rank));
        return sorted[rank - 1];
    }

    /** Probes currently held, fresh or not (tests, admin pages). */
    int size() {
        int n = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                n++;
            }
        }
        return n;
    }
}
