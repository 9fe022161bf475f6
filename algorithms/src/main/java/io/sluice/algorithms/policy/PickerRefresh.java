package io.sluice.algorithms.policy;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;

/**
 * When a cluster's picker is rebuilt besides membership, weight and health changes: the one rule
 * both runtimes follow.
 *
 * <p>A picker is an immutable snapshot, so a wrapper whose output changes with time (slow start
 * ramping a backend's weight, {@link io.sluice.algorithms.WrapperProvider#changesWithTime()})
 * moves only when the picker is rebuilt. So a cluster whose strategy has such a wrapper rebuilds
 * its picker every {@code picker-refresh} (default 1s; 0 turns the timer off); any other cluster
 * never rebuilds on a timer, since a rebuild would change nothing but reset what pickers keep (a
 * round robin's position, a probe pool). The proxy runs the timer on an event loop, the simulator
 * in virtual time.
 *
 * @param periodNanos the refresh period for time-dependent strategies; 0 never refreshes on a timer
 */
public record PickerRefresh(long periodNanos) {
    /** {@code picker-refresh}: 0 (off) to 1h. */
    public static final Range PERIOD = Range.duration(0, 3_600_000_000_000L);
    public static final long DEFAULT_PERIOD_NANOS = 1_000_000_000L;
    private static final PickerRefresh DEFAULTS = new PickerRefresh(DEFAULT_PERIOD_NANOS);

    /** @throws SettingException when the period is out of range */
    public PickerRefresh {
        PERIOD.check("picker-refresh", periodNanos);
    }

    /** Every second, for time-dependent strategies. */
    public static PickerRefresh defaults() {
        return DEFAULTS;
    }

    /**
     * How often a cluster with {@code strategy} rebuilds its picker on a timer: {@link #periodNanos()}
     * when one of its wrappers changes with time, else 0 (never).
     */
    public long timerNanos(StrategySpec strategy, StrategyRegistry registry) {
        if (periodNanos == 0) {
            return 0;
        }
        for (StrategySpec.WrapperSpec w : strategy.wrappers()) {
            if (registry.wrapper(w.name()).changesWithTime()) {
                return periodNanos;
            }
        }
        return 0;
    }

    @Override
    public String toString() {
        return periodNanos == 0 ? "never on a timer" : "every " + Durations.format(periodNanos) + " when time-dependent";
    }
}
