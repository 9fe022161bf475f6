package io.sluice.algorithms;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The live load signals of one backend, updated by whoever sends it requests (the proxy's data
 * path, the simulator's event loop) and read by pickers: requests in flight, a peak-EWMA latency,
 * the last utilisation the server reported, and completed and failed counts. One instance lives as
 * long as the backend id is a member of its {@link LoadBalancer}, across picker rebuilds and
 * weight changes. Instances come from a {@link LoadSignals}, which decides who may write them.
 *
 * <h2>Layout</h2>
 * Everything a pick reads (in-flight count, EWMA cost and stamp, utilisation and its stamp) is a
 * plain field of this one object, so a picker that holds an array of loads reaches every signal of
 * a candidate with one dependent load: the array slot, then this object's first cache line. (The
 * previous layout kept the count in an {@code AtomicInteger} and the EWMA in a separate object:
 * three or four dependent cache misses per candidate at 1000 backends.) Pickers read with opaque
 * {@link VarHandle} accesses, which on x86 and ARM compile to plain loads and never tear a
 * {@code long} or {@code double}.
 *
 * <h2>Two writers</h2>
 * <ul>
 *   <li>{@link LoadSignals#threadSafe(long)}: any thread may call every method; the in-flight count
 *       is an atomic add, completed and failed counts are {@link java.util.concurrent.atomic.LongAdder}s,
 *       an EWMA sample updates cost and stamp under this object's monitor. The proxy's event loops
 *       use these.</li>
 *   <li>{@link LoadSignals#singleWriter(long)}: one thread at a time calls the mutators, with
 *       plain arithmetic and no fences; readers on the same thread see everything at once. The
 *       simulator's single-threaded engine uses these.</li>
 * </ul>
 * Both compute the same numbers for the same calls: a simulation gives the same result with either.
 *
 * <p>Protocol: call {@link #onRequestStart()} once when a request is sent and
 * {@link #onRequestEnd(long, long, boolean)} exactly once when it ends, however it ends.
 */
public abstract sealed class BackendLoad permits ConcurrentBackendLoad, SingleWriterBackendLoad {
    /**
     * Told of every change of a backend's requests in flight, on the thread that made it, right
     * after the change (and after the latency sample, for an end). Strategies that keep an index
     * over their backends (least connections, response-time weighted, join-idle-queue) listen this
     * way instead of scanning on every pick. Must be quick and must not throw.
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * @param load     the backend whose count changed
         * @param inFlight its count just after the change (may already be stale when read by a
         *                 concurrent caller: re-read {@link BackendLoad#inFlight()} if it matters)
         */
        void onInFlightChange(BackendLoad load, int inFlight);
    }

    static final VarHandle IN_FLIGHT;
    static final VarHandle LATENCY;
    static final VarHandle LATENCY_STAMP;
    static final VarHandle UTILISATION;
    static final VarHandle UTILISATION_STAMP;
    static final VarHandle REMOTE_IN_FLIGHT;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            IN_FLIGHT = lookup.findVarHandle(BackendLoad.class, "inFlight", int.class);
            LATENCY = lookup.findVarHandle(BackendLoad.class, "latency", double.class);
            LATENCY_STAMP = lookup.findVarHandle(BackendLoad.class, "latencyStamp", long.class);
            UTILISATION = lookup.findVarHandle(BackendLoad.class, "utilisation", double.class);
            UTILISATION_STAMP = lookup.findVarHandle(BackendLoad.class, "utilisationStamp", long.class);
            REMOTE_IN_FLIGHT = lookup.findVarHandle(BackendLoad.class, "remoteInFlight", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The signals a pick reads, together. Written by the subclass, read through the VarHandles.
    int inFlight;
    /** Other balancer instances' requests in flight to this backend, as of their last reports. */
    int remoteInFlight;
    double latency;
    long latencyStamp;
    double utilisation = Double.NaN;
    long utilisationStamp;
    final double tauNanos;
    volatile Listener listener;

    BackendLoad(long ewmaDecayNanos, long nowNanos) {
        if (ewmaDecayNanos <= 0) {
            throw new IllegalArgumentException("EWMA decay time must be > 0 ns, got " + ewmaDecayNanos);
        }
        this.tauNanos = ewmaDecayNanos;
        this.latencyStamp = nowNanos;
    }

    /** A request was sent to this backend. */
    public abstract void onRequestStart();

    /**
     * A request sent to this backend ended after {@code latencyNanos}; {@code success} is false for
     * errors, resets and timeouts. Failed requests still feed the latency EWMA: a backend that fails
     * slowly is slow. The EWMA follows {@link PeakEwma}'s rule.
     */
    public abstract void onRequestEnd(long nowNanos, long latencyNanos, boolean success);

    /** Requests that ended successfully. */
    public abstract long completed();

    /** Requests that ended in an error, reset or timeout. */
    public abstract long failed();

    /** The group this load belongs to: its writer discipline, its decay time, the total in flight. */
    public abstract LoadSignals signals();

    /**
     * Server-reported utilisation in [0, 1] (CPU, queue occupancy: whatever the Node Manager
     * reports), and when it was reported. Values outside [0, 1] are clamped; NaN is refused.
     * Value and stamp are two writes: a pick racing a report may pair the new value with the old
     * stamp, which misjudges freshness once by one report interval.
     */
    public final void reportUtilisation(double value, long nowNanos) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("utilisation must be a number in [0, 1], got NaN");
        }
        UTILISATION.setOpaque(this, Math.min(1.0, Math.max(0.0, value)));
        UTILISATION_STAMP.setOpaque(this, nowNanos);
    }

    /**
     * Sets the requests other balancer instances have in flight to this backend, summed over their
     * last fresh reports (the shared load view, docs/kafka.md), and tells the {@link Listener} so an
     * index over the backends re-reads the backend's load. Strategies read local plus remote through
     * one function ({@code internal.Endpoints#inFlight}); {@link #inFlight()} stays this instance's
     * own count, which is what an instance publishes (publishing the sum would echo peers' load back
     * to them). Called by whoever keeps the view (the proxy's Kafka consumer thread, the simulator's
     * engine); one writer at a time.
     *
     * @param requests the sum over the other instances, &gt;= 0 (0 when no fresh report is left)
     * @throws IllegalArgumentException when negative
     */
    public final void setRemoteInFlight(int requests) {
        if (requests < 0) {
            throw new IllegalArgumentException("remote in-flight requests must be >= 0, got " + requests);
        }
        if ((int) REMOTE_IN_FLIGHT.getOpaque(this) == requests) {
            return;
        }
        REMOTE_IN_FLIGHT.setOpaque(this, requests);
        notifyListener(inFlight());
    }

    /** Other instances' requests in flight to this backend, as last set by {@link #setRemoteInFlight}; 0 if never. */
    public final int remoteInFlight() {
        return (int) REMOTE_IN_FLIGHT.getOpaque(this);
    }

    /** Requests sent and not yet ended. Never negative when the protocol above is kept. */
    public final int inFlight() {
        return (int) IN_FLIGHT.getOpaque(this);
    }

    /**
     * The peak-EWMA latency as of {@code nowNanos}, decayed for the time since the last sample
     * ({@link PeakEwma#decayed}); 0 before any sample.
     */
    public final double latencyNanos(long nowNanos) {
        return PeakEwma.decayed((double) LATENCY.getOpaque(this), nowNanos - (long) LATENCY_STAMP.getOpaque(this),
                tauNanos);
    }

    /**
     * When the last latency sample was observed (the creation time before any), on the caller's
     * clock. Between two instants at or after their stamps, every load of the same decay time
     * decays by the same factor, so several of them read at the latest of their stamps are ordered
     * as they would be now: a picker can compare them without reading a clock.
     */
    public final long latencyStampNanos() {
        return (long) LATENCY_STAMP.getOpaque(this);
    }

    /** The EWMA at the last sample, without decay: what an admin page shows. */
    public final double lastLatencyNanos() {
        return (double) LATENCY.getOpaque(this);
    }

    /** The EWMA's decay time constant tau, in nanoseconds. */
    public final long latencyDecayNanos() {
        return (long) tauNanos;
    }

    /** The last reported utilisation in [0, 1], or NaN if none was ever reported. */
    public final double utilisation() {
        return (double) UTILISATION.getOpaque(this);
    }

    /** When the last utilisation was reported, on the caller's clock; meaningless while it is NaN. */
    public final long utilisationStampNanos() {
        return (long) UTILISATION_STAMP.getOpaque(this);
    }

    /**
     * Sets the one {@link Listener} told of every change of the in-flight count, replacing any
     * previous one; null removes it. One strategy serves one load balancer, so one slot is enough.
     */
    public final void setListener(Listener newListener) {
        this.listener = newListener;
    }

    /** The current listener, or null. */
    public final Listener listener() {
        return listener;
    }

    final void notifyListener(int inFlightNow) {
        Listener l = listener;
        if (l != null) {
            l.onInFlightChange(this, inFlightNow);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{inFlight=" + inFlight() + ", completed=" + completed() + ", failed="
                + failed() + ", remoteInFlight=" + remoteInFlight() + ", ewmaMs=" + lastLatencyNanos() / 1e6 + ", util=" + utilisation() + "}";
    }
}
