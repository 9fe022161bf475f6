package io.sluice.algorithms.affinity;

import io.sluice.algorithms.Durations;
import io.sluice.algorithms.Range;
import io.sluice.algorithms.SettingException;

import java.util.Objects;

/**
 * Settings of an {@link AffinityTable}. Immutable, compared by value; every setter rejects a bad
 * value with a {@link SettingException} that names the setting, the value and the allowed range.
 *
 * <pre>
 *   idle-ttl      30m      a key not looked up for this long is forgotten
 *   max-entries   100000   the table never holds more keys than this
 *   stripes       16       independently locked parts; 1 gives exact LRU eviction
 * </pre>
 */
public final class AffinityConfig {
    private static final long MS = 1_000_000L;
    private static final long DAY = 86_400_000_000_000L;
    /** {@code idle-ttl}: 1ms to 7 days. */
    public static final Range IDLE_TTL = Range.duration(MS, 7 * DAY);
    /** {@code max-entries}: 1 to 10^8. */
    public static final Range MAX_ENTRIES = Range.wholeNumber(1, 100_000_000);
    /** {@code stripes}: 1 to 4096. */
    public static final Range STRIPES = Range.wholeNumber(1, 4096);
    private static final AffinityConfig DEFAULTS = builder().build();

    private final int configuredStripes;

    private final long idleTtlNanos;
    private final int maxEntries;
    private final int stripes;

    private AffinityConfig(Builder b) {
        this.idleTtlNanos = b.idleTtlNanos;
        this.maxEntries = b.maxEntries;
        this.configuredStripes = b.stripes;
        // A stripe must be able to hold at least one key.
        this.stripes = Math.min(b.stripes, b.maxEntries);
    }

    /** idle-ttl 30m, max-entries 100000, stripes 16. */
    public static AffinityConfig defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A key not looked up for this long is forgotten. */
    public long idleTtlNanos() {
        return idleTtlNanos;
    }

    /** Most keys the table holds. */
    public int maxEntries() {
        return maxEntries;
    }

    /** Stripes actually used: the configured count, but never more than {@link #maxEntries()}. */
    public int stripes() {
        return stripes;
    }

    /** The stripes as configured, before {@link #stripes()} caps them at the entries. */
    public int configuredStripes() {
        return configuredStripes;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AffinityConfig c && idleTtlNanos == c.idleTtlNanos && maxEntries == c.maxEntries
                && configuredStripes == c.configuredStripes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(idleTtlNanos, maxEntries, configuredStripes);
    }

    @Override
    public String toString() {
        return "idle-ttl=" + Durations.format(idleTtlNanos) + " max-entries=" + maxEntries + " stripes=" + stripes;
    }

    /** Collects settings. */
    public static final class Builder {
        private long idleTtlNanos = 30 * 60_000_000_000L;
        private int maxEntries = 100_000;
        private int stripes = 16;

        private Builder() {
        }

        /** @param nanos idle time after which a key is forgotten, in [1ms, 7d]; default 30m */
        public Builder idleTtl(long nanos) {
            this.idleTtlNanos = IDLE_TTL.check("idle-ttl", nanos);
            return this;
        }

        /** @param n most keys held, in [1, 100000000]; default 100000 */
        public Builder maxEntries(int n) {
            this.maxEntries = MAX_ENTRIES.checkInt("max-entries", n);
            return this;
        }

        /** @param n independently locked stripes, in [1, 4096]; 1 makes eviction exact LRU; default 16 */
        public Builder stripes(int n) {
            this.stripes = STRIPES.checkInt("stripes", n);
            return this;
        }

        /** The configuration; the builder may be reused. */
        public AffinityConfig build() {
            return new AffinityConfig(this);
        }
    }
}
