package io.sluice.simulator.workload;

import io.sluice.algorithms.Durations;
import java.util.Locale;

/**
 * Replays a recorded trace (CSV, JSON Lines or CampusIoT NDJSON, optionally gzip), in constant
 * memory: see {@link TraceReader} for the order rule and origin, {@link FleetAmplifier} for fleet
 * amplification. Replay time is {@code (trace time from origin + copy shift) / speed-up}: dividing
 * by a positive constant and truncating keep the order, so compression can come last.
 */
final class TraceWorkload implements WorkloadSpec {
    enum Format { CSV, JSONL, CAMPUSIOT, SLUICE_ACCESS_LOG }

    private final TraceSource source;
    private final Format format;
    private final TraceFields fields;
    private final TraceTimeUnit unit;
    private final char delimiter;
    private final boolean header;
    private final long reorderWindowNanos;
    private final boolean skipBadLines;
    private final double speedUp;
    private final int copies;
    private final long maxShiftNanos;
    private final MessageTypes types;

    /**
     * @param copies 0 for no amplification (device ids as in the trace), else N copies {@code d#k}
     * @param types  the scenario workload's message types, where this trace's type words get their ids
     */
    TraceWorkload(TraceSource source, Format format, TraceFields fields, TraceTimeUnit unit, char delimiter,
            boolean header, long reorderWindowNanos, boolean skipBadLines, double speedUp, int copies,
            long maxShiftNanos, MessageTypes types) {
        this.source = source;
        this.format = format;
        this.fields = fields;
        this.unit = unit;
        this.delimiter = delimiter;
        this.header = header;
        this.reorderWindowNanos = reorderWindowNanos;
        this.skipBadLines = skipBadLines;
        this.speedUp = speedUp;
        this.copies = copies;
        this.maxShiftNanos = maxShiftNanos;
        this.types = types;
    }

    TraceSource source() {
        return source;
    }

    @Override
    public ArrivalStream open(long seed, long horizonNanos) {
        TraceLineParser parser = switch (format) {
            case CSV -> new CsvLineParser(fields, unit, types, delimiter, header);
            case SLUICE_ACCESS_LOG -> new AccessLogLineParser(types);
            default -> new JsonLineParser(fields, unit, types);
        };
        TraceReader reader = new TraceReader(source, parser, reorderWindowNanos, skipBadLines);
        FleetAmplifier amplifier = copies > 0 ? new FleetAmplifier(reader, copies, maxShiftNanos, Seeds.derive(seed, 1))
                : null;
        DeviceKeys keys = new DeviceKeys(1 << 16);
        return new ArrivalStream() {
            private boolean done;

            @Override
            public boolean next(Arrival into) {
                if (done) {
                    return false;
                }
                if (amplifier != null) {
                    if (!amplifier.next(into)) {
                        return finish();
                    }
                } else {
                    TraceRecord r = reader.next();
                    if (r == null) {
                        return finish();
                    }
                    into.clear();
                    into.timeNanos = r.timeNanos;
                    DeviceKeys.Key k = keys.of(r.device);
                    into.deviceId = k.id();
                    into.keyHash = k.hash();
                    into.type = r.type;
                    into.sizeBytes = r.sizeBytes;
                    into.serviceDemand = r.serviceDemand;
                    into.serviceNanos = r.serviceNanos;
                }
                if (speedUp != 1) {
                    into.timeNanos = (long) (into.timeNanos / speedUp);
                }
                if (into.timeNanos > horizonNanos) {
                    return finish();
                }
                return true;
            }

            private boolean finish() {
                done = true;
                close();
                return false;
            }

            @Override
            public long skippedLines() {
                return reader.skippedLines();
            }

            @Override
            public void close() {
                reader.close();
            }
        };
    }

    /** NaN: a trace's rate is known only by reading it. */
    @Override
    public double meanRatePerSecond() {
        return Double.NaN;
    }

    @Override
    public String describe() {
        StringBuilder s = new StringBuilder("trace ").append(format.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                .append(' ')
                .append(source.fileName());
        if (speedUp != 1) {
            s.append(" x").append(speedUp == Math.rint(speedUp) ? Long.toString((long) speedUp) : speedUp)
                    .append(" faster");
        }
        if (copies > 0) {
            s.append(", ").append(copies).append(" copies a device within ").append(Durations.format(maxShiftNanos));
        }
        return s.toString();
    }
}
