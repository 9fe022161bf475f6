package io.sluice.algorithms.health;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of an {@link ActiveHealthCheck}, named and defaulted as HAProxy's {@code server}
 * keywords: {@code rise 2}, {@code fall 3}, {@code inter 2s}; {@code fastinter} and
 * {@code downinter} default to {@code inter}; {@code init-state up}. Immutable; build one with
 * {@link #builder()}. Every setter rejects a bad value with a {@link SettingException}
 * that names the setting, the value and the allowed range.
 */
public final class HealthCheckConfig {
    /** Bounds of {@code rise} and {@code fall}: their sum must fit the counter comfortably. */
    public static final int MAX_COUNT = 1000;
    /** Shortest check interval accepted: 1 ms. */
    public static final long MIN_INTERVAL_NANOS = 1_000_000L;
    /** Longest check interval accepted: 24 h. */
    public static final long MAX_INTERVAL_NANOS = 24L * 3_600_000_000_000L;
    /** {@code rise} and {@code fall}: 1 to 1000. */
    public static final Range COUNT = Range.wholeNumber(1, MAX_COUNT);
    /** {@code inter}, {@code fastinter}, {@code downinter}: 1ms to 24h. */
    public static final Range INTERVAL = Range.duration(MIN_INTERVAL_NANOS, MAX_INTERVAL_NANOS);
    /** HAProxy's {@code rise} default. */
    public static final int DEFAULT_RISE = 2;
    /** HAProxy's {@code fall} default. */
    public static final int DEFAULT_FALL = 3;
    /** HAProxy's {@code inter} default: 2 s. */
    public static final long DEFAULT_INTER_NANOS = 2_000_000_000L;
    /**
     * HAProxy's {@code init-state} default, {@link InitialState#UP}: a backend starts up, with one
     * failed check to spare. Both runtimes start every check here unless a config says otherwise.
     */
    public static final InitialState DEFAULT_INITIAL_STATE = InitialState.UP;

    private static final HealthCheckConfig DEFAULTS = builder().build();

    private final int rise;
    private final int fall;
    private final long interNanos;
    private final long fastinterNanos;
    private final long downinterNanos;
    private final InitialState initialState;

    private HealthCheckConfig(Builder b) {
        this.rise = b.rise;
        this.fall = b.fall;
        this.interNanos = b.interNanos;
        this.fastinterNanos = b.fastinterNanos > 0 ? b.fastinterNanos : b.interNanos;
        this.downinterNanos = b.downinterNanos > 0 ? b.downinterNanos : b.interNanos;
        this.initialState = b.initialState;
    }

    /** HAProxy's defaults: rise 2, fall 3, inter 2s, fastinter = downinter = inter, init-state up. */
    public static HealthCheckConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from HAProxy's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Consecutive passed checks that bring a down backend up. */
    public int rise() {
        return rise;
    }

    /** Consecutive failed checks that bring an up backend down. */
    public int fall() {
        return fall;
    }

    /** Interval between checks while the backend is fully up (or fully down without {@code downinter}). */
    public long interNanos() {
        return interNanos;
    }

    /** Interval between checks while the backend is in transition: up but failing, or down but passing. */
    public long fastinterNanos() {
        return fastinterNanos;
    }

    /** Interval between checks while the backend is fully down. */
    public long downinterNanos() {
        return downinterNanos;
    }

    /** Where a new check starts (HAProxy's {@code init-state}). */
    public InitialState initialState() {
        return initialState;
    }

    /** The health counter's largest value, {@code rise + fall - 1}: "fully up". */
    int maxHealth() {
        return rise + fall - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthCheckConfig c && rise == c.rise && fall == c.fall && interNanos == c.interNanos
                && fastinterNanos == c.fastinterNanos && downinterNanos == c.downinterNanos
                && initialState == c.initialState;
    }

    @Override
    public int hashCode() {
        return Objects.hash(rise, fall, interNanos, fastinterNanos, downinterNanos, initialState);
    }

    @Override
    public String toString() {
        return "rise " + rise + " fall " + fall + " inter " + Durations.format(interNanos)
                + " fastinter " + Durations.format(fastinterNanos) + " downinter " + Durations.format(downinterNanos)
                + " init-state " + initialState.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Collects settings; {@link #build()} may be called more than once. */
    public static final class Builder {
        private int rise = DEFAULT_RISE;
        private int fall = DEFAULT_FALL;
        private long interNanos = DEFAULT_INTER_NANOS;
        private long fastinterNanos;
        private long downinterNanos;
        private InitialState initialState = DEFAULT_INITIAL_STATE;

        private Builder() {
        }

        /** @param rise consecutive passes to go up, in [1, 1000]; HAProxy's default is 2 */
        public Builder rise(int rise) {
            this.rise = count("rise", rise);
            return this;
        }

        /** @param fall consecutive failures to go down, in [1, 1000]; HAProxy's default is 3 */
        public Builder fall(int fall) {
            this.fall = count("fall", fall);
            return this;
        }

        /** @param nanos interval between checks in steady state, in [1ms, 24h]; default 2s */
        public Builder inter(long nanos) {
            this.interNanos = interval("inter", nanos);
            return this;
        }

        /** @param nanos interval during transitions, in [1ms, 24h]; defaults to {@code inter} */
        public Builder fastinter(long nanos) {
            this.fastinterNanos = interval("fastinter", nanos);
            return this;
        }

        /** @param nanos interval while fully down, in [1ms, 24h]; defaults to {@code inter} */
        public Builder downinter(long nanos) {
            this.downinterNanos = interval("downinter", nanos);
            return this;
        }

        /** @param state where the check starts; HAProxy's default is {@link InitialState#UP} */
        public Builder initialState(InitialState state) {
            this.initialState = Objects.requireNonNull(state, "initialState");
            return this;
        }

        /** The configuration; the builder may be reused. */
        public HealthCheckConfig build() {
            return new HealthCheckConfig(this);
        }

        /** @throws SettingException naming the setting, the value and the range */
        private static int count(String name, int value) {
            return COUNT.checkInt(name, value);
        }

        /** @throws SettingException naming the setting, the value and the range */
        private static long interval(String name, long nanos) {
            return INTERVAL.check(name, nanos);
        }
    }
}
