package io.sluice.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.affinity.AffinityConfig;
import io.sluice.algorithms.affinity.AffinityTable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A cluster's {@link AffinityTable} for header or source affinity with a strategy that does not
 * hash the key, and the timer that drops idle keys.
 *
 * <p>The table forgets a key idle for the TTL on its own when the key is looked up again or room
 * is needed; the purge only keeps memory and the {@code entries} gauge honest for keys that never
 * come back. It runs every {@code min(ttl, 60 s)} (at least every second), so an idle key lingers
 * at most about one period past its TTL.
 *
 * <p>Thread safety: the table is thread-safe; {@link #stop()} may be called from any thread.
 */
final class SessionAffinity {
    private static final long MAX_PURGE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final long MIN_PURGE_PERIOD_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final AffinityTable table;
    private final AffinityConfig config;
    private final ScheduledFuture<?> purge;

    private SessionAffinity(AffinityTable table, AffinityConfig config, ScheduledFuture<?> purge) {
        this.table = table;
        this.config = config;
        this.purge = purge;
    }

    /**
     * A new table with the policy's settings; the purge timer runs on one of the services' event
     * loops, or not at all when {@code services} is null.
     */
    static SessionAffinity start(AffinityConfig config, Environment env, Cluster.Services services) {
        AffinityTable table = AffinityTable.create(config);
        long ttlNanos = config.idleTtlNanos();
        ScheduledFuture<?> purge = null;
        if (services != null) {
            long period = Math.max(MIN_PURGE_PERIOD_NANOS, Math.min(ttlNanos, MAX_PURGE_PERIOD_NANOS));
            EventExecutor loop = services.group().next();
            try {
                purge = loop.scheduleAtFixedRate(() -> table.purgeExpired(env.nanoTime()), period, period,
                        TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // No purge: the table still expires keys when they are looked up.
            }
        }
        return new SessionAffinity(table, config, purge);
    }

    AffinityTable table() {
        return table;
    }

    /** The settings the table was made with. */
    AffinityConfig config() {
        return config;
    }

    void stop() {
        if (purge != null) {
            purge.cancel(false);
        }
    }
}
