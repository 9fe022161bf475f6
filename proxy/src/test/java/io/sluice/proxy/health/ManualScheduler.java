package io.sluice.proxy.health;

import io.netty.util.concurrent.EventExecutor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Virtual time for the health components: tasks wait in a list until the test advances the
 * clock, then run on the executor they were scheduled for (so the event-loop confinement of the
 * production code holds in tests too).
 */
final class ManualScheduler implements TaskScheduler {

    /** One scheduled task; {@code delayNanos} is what the code asked for. */
    static final class Task {
        final long dueNanos;
        final long delayNanos;
        final EventExecutor executor;
        final Runnable body;
        volatile boolean cancelled;
        volatile boolean ran;

        Task(long dueNanos, long delayNanos, EventExecutor executor, Runnable body) {
            this.dueNanos = dueNanos;
            this.delayNanos = delayNanos;
            this.executor = executor;
            this.body = body;
        }
    }

    private final List<Task> tasks = new ArrayList<>();
    private volatile long now;

    long now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(EventExecutor executor, Runnable task, long delayNanos) {
        Task t = new Task(now + delayNanos, delayNanos, executor, task);
        tasks.add(t);
        return () -> t.cancelled = true;
    }

    /** Tasks neither run nor cancelled, earliest first. */
    synchronized List<Task> pending() {
        List<Task> out = new ArrayList<>();
        for (Task t : tasks) {
            if (!t.cancelled && !t.ran) {
                out.add(t);
            }
        }
        out.sort(Comparator.comparingLong(t -> t.dueNanos));
        return out;
    }

    /** Advances the clock to the earliest pending task and hands it to its executor; returns it. */
    Task fireNext() {
        Task t;
        synchronized (this) {
            List<Task> p = pending();
            if (p.isEmpty()) {
                throw new AssertionError("nothing is scheduled");
            }
            t = p.get(0);
            t.ran = true;
            now = Math.max(now, t.dueNanos);
        }
        if (t.executor == null) {
            t.body.run();
        } else {
            t.executor.execute(t.body);
        }
        return t;
    }

    /** Runs, in due order, every task due by {@code nowNanos}, then sets the clock there. */
    void advanceTo(long nowNanos) {
        for (;;) {
            synchronized (this) {
                List<Task> p = pending();
                if (p.isEmpty() || p.get(0).dueNanos > nowNanos) {
                    now = Math.max(now, nowNanos);
                    return;
                }
            }
            fireNext();
        }
    }
}
