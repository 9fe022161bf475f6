package io.sluice.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's timer: a single deadline that the connection moves as it goes (idle, waiting
 * for a request head, waiting for a response), checked by at most one scheduled task.
 *
 * <p>Why: arming and cancelling a timer per request puts two operations on the event loop's
 * priority queue per request (O(log n) each, plus a task object), for deadlines that almost never
 * expire. Here moving the deadline is a field write; the check is re-armed lazily: when the task
 * runs and finds the deadline moved later, it schedules itself for the new deadline. Only moving
 * the deadline <em>earlier</em> than the pending check schedules a new one (the old one is
 * cancelled). Keep-alive traffic whose deadlines are seconds away costs one check per connection
 * every few seconds instead of two queue operations per request.
 *
 * <p>Worked example: idle timeout 60 s, header timeout 10 s, response timeout 30 s, a request
 * every millisecond. The first request head moves the deadline from now+60 s to now+10 s,
 * earlier, so the check is scheduled for then; every later change lands after that check
 * (now'+10 s, now'+30 s, now'+60 s with now' later), so nothing is scheduled until it runs, finds
 * the deadline moved, and re-arms once for the current one.
 *
 * <p>An expiry runs the {@link Runnable} given with the deadline, on the event loop; the owner
 * passes handlers made once per connection, so nothing is allocated per request. Not
 * thread-safe: only the connection's event loop may call it.
 */
final class ConnectionDeadline implements Runnable {
    private static final long NONE = Long.MAX_VALUE;

    private final EventExecutor loop;
    private long deadline = NONE;
    private Runnable onExpiry;
    /** When the pending check runs; meaningful while {@link #check} is not null. */
    private long checkAt;
    private ScheduledFuture<?> check;

    ConnectionDeadline(EventExecutor loop) {
        this.loop = loop;
    }

    /** From now on, {@code onExpiry} runs if the deadline is still {@code atNanos} ({@link System#nanoTime()}) then. */
    void set(long atNanos, Runnable onExpiry) {
        this.deadline = atNanos;
        this.onExpiry = onExpiry;
        if (check == null || atNanos - checkAt < 0) {
            schedule(atNanos);
        }
    }

    /** {@code onExpiry} after {@code nanos} from now; a non-positive {@code nanos} means no deadline. */
    void after(long nanos, Runnable onExpiry) {
        if (nanos <= 0) {
            clear();
        } else {
            set(System.nanoTime() + nanos, onExpiry);
        }
    }

    /** No deadline until the next {@link #set}. The pending check, if any, finds nothing to do. */
    void clear() {
        deadline = NONE;
        onExpiry = null;
    }

    /** Clears the deadline and cancels the pending check: the connection is closed. */
    void stop() {
        clear();
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void schedule(long at) {
        if (check != null) {
            check.cancel(false);
        }
        checkAt = at;
        check = loop.schedule(this, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The scheduled check. */
    @Override
    public void run() {
        check = null;
        if (deadline == NONE) {
            return;
        }
        if (System.nanoTime() - deadline < 0) {
            schedule(deadline);
            return;
        }
        Runnable r = onExpiry;
        clear();
        r.run();
    }
}
