package io.sluice.algorithms.affinity;

import io.sluice.algorithms.Durations;

/**
 * Settings of an {@link AffinityTable}. Immutable; every setter rejects a bad value with an
 * {@link IllegalArgumentException} that names the setting, the value and the allowed range.
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
    private static final AffinityConfig DEFAULTS = builder().build();

    private final long idleTtlNanos;
    private final int maxEntries;
    private final int stripes;

    private AffinityConfig(Builder b) {
        this.idleTtlNanos = b.idleTtlNanos;
        this.maxEntries = b.maxEntries;
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
            if (nanos < MS || nanos > 7 * DAY) {
                throw new IllegalArgumentException("affinity idle-ttl must be a duration in [1ms, 7d], got "
                        + (nanos <= 0 ? nanos + "ns" : Durations.format(nanos)));
            }
            this.idleTtlNanos = nanos;
            return this;
        }

        /** @param n most keys held, in [1, 100000000]; default 100000 */
        public Builder maxEntries(int n) {
            if (n < 1 || n > 100_000_000) {
                throw new IllegalArgumentException("affinity max-entries must be an integer in [1, 100000000], got " + n);
            }
            this.maxEntries = n;
            return this;
        }

        /** @param n independently locked stripes, in [1, 4096]; 1 makes eviction exact LRU; default 16 */
        public Builder stripes(int n) {
            if (n < 1 || n > 4096) {
                throw new IllegalArgumentException("affinity stripes must be an integer in [1, 4096], got " + n);
            }
            this.stripes = n;
            return this;
        }

        /** The configuration; the builder may be reused. */
        public AffinityConfig build() {
            return new AffinityConfig(this);
        }
    }
}
