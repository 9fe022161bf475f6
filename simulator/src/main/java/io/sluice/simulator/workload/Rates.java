package io.sluice.simulator.workload;

import java.util.Locale;

/** Prints rates for {@link WorkloadSpec#describe()}. */
final class Rates {
    private Rates() {
    }

    static String format(double perSecond) {
        if (Double.isNaN(perSecond)) {
            return "?/s";
        }
        if (perSecond >= 1 || perSecond == 0) {
            return trim(perSecond) + "/s";
        }
        if (perSecond * 60 >= 1) {
            return trim(perSecond * 60) + "/min";
        }
        return trim(perSecond * 3600) + "/h";
    }

    private static String trim(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return String.format(Locale.ROOT, "%.4g", d).replaceAll("\\.?0+$", "");
    }
}
