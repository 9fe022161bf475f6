package io.sluice.proxy.health;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Where the health components get their timers. Production uses the event loops' own timers
 * ({@link #NETTY}); tests substitute a virtual clock so that intervals, timeouts and sweeps are
 * decided by the test, not by the wall clock.
 */
interface TaskScheduler {

    /** Cancels a scheduled task; cancelling twice or after it ran does nothing. */
    interface Cancellable {
        void cancel();
    }

    Cancellable NOTHING = () -> { };

    /** Runs {@code task} on {@code executor} after {@code delayNanos}; a shut-down executor schedules nothing. */
    Cancellable schedule(EventExecutor executor, Runnable task, long delayNanos);

    /** The executor's own timer. */
    TaskScheduler NETTY = (executor, task, delayNanos) -> {
        try {
            ScheduledFuture<?> f = executor.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            return () -> f.cancel(false);
        } catch (RejectedExecutionException shuttingDown) {
            return NOTHING;
        }
    };
}
