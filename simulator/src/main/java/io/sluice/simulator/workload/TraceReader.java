package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.zip.GZIPInputStream;

/**
 * Streams a trace file's records in time order, in memory bounded by the reorder window, not by the
 * length of the trace.
 *
 * <p><b>Order rule.</b> Recorded traces can be slightly out of order (several gateways, clock skew).
 * A record may come at most {@code reorder-window} W earlier than the latest timestamp on any line
 * before it; records within that slack are sorted (ties keep file order), and a record later than
 * that is a bad line. The default W = 0 requires nondecreasing timestamps. A record r is released
 * once {@code r.time <= maxSeen - W}: every later line must be at least {@code maxSeen - W}, so
 * nothing can still come before r. The buffer holds only the records of the last W of trace time.
 *
 * <p><b>Origin.</b> With an {@code epoch-*} unit the earliest record plays at time 0; with
 * {@code offset-*} a record plays at its offset.
 *
 * <p><b>Compression.</b> gzip is recognised by its magic bytes {@code 1f 8b}, whatever the file name.
 */
final class TraceReader implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final TraceSource source;
    private final TraceLineParser parser;
    private final long windowNanos;
    private final boolean skipBadLines;
    private final BufferedReader lines;
    private final PriorityQueue<TraceRecord> pending = new PriorityQueue<>(
            Comparator.comparingLong((TraceRecord r) -> r.timeNanos).thenComparingLong(r -> r.line));
    private long lineNumber;
    private boolean sawFirst;
    private boolean eof;
    private boolean anyRecord;
    private long maxSeen;
    private boolean originSet;
    private long origin;
    private long skipped;

    TraceReader(TraceSource source, TraceLineParser parser, long windowNanos, boolean skipBadLines) {
        this.source = source;
        this.parser = parser;
        this.windowNanos = windowNanos;
        this.skipBadLines = skipBadLines;
        this.lines = openLines(source);
        if (!parser.unit.epoch()) {
            originSet = true;
        }
    }

    private static BufferedReader openLines(TraceSource source) {
        try {
            BufferedInputStream in = new BufferedInputStream(source.open(), BUFFER);
            try {
                in.mark(2);
                int b1 = in.read();
                int b2 = in.read();
                in.reset();
                InputStream data = in;
                if (b1 == 0x1f && b2 == 0x8b) {
                    data = new GZIPInputStream(in, BUFFER);
                } else if (source.fileName().endsWith(".gz")) {
                    throw new WorkloadException(source.name() + ": named .gz but not gzip (no 1f 8b magic)");
                }
                return new BufferedReader(new InputStreamReader(data, StandardCharsets.UTF_8), BUFFER);
            } catch (IOException | RuntimeException e) {
                in.close();
                throw e;
            }
        } catch (IOException e) {
            throw new WorkloadException(source.name() + ": cannot read: " + e.getMessage(), e);
        }
    }

    long skippedLines() {
        return skipped;
    }

    /** The next record in time order, its time counted from the replay origin; null at the end. */
    TraceRecord next() {
        while (true) {
            if (!pending.isEmpty() && (eof || pending.peek().timeNanos <= maxSeen - windowNanos)) {
                TraceRecord r = pending.poll();
                if (!originSet) {
                    origin = r.timeNanos;
                    originSet = true;
                }
                r.timeNanos -= origin;
                return r;
            }
            if (eof) {
                return null;
            }
            TraceRecord r = readRecord();
            if (r == null) {
                eof = true;
                continue;
            }
            if (anyRecord && r.timeNanos < maxSeen - windowNanos) {
                bad(r.line, parser.fields.time(), "timestamp goes back " + Durations.format(maxSeen - r.timeNanos)
                        + " behind an earlier line, more than reorder-window " + Durations.format(windowNanos)
                        + "; sort the trace or raise reorder-window");
                continue;
            }
            if (!anyRecord || r.timeNanos > maxSeen) {
                maxSeen = r.timeNanos;
            }
            anyRecord = true;
            pending.add(r);
        }
    }

    /** Reads lines until one parses; null at the end of the file. */
    private TraceRecord readRecord() {
        while (true) {
            String line;
            try {
                line = lines.readLine();
            } catch (IOException e) {
                throw new WorkloadException(source.name() + ":" + (lineNumber + 1) + ": cannot read"
                        + " (truncated or corrupt file?): " + e.getMessage(), e);
            }
            if (line == null) {
                return null;
            }
            lineNumber++;
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            if (!sawFirst) {
                sawFirst = true;
                boolean isHeader;
                try {
                    isHeader = parser.header(line);
                } catch (TraceLineParser.BadLine e) {
                    // a header that lacks a required column spoils every line: never skippable
                    throw new WorkloadException(where(lineNumber, e.field) + e.getMessage());
                }
                if (isHeader) {
                    continue;
                }
            }
            try {
                TraceRecord r = new TraceRecord();
                r.line = lineNumber;
                parser.parse(line, r);
                return r;
            } catch (TraceLineParser.BadLine e) {
                bad(lineNumber, e.field, e.getMessage());
            }
        }
    }

    private void bad(long line, String field, String message) {
        if (skipBadLines) {
            skipped++;
            return;
        }
        throw new WorkloadException(where(line, field) + message
                + " (set skip-bad-lines: true to skip and count such lines)");
    }

    private String where(long line, String field) {
        return source.name() + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ");
    }

    @Override
    public void close() {
        try {
            lines.close();
        } catch (IOException e) {
            // nothing left to read; closing is best effort
        }
    }
}
