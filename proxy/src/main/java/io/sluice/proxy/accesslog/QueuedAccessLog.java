package io.sluice.proxy.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AccessLog} with a bounded queue and one writer thread. Producers only {@code offer};
 * the writer takes entries in batches, formats them into a buffer and writes whole lines to the
 * stream when the buffer passes {@link #WRITE_THRESHOLD} bytes or a flush is due.
 */
final class QueuedAccessLog implements AccessLog {
    private static final Logger LOG = LoggerFactory.getLogger(QueuedAccessLog.class);

    /** Buffered bytes that trigger a write: big enough to make writes few, small enough to stay in cache. */
    static final int WRITE_THRESHOLD = 64 * 1024;
    private static final int BATCH = 1_024;

    private final ArrayBlockingQueue<AccessLogEntry> queue;
    private final OutputStream out;
    private final boolean closeStream;
    private final long flushIntervalNanos;
    private final LongSupplier clock;
    private final Thread writer;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final LongAdder dropped = new LongAdder();
    private volatile long written;
    private volatile long failed;
    private boolean reportedError;

    QueuedAccessLog(OutputStream out, int capacity, long flushIntervalNanos, boolean closeStream, LongSupplier clock) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("access log capacity must be > 0 entries, got " + capacity);
        }
        if (flushIntervalNanos <= 0) {
            throw new IllegalArgumentException("access log flush interval must be > 0 ns, got " + flushIntervalNanos);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.out = out;
        this.closeStream = closeStream;
        this.flushIntervalNanos = flushIntervalNanos;
        this.clock = clock;
        this.writer = new Thread(this::run, "sluice-access-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    @Override
    public boolean log(AccessLogEntry entry) {
        if (entry == null || closing.get() || !queue.offer(entry)) {
            dropped.increment();
            return false;
        }
        return true;
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    @Override
    public long failed() {
        return failed;
    }

    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            // Wakes the writer from its wait; it drains what is queued before it stops.
            writer.interrupt();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        // Entries offered after the writer's last drain (a producer racing with close) are lost: count them.
        int late = queue.size();
        if (late > 0) {
            queue.clear();
            dropped.add(late);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        JsonLines lines = new JsonLines();
        List<AccessLogEntry> batch = new ArrayList<>(BATCH);
        long flushDue = Long.MAX_VALUE;
        for (;;) {
            boolean stop = closing.get();
            AccessLogEntry first = null;
            if (!stop) {
                try {
                    long wait = flushDue == Long.MAX_VALUE ? flushIntervalNanos : Math.max(0, flushDue - clock.getAsLong());
                    first = queue.poll(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException wakeUp) {
                    // close() wants us to drain and stop; the loop sees closing.
                }
            }
            if (first != null) {
                lines.append(first);
            }
            // Drain what is there now, a batch at a time; when stopping, everything.
            do {
                batch.clear();
                queue.drainTo(batch, BATCH);
                for (AccessLogEntry e : batch) {
                    lines.append(e);
                    if (lines.size() >= WRITE_THRESHOLD) {
                        write(lines, false);
                    }
                }
            } while (stop && !batch.isEmpty());
            if (lines.lines() > 0 && flushDue == Long.MAX_VALUE) {
                flushDue = clock.getAsLong() + flushIntervalNanos;
            }
            if (stop || flushDue != Long.MAX_VALUE && clock.getAsLong() - flushDue >= 0) {
                write(lines, true);
                flushDue = Long.MAX_VALUE;
            }
            if (stop) {
                break;
            }
        }
        if (closeStream) {
            try {
                out.close();
            } catch (IOException e) {
                report(e);
            }
        }
    }

    /** Hands the buffered lines to the stream (and flushes it if asked); on failure counts them lost. */
    private void write(JsonLines lines, boolean flush) {
        int n = lines.lines();
        try {
            if (n > 0) {
                lines.writeTo(out);
            }
            if (flush) {
                out.flush();
            }
            written += n;
        } catch (IOException | RuntimeException e) {
            failed += n;
            report(e);
        } finally {
            lines.clear();
        }
    }

    private void report(Exception e) {
        if (!reportedError) {
            reportedError = true;
            LOG.error("access log write failed, lines are being lost (counted in sluice_access_log_lines_total"
                    + " as result failed): {}", e.toString());
        }
    }
}
