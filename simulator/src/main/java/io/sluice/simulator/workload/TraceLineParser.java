package io.sluice.simulator.workload;

/**
 * Turns one line of a trace into a {@link TraceRecord}, or says which field is bad. Shared checks
 * for the field values live here; the subclasses only find the raw text of each field.
 */
abstract class TraceLineParser {
    /** A line that cannot be used: names the field ({@code null} when the line as a whole is bad). */
    static final class BadLine extends Exception {
        final String field;

        BadLine(String field, String message) {
            super(message, null, false, false);
            this.field = field;
        }
    }

    final TraceFields fields;
    final TraceTimeUnit unit;
    private final MessageTypes types;

    /** @param types where type words get their ids (see {@link MessageTypes}) */
    TraceLineParser(TraceFields fields, TraceTimeUnit unit, MessageTypes types) {
        this.fields = fields;
        this.unit = unit;
        this.types = types;
    }

    /** Called with the first non-blank line; returns true if it was a header to skip. */
    boolean header(String line) throws BadLine {
        return false;
    }

    abstract void parse(String line, TraceRecord into) throws BadLine;

    /** Validates the raw field texts (null = absent) and stores them. */
    final void fill(TraceRecord into, String time, String device, String type, String size, String demand)
            throws BadLine {
        if (time == null || time.isBlank()) {
            throw new BadLine(fields.time(), "missing; expected a timestamp in " + unit.yamlName());
        }
        try {
            into.timeNanos = unit.toNanos(time);
        } catch (NumberFormatException e) {
            throw new BadLine(fields.time(), "'" + clip(time) + "' is not a number; expected a timestamp in "
                    + unit.yamlName());
        } catch (ArithmeticException e) {
            throw new BadLine(fields.time(), "'" + clip(time) + "' is out of range for " + unit.yamlName());
        }
        if (!unit.epoch() && into.timeNanos < 0) {
            throw new BadLine(fields.time(), "'" + clip(time) + "' is negative; offsets count from the start");
        }
        if (device == null || device.isBlank()) {
            throw new BadLine(fields.device(), "missing or empty; every line needs a device id");
        }
        into.device = device;
        into.type = MessageTypes.UNKNOWN;
        if (type != null && !type.isBlank()) {
            try {
                into.type = types.idOf(type);
            } catch (IllegalArgumentException e) {
                throw new BadLine(fields.type(), e.getMessage());
            }
        }
        into.sizeBytes = optionalInt(fields.size(), size, 0, "a whole number of bytes >= 0");
        into.serviceDemand = Double.NaN;
        if (demand != null && !demand.isBlank()) {
            double d;
            try {
                d = Double.parseDouble(demand.trim());
            } catch (NumberFormatException e) {
                d = Double.NaN;
            }
            if (!(d >= 0) || Double.isInfinite(d)) {
                throw new BadLine(fields.serviceDemand(), "'" + clip(demand)
                        + "' is not allowed; expected a number >= 0 (multiple of the mean service time)");
            }
            into.serviceDemand = d;
        }
    }

    private static int optionalInt(String field, String text, int min, String allowed) throws BadLine {
        if (text == null || text.isBlank()) {
            return -1;
        }
        try {
            int v = Integer.parseInt(text.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadLine(field, "'" + clip(text) + "' is not allowed; expected " + allowed);
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }
}
