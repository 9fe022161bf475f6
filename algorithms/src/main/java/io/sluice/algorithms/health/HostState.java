package io.sluice.algorithms.health;

import io.sluice.algorithms.PeakEwma;

/**
 * Everything outlier detection keeps about one backend, as one immutable value. Every change is a
 * side-effect-free function from one value to the next, so {@link EnvoyOutlierDetector} can apply
 * it with a compare-and-set and retry on contention.
 *
 * <p>Times are compared by difference ({@code now - then >= d}), never by sum, so a clock near
 * {@link Long#MAX_VALUE} (nanoTime has an arbitrary origin) cannot overflow a comparison.
 */
record HostState(int consecutive5xx, int consecutiveGateway, long windowRequests,
                 double ewmaCost, long ewmaStamp,
                 boolean ejected, EjectionReason reason, long ejectedAt, long ejectionNanos,
                 int multiplier, int timesEjected, boolean everRestored, long restoredAt,
                 boolean removed) {

    static HostState fresh(long nowNanos) {
        return new HostState(0, 0, 0, 0.0, nowNanos, false, null, 0, 0, 0, 0, false, 0, false);
    }

    /**
     * The rule a request outcome trips, or null. Only the failure that brings a counter exactly to
     * its threshold trips it (Envoy's {@code ++count == threshold}), so of several threads racing
     * past the threshold exactly one tries to eject. Ejected and removed backends trip nothing.
     * When both counters reach their thresholds at once, the gateway rule is reported (Envoy
     * checks it first; its second, 5xx, notification would find the backend already ejected).
     */
    EjectionReason trip(RequestOutcome outcome, OutlierConfig c) {
        if (ejected || removed) {
            return null;
        }
        if (c.consecutiveGatewayFailure() > 0 && outcome.isGatewayFailure()
                && consecutiveGateway + 1 == c.consecutiveGatewayFailure()) {
            return EjectionReason.CONSECUTIVE_GATEWAY_FAILURE;
        }
        if (c.consecutive5xx() > 0 && outcome.isFailure() && consecutive5xx + 1 == c.consecutive5xx()) {
            return EjectionReason.CONSECUTIVE_5XX;
        }
        return null;
    }

    /**
     * After one request: the counters of {@link RequestOutcome}'s table (a tripped counter restarts
     * from 0, as Envoy resets it after its ejection attempt), one more request in this interval,
     * and the peak-EWMA latency updated by {@link PeakEwma}'s rule ({@link PeakEwma#next}).
     */
    HostState afterOutcome(RequestOutcome outcome, long latencyNanos, long nowNanos, OutlierConfig c,
                           EjectionReason tripped) {
        int c5 = outcome.isFailure() ? saturatingIncrement(consecutive5xx) : 0;
        int cg = outcome.isGatewayFailure() ? saturatingIncrement(consecutiveGateway) : 0;
        if (tripped != null) {
            // Both counters restart, so a simultaneous trip of the other rule is not reported later.
            c5 = 0;
            cg = 0;
        }
        long dt = nowNanos - ewmaStamp;
        double cost = PeakEwma.next(ewmaCost, latencyNanos, dt, c.ewmaDecayNanos());
        long stamp = dt > 0 ? nowNanos : ewmaStamp;
        return new HostState(c5, cg, windowRequests + 1, cost, stamp, ejected, reason, ejectedAt, ejectionNanos,
                multiplier, timesEjected, everRestored, restoredAt, removed);
    }

    /** The peak-EWMA cost decayed to {@code nowNanos}, without writing. */
    double costAt(long nowNanos, OutlierConfig c) {
        return PeakEwma.decayed(ewmaCost, nowNanos - ewmaStamp, c.ewmaDecayNanos());
    }

    /**
     * Ejected at {@code nowNanos}. Envoy's back-off: the multiplier grows while
     * {@code m * base < max + base}, so it stops one step past the cap and decays back from there;
     * the duration is {@code min(base * m, max)}. The product cannot overflow: {@code m} stays
     * at most {@code max / base + 2} and both are at most 24 h.
     */
    HostState eject(long nowNanos, EjectionReason why, OutlierConfig c) {
        long base = c.baseEjectionNanos();
        long max = c.maxEjectionNanos();
        int m = (long) multiplier * base < max + base ? multiplier + 1 : multiplier;
        long duration = Math.min(base * m, max);
        return new HostState(0, 0, windowRequests, ewmaCost, ewmaStamp, true, why, nowNanos, duration,
                m, timesEjected + 1, everRestored, restoredAt, removed);
    }

    /** True when ejected and the ejection time has passed by {@code nowNanos}. */
    boolean restoreDue(long nowNanos) {
        return ejected && nowNanos - ejectedAt >= ejectionNanos;
    }

    /** Back in service at {@code nowNanos}, failure counters cleared (Envoy's {@code unejectHost}). */
    HostState restore(long nowNanos) {
        return new HostState(0, 0, windowRequests, ewmaCost, ewmaStamp, false, reason, ejectedAt, ejectionNanos,
                multiplier, timesEjected, true, nowNanos, removed);
    }

    /** The next interval's request window starts empty. */
    HostState windowReset() {
        return windowRequests == 0 ? this : new HostState(consecutive5xx, consecutiveGateway, 0, ewmaCost, ewmaStamp,
                ejected, reason, ejectedAt, ejectionNanos, multiplier, timesEjected, everRestored, restoredAt, removed);
    }

    /**
     * One step of multiplier decay, if due: Envoy lowers it at every sweep that finds the backend
     * available and restored for at least one interval.
     */
    HostState decayed(long nowNanos, OutlierConfig c) {
        if (ejected || removed || !everRestored || multiplier == 0 || nowNanos - restoredAt < c.intervalNanos()) {
            return this;
        }
        return new HostState(consecutive5xx, consecutiveGateway, windowRequests, ewmaCost, ewmaStamp, ejected, reason,
                ejectedAt, ejectionNanos, multiplier - 1, timesEjected, everRestored, restoredAt, removed);
    }

    /** Out of the cluster: no longer counted, never ejected again. */
    HostState asRemoved() {
        return new HostState(consecutive5xx, consecutiveGateway, windowRequests, ewmaCost, ewmaStamp, false, reason,
                ejectedAt, ejectionNanos, multiplier, timesEjected, everRestored, restoredAt, true);
    }

    private static int saturatingIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }
}
