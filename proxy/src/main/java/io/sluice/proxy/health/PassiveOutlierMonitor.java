package io.sluice.proxy.health;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Passive outlier detection for one cluster: the thread-safe glue between the data path and an
 * {@link OutlierDetector}. The data path reports how each upstream attempt ended; consecutive
 * failure rules trip inline on the reporting thread (one compare-and-set per report); a periodic
 * sweep every {@link OutlierConfig#intervalNanos()} runs the latency rule and decays back-off, and
 * a timer set at the earliest ejection's end restores backends on time. Everything the detector
 * does is delivered to the {@link OutlierListener} on one executor, in order.
 *
 * <p>Reporting is cheap and never blocks: a report that changes nothing allocates nothing beyond
 * the detector's own state record, and one that ejects hands the event to the executor.
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public interface PassiveOutlierMonitor {

    /**
     * Starts a monitor on the system clock.
     *
     * @param executor where the sweep, the restore timer and the listener run: one event loop
     */
    static PassiveOutlierMonitor start(OutlierConfig config, Collection<String> backendIds, EventExecutor executor,
                                       OutlierListener listener) {
        return start(config, backendIds, executor, System::nanoTime, listener);
    }

    /** Starts a monitor on the given monotonic nanosecond clock. */
    static PassiveOutlierMonitor start(OutlierConfig config, Collection<String> backendIds, EventExecutor executor,
                                       LongSupplier nanoClock, OutlierListener listener) {
        NettyOutlierMonitor m = new NettyOutlierMonitor(Objects.requireNonNull(config, "config"), backendIds,
                Objects.requireNonNull(executor, "executor"), Objects.requireNonNull(nanoClock, "nanoClock"),
                Objects.requireNonNull(listener, "listener"), TaskScheduler.NETTY);
        m.start();
        return m;
    }

    /**
     * An upstream attempt got a response with this status: 5xx counts against the backend
     * (502/503/504 also as gateway failures), anything else resets its failure counts.
     *
     * @param latencyNanos time from sending the request to the response header (feeds the latency rule)
     */
    void onResponse(String backendId, int status, long latencyNanos);

    /** An upstream attempt failed without a response; counts against the backend. */
    void onFailure(String backendId, UpstreamFailure failure, long latencyNanos);

    /** Replaces the membership (see {@link OutlierDetector#setBackends}). */
    void update(Collection<String> backendIds);

    /** True while the backend is ejected. */
    boolean isEjected(String backendId);

    /** The detector, for status and statistics (read-only use). */
    OutlierDetector detector();

    /**
     * Cancels the sweep and restore timers; reports afterwards are ignored and the listener is not
     * called again. The future completes once that is done on the executor (at once if it is shut
     * down). Idempotent.
     */
    CompletableFuture<Void> stop();
}
