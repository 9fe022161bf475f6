package io.sluice.proxy.accesslog;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * The proxy's access log: one JSON object per request, one per line (JSON Lines), with the fields
 * of {@link AccessLogEntry} under snake_case names:
 * <pre>
 * {"time":"2024-03-01T12:00:00.123Z","request_id":"r-1","client_address":"10.0.0.9:51000","method":"POST",
 *  "path":"/telemetry","host":"api.example.com","status":200,"bytes_in":512,"bytes_out":2,"duration_ms":12.346,
 *  "upstream_backend":"t1","upstream_address":"10.0.1.1:9001","attempts":1,"cluster":"telemetry",
 *  "route":"telemetry","listener":"web","outcome":"ok"}
 * </pre>
 *
 * <h2>Never on the event loop</h2>
 * {@link #log} only puts the entry in a bounded queue and returns; one writer thread formats and
 * writes. When the queue is full (the disk or the terminal cannot keep up), the entry is dropped
 * and counted in {@link #dropped()}: the event loop never waits for space or for I/O. The only
 * wait a producer can meet is the queue's brief internal lock while another producer enqueues.
 * The writer writes whole lines, flushes at most every flush interval (and at {@link #close()}),
 * and on an I/O error counts the lost lines in {@link #failed()} and carries on.
 *
 * <p>Thread safety: {@link #log} and the counters may be called from any thread.
 */
public interface AccessLog extends AutoCloseable {
    /** Queue capacity of {@link #open(String)}: about 64 k requests, some 30 MB of entries at most. */
    int DEFAULT_CAPACITY = 65_536;
    /** Flush interval of {@link #open(String)}: lines reach the file within about a second. */
    long DEFAULT_FLUSH_INTERVAL_NANOS = 1_000_000_000L;

    /**
     * Opens the config's {@code access-log.path}: {@code "-"} for standard output, {@code "off"} for
     * none, otherwise a file, created if missing and appended to.
     *
     * @throws IllegalArgumentException naming the path when the file cannot be opened
     */
    static AccessLog open(String target) {
        return open(target, DEFAULT_CAPACITY, DEFAULT_FLUSH_INTERVAL_NANOS);
    }

    /**
     * Like {@link #open(String)} with the queue's capacity and the flush interval given.
     *
     * @param capacity           entries that may wait for the writer, &gt; 0
     * @param flushIntervalNanos longest time a written line may sit in a buffer, &gt; 0
     */
    static AccessLog open(String target, int capacity, long flushIntervalNanos) {
        Objects.requireNonNull(target, "target");
        if ("off".equals(target)) {
            return off();
        }
        if ("-".equals(target)) {
            return to(System.out, capacity, flushIntervalNanos, false);
        }
        OutputStream file;
        try {
            file = Files.newOutputStream(Path.of(target), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("access-log.path: cannot open '" + target + "' for appending: "
                    + e.getMessage(), e);
        }
        return to(file, capacity, flushIntervalNanos, true);
    }

    /**
     * An access log writing to any stream.
     *
     * @param closeStream whether {@link #close()} closes {@code out} (false for standard output)
     */
    static AccessLog to(OutputStream out, int capacity, long flushIntervalNanos, boolean closeStream) {
        return new QueuedAccessLog(Objects.requireNonNull(out, "out"), capacity, flushIntervalNanos, closeStream,
                System::nanoTime);
    }

    /** An access log that records nothing ({@code access-log.path: off}). */
    static AccessLog off() {
        return DisabledAccessLog.INSTANCE;
    }

    /**
     * Queues one entry for writing; never blocks. Call on the event loop when a request ends.
     *
     * @return true if queued; false if dropped (queue full, or the log is closed)
     */
    boolean log(AccessLogEntry entry);

    /** Lines written to the stream so far. */
    long written();

    /** Entries dropped because the queue was full or the log was closed. */
    long dropped();

    /** Lines lost to I/O errors. */
    long failed();

    /**
     * Stops accepting entries, writes every entry already queued, flushes, and closes the stream
     * if it owns it; returns when that is done. Entries logged while it runs may be dropped (and are
     * counted). Idempotent.
     */
    @Override
    void close();
}
