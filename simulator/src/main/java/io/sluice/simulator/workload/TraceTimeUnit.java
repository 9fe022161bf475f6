package io.sluice.simulator.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How a trace writes its timestamps: since the Unix epoch ({@code epoch-*}, replay starts at the
 * earliest record) or as offsets from the start of the trace ({@code offset-*}, replay time = offset),
 * in seconds, milliseconds, microseconds or nanoseconds. Fractions are allowed
 * ({@code 1672867882.661} epoch-s) and converted exactly, rounding to the nanosecond.
 */
enum TraceTimeUnit {
    EPOCH_S(true, 1_000_000_000L), EPOCH_MS(true, 1_000_000L), EPOCH_US(true, 1_000L), EPOCH_NS(true, 1L),
    OFFSET_S(false, 1_000_000_000L), OFFSET_MS(false, 1_000_000L), OFFSET_US(false, 1_000L), OFFSET_NS(false, 1L);

    private final boolean epoch;
    private final long nanosPerUnit;
    private final BigDecimal scale;

    TraceTimeUnit(boolean epoch, long nanosPerUnit) {
        this.epoch = epoch;
        this.nanosPerUnit = nanosPerUnit;
        this.scale = BigDecimal.valueOf(nanosPerUnit);
    }

    boolean epoch() {
        return epoch;
    }

    String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static List<String> yamlNames() {
        return Arrays.stream(values()).map(TraceTimeUnit::yamlName).toList();
    }

    static TraceTimeUnit ofYaml(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /**
     * @throws NumberFormatException when the text is not a number
     * @throws ArithmeticException   when it does not fit in a long of nanoseconds (year 2262)
     */
    long toNanos(String text) {
        String t = text.trim();
        if (isWholeNumber(t)) {
            return Math.multiplyExact(Long.parseLong(t), nanosPerUnit);
        }
        return new BigDecimal(t).multiply(scale).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private static boolean isWholeNumber(String t) {
        int start = t.startsWith("-") ? 1 : 0;
        if (t.length() == start || t.length() - start > 18) {
            return false;
        }
        for (int i = start; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
