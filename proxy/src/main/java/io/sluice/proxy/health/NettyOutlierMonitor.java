package io.sluice.proxy.health;

import io.netty.util.concurrent.EventExecutor;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.health.OutlierDetector;
import io.sluice.algorithms.health.OutlierEvent;
import io.sluice.algorithms.health.RequestOutcome;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;

/**
 * {@link PassiveOutlierMonitor} over an {@link OutlierDetector}. The timers and the listener are
 * confined to {@link #executor}; the detector is thread-safe on its own.
 */
final class NettyOutlierMonitor implements PassiveOutlierMonitor {
    private final OutlierDetector detector;
    private final EventExecutor executor;
    private final LongSupplier clock;
    private final OutlierListener listener;
    private final TaskScheduler scheduler;
    private final CompletableFuture<Void> stoppedFuture = new CompletableFuture<>();
    private volatile boolean stopped;

    // Confined to the executor.
    private TaskScheduler.Cancellable sweepTimer = TaskScheduler.NOTHING;
    private TaskScheduler.Cancellable restoreTimer = TaskScheduler.NOTHING;
    private long restoreTimerAt = Long.MAX_VALUE;

    NettyOutlierMonitor(OutlierConfig config, Collection<String> backendIds, EventExecutor executor,
                        LongSupplier clock, OutlierListener listener, TaskScheduler scheduler) {
        this.detector = OutlierDetector.create(config, backendIds, clock.getAsLong());
        this.executor = executor;
        this.clock = clock;
        this.listener = listener;
        this.scheduler = scheduler;
    }

    void start() {
        onExecutor(this::scheduleSweep);
    }

    @Override
    public void onResponse(String backendId, int status, long latencyNanos) {
        report(backendId, RequestOutcome.ofHttpStatus(status), latencyNanos);
    }

    @Override
    public void onFailure(String backendId, UpstreamFailure failure, long latencyNanos) {
        report(backendId, RequestOutcome.LOCAL_ORIGIN_FAILURE, latencyNanos);
    }

    private void report(String backendId, RequestOutcome outcome, long latencyNanos) {
        if (stopped) {
            return;
        }
        List<OutlierEvent> events = detector.record(backendId, outcome, latencyNanos, clock.getAsLong());
        if (!events.isEmpty()) {
            onExecutor(() -> deliver(events));
        }
    }

    @Override
    public void update(Collection<String> backendIds) {
        detector.setBackends(backendIds, clock.getAsLong());
    }

    @Override
    public boolean isEjected(String backendId) {
        return detector.isEjected(backendId);
    }

    @Override
    public OutlierDetector detector() {
        return detector;
    }

    @Override
    public CompletableFuture<Void> stop() {
        if (!stopped) {
            stopped = true;
            boolean queued = onExecutor(() -> {
                sweepTimer.cancel();
                restoreTimer.cancel();
                stoppedFuture.complete(null);
            });
            if (!queued) {
                stoppedFuture.complete(null);
            }
        }
        return stoppedFuture;
    }

    private void scheduleSweep() {
        if (!stopped) {
            sweepTimer = scheduler.schedule(executor, this::sweep, detector.config().intervalNanos());
        }
    }

    private void sweep() {
        if (stopped) {
            return;
        }
        deliver(detector.evaluate(clock.getAsLong()));
        scheduleSweep();
    }

    private void restoreNow() {
        restoreTimerAt = Long.MAX_VALUE;
        if (!stopped) {
            deliver(detector.restoreDue(clock.getAsLong()));
        }
    }

    /** On the executor: tells the listener, then sets the restore timer for the earliest ejection's end. */
    private void deliver(List<OutlierEvent> events) {
        if (stopped) {
            return;
        }
        for (OutlierEvent e : events) {
            try {
                listener.onOutlierEvent(e, detector.isEjected(e.backendId()));
            } catch (RuntimeException ignored) {
                // A faulty listener must not stop detection; the detector's state stays queryable.
            }
        }
        Optional<Long> next = detector.nextRestoreAtNanos();
        if (next.isPresent() && next.get() < restoreTimerAt) {
            restoreTimer.cancel();
            restoreTimerAt = next.get();
            restoreTimer = scheduler.schedule(executor, this::restoreNow, next.get() - clock.getAsLong());
        }
    }

    /** Runs {@code task} on the executor (inline when already there); false if the executor is shut down. */
    private boolean onExecutor(Runnable task) {
        if (executor.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            executor.execute(task);
            return true;
        } catch (RejectedExecutionException shutDown) {
            return false;
        }
    }
}
