package io.sluice.simulator.model;

/** Argument checks shared by the distributions, with messages that name the value and the allowed range. */
final class DistributionChecks {
    private DistributionChecks() {
    }

    static double positiveMean(String what, double meanNanos) {
        if (!(meanNanos > 0) || Double.isInfinite(meanNanos)) {
            throw new IllegalArgumentException(what + ": mean must be a finite number of nanoseconds > 0, got "
                    + meanNanos);
        }
        return meanNanos;
    }

    static String nanosText(double nanos) {
        if (nanos >= 1e9) {
            return trim(nanos / 1e9) + "s";
        }
        if (nanos >= 1e6) {
            return trim(nanos / 1e6) + "ms";
        }
        if (nanos >= 1e3) {
            return trim(nanos / 1e3) + "us";
        }
        return trim(nanos) + "ns";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(Math.round(v * 1000) / 1000.0);
    }
}
