package io.sluice.algorithms.overload;

import java.util.concurrent.atomic.AtomicReference;

/**
 * The proxy's own overload level, as Envoy's overload manager: each resource reports a pressure in
 * [0, 1] (event-loop delay over its limit, heap used over its limit), the highest decides, and two
 * thresholds with hysteresis set the level.
 * <pre>
 *   NORMAL         -> STOP_ACCEPTING  when pressure &gt;= stopAcceptingAt
 *   STOP_ACCEPTING -> SHEDDING        when pressure &gt;= shedAt
 *   a level is left only when pressure falls below its threshold minus the hysteresis,
 *   straight down to the level the pressure then calls for.
 * </pre>
 * Example: stop at 0.8, shed at 0.95, hysteresis 0.1: a pressure of 0.96 sheds; 0.9 keeps
 * shedding (not below 0.85); 0.84 stops accepting only; 0.69 is normal again. Without the margin a
 * pressure hovering at a threshold would flip the level on every reading.
 *
 * <p>Thread safety: {@link #update} from one thread (the sampler), {@link #level} from any.
 */
public final class OverloadState {

    /** What the proxy does at each level. */
    public enum Level {
        /** Serve normally. */
        NORMAL,
        /** Accept no new connections; serve the open ones. */
        STOP_ACCEPTING,
        /** Also answer new requests 503 at once. */
        SHEDDING
    }

    /**
     * @param stopAcceptingAt pressure that stops accepting, in (0, 1]
     * @param shedAt          pressure that sheds requests, in [stopAcceptingAt, 1]
     * @param hysteresis      how far below a threshold pressure must fall to leave its level, in [0, stopAcceptingAt)
     */
    public record Thresholds(double stopAcceptingAt, double shedAt, double hysteresis) {
        public Thresholds {
            if (!(stopAcceptingAt > 0 && stopAcceptingAt <= 1)) {
                throw new IllegalArgumentException("overload stop-accepting-at must be in (0, 1], got " + stopAcceptingAt);
            }
            if (!(shedAt >= stopAcceptingAt && shedAt <= 1)) {
                throw new IllegalArgumentException("overload shed-at must be in [" + stopAcceptingAt + ", 1], got "
                        + shedAt);
            }
            if (!(hysteresis >= 0 && hysteresis < stopAcceptingAt)) {
                throw new IllegalArgumentException("overload hysteresis must be in [0, " + stopAcceptingAt
                        + "), got " + hysteresis);
            }
        }
    }

    private final Thresholds t;
    private final AtomicReference<Level> level = new AtomicReference<>(Level.NORMAL);

    public OverloadState(Thresholds thresholds) {
        this.t = thresholds;
    }

    /** The pressure of one resource: {@code value / limit}, capped to [0, 1]. */
    public static double pressure(double value, double limit) {
        if (!(limit > 0)) {
            return 0;
        }
        return Math.max(0, Math.min(1, value / limit));
    }

    /** Moves the level by the highest of the pressures given; returns the new level. */
    public Level update(double... pressures) {
        double p = 0;
        for (double x : pressures) {
            p = Math.max(p, x);
        }
        Level now = level.get();
        Level next = next(now, p, t);
        level.set(next);
        return next;
    }

    /** The side-effect-free transition. */
    static Level next(Level now, double p, Thresholds t) {
        Level raised = p >= t.shedAt() ? Level.SHEDDING : p >= t.stopAcceptingAt() ? Level.STOP_ACCEPTING : Level.NORMAL;
        if (raised.compareTo(now) >= 0) {
            return raised;
        }
        // Falling: keep a level until the pressure is below its threshold minus the hysteresis.
        if (now == Level.SHEDDING && p >= t.shedAt() - t.hysteresis()) {
            return Level.SHEDDING;
        }
        if (now.compareTo(Level.STOP_ACCEPTING) >= 0 && p >= t.stopAcceptingAt() - t.hysteresis()) {
            return Level.STOP_ACCEPTING;
        }
        return Level.NORMAL;
    }

    public Level level() {
        return level.get();
    }

    public Thresholds thresholds() {
        return t;
    }
}
