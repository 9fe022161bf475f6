package io.sluice.algorithms.probing;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One probe answer held in a {@link ProbePool}: which backend answered (identified by its
 * {@link BackendLoad}, which lives as long as the backend is a member), its requests in flight and
 * latency estimate, when the answer arrived, and how many picks have used it so far.
 *
 * <p>A probe sent by a picker also remembers the endpoint it was sent to and that picker's
 * endpoint array ({@link #owner}): while the same picker is in use, a pick recognises its own
 * probes by one reference comparison instead of looking the backend up in a map.
 *
 * <p>Everything but the use count is final. The use count only grows, by CAS, so two threads can
 * never both spend the last use of a probe.
 */
final class Probe {
    private static final VarHandle USES;

    static {
        try {
            USES = MethodHandles.lookup().findVarHandle(Probe.class, "uses", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final BackendLoad load;
    /** The endpoint probed, or null when the answer came without one. */
    final Endpoint endpoint;
    /** The available-endpoint array of the picker that sent the probe, or null. */
    final Object owner;
    final int requestsInFlight;
    final long latencyNanos;
    final long arrivedNanos;
    @SuppressWarnings("unused") // written through USES
    private volatile int uses;

    Probe(BackendLoad load, int requestsInFlight, long latencyNanos, long arrivedNanos) {
        this(load, null, null, requestsInFlight, latencyNanos, arrivedNanos);
    }

    Probe(BackendLoad load, Endpoint endpoint, Object owner, int requestsInFlight, long latencyNanos,
          long arrivedNanos) {
        this.load = load;
        this.endpoint = endpoint;
        this.owner = owner;
        this.requestsInFlight = Math.max(0, requestsInFlight);
        this.latencyNanos = Math.max(0, latencyNanos);
        this.arrivedNanos = arrivedNanos;
    }

    int uses() {
        return uses;
    }

    /**
     * The RIF this probe stands for now: what the backend reported plus one for every request this
     * balancer has sent there on the strength of this very probe, which the answer cannot know of.
     * Saturates instead of overflowing.
     */
    int effectiveRequestsInFlight() {
        int rif = requestsInFlight + uses;
        return rif < 0 ? Integer.MAX_VALUE : rif;
    }

    /** Claims one use; false when {@code budget} uses are already spent (possibly by another thread just now). */
    boolean tryUse(int budget) {
        for (;;) {
            int u = uses;
            if (u >= budget) {
                return false;
            }
            if (USES.compareAndSet(this, u, u + 1)) {
                return true;
            }
        }
    }

    boolean spent(int budget) {
        return uses >= budget;
    }

    /** Older than {@code maxAgeNanos} at {@code nowNanos}. An answer stamped in the future counts as fresh. */
    boolean expired(long nowNanos, long maxAgeNanos) {
        return nowNanos - arrivedNanos > maxAgeNanos;
    }

    @Override
    public String toString() {
        return "Probe{rif=" + requestsInFlight + ", latencyNs=" + latencyNanos + ", at=" + arrivedNanos + ", uses="
                + uses + "}";
    }
}
