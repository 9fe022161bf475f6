package io.sluice.proxy.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Formats entries as JSON objects, one a line, into a byte buffer with Jackson's streaming
 * generator (no reflection, no intermediate tree). Jackson escapes quotes, backslashes and control
 * characters, so a hostile path or header cannot break a line in two. Not thread-safe: the writer
 * thread owns it.
 */
final class JsonLines {
    /** ISO-8601 in UTC with fixed millisecond precision, so lines sort and align: 2024-03-01T12:00:00.123Z. */
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(64 * 1024);
    private final JsonGenerator json;
    private int lines;

    JsonLines() {
        try {
            json = new JsonFactory().createGenerator(buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", e);
        }
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(null);
    }

    /** Appends one line. */
    void append(AccessLogEntry e) {
        try {
            json.writeStartObject();
            json.writeStringField("time", e.time() == null ? null : TIME.format(e.time()));
            json.writeStringField("request_id", e.requestId());
            json.writeStringField("client_address", e.clientAddress());
            json.writeStringField("method", e.method());
            json.writeStringField("path", e.path());
            json.writeStringField("host", e.host());
            json.writeNumberField("status", e.status());
            json.writeNumberField("bytes_in", e.bytesIn());
            json.writeNumberField("bytes_out", e.bytesOut());
            // Microsecond precision: round the nanoseconds to whole microseconds, then scale to ms.
            json.writeNumberField("duration_ms", Math.round(e.durationNanos() / 1_000.0) / 1_000.0);
            json.writeStringField("upstream_backend", e.backendId());
            json.writeStringField("upstream_address", e.backendAddress());
            json.writeNumberField("attempts", e.attempts());
            json.writeStringField("cluster", e.cluster());
            json.writeStringField("route", e.route());
            json.writeStringField("listener", e.listener());
            json.writeStringField("outcome", e.outcome());
            // For replay in the simulator (trace format sluice-access-log).
            json.writeNumberField("start_us", e.startMicros());
            json.writeStringField("affinity_key", e.affinityKey());
            millisOrNull("upstream_ttfb_ms", e.upstreamHeadNanos());
            millisOrNull("upstream_ms", e.upstreamNanos());
            json.writeStringField("protocol", e.protocol());
            json.writeStringField("tls_version", e.tlsVersion());
            if (e.grpcStatus() < 0) {
                json.writeNullField("grpc_status");
            } else {
                json.writeNumberField("grpc_status", e.grpcStatus());
            }
            json.writeEndObject();
            json.writeRaw('\n');
            json.flush();
            lines++;
        } catch (IOException ex) {
            throw new UncheckedIOException("a ByteArrayOutputStream does not fail", ex);
        }
    }

    /** Nanoseconds as milliseconds with microsecond precision, or null when negative (not known). */
    private void millisOrNull(String field, long nanos) throws IOException {
        if (nanos < 0) {
            json.writeNullField(field);
        } else {
            json.writeNumberField(field, Math.round(nanos / 1_000.0) / 1_000.0);
        }
    }

    /** Bytes buffered. */
    int size() {
        return buffer.size();
    }

    /** Lines buffered. */
    int lines() {
        return lines;
    }

    /** Writes the buffered bytes, whole lines only, in one call to {@code out.write}. */
    void writeTo(java.io.OutputStream out) throws IOException {
        buffer.writeTo(out);
    }

    void clear() {
        buffer.reset();
        lines = 0;
    }
}
