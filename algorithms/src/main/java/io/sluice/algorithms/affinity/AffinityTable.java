package io.sluice.algorithms.affinity;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Session affinity: remembers which backend each key (a session id, an MQTT client id, a device id)
 * was sent to, so that its next requests go to the same one while it stays available.
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>A lookup of a remembered key whose backend is available is a <b>hit</b>: the same backend,
 *       and the key's idle timer starts again (lookups refresh the TTL).</li>
 *   <li>A remembered key whose backend is unavailable (unhealthy, ejected, draining or gone: the
 *       caller's predicate decides) is <b>moved</b>: the caller's chooser picks a new backend and
 *       the key maps there from now on. If the chooser finds nothing, the lookup answers null and
 *       the old mapping stays, so the key goes home if its backend comes back.</li>
 *   <li>A key not remembered, or idle for {@code idle-ttl} or longer (an <b>expiration</b>), is a
 *       <b>miss</b>: the chooser picks and the choice is remembered.</li>
 *   <li>Every lookup counts exactly one of hit, move, miss (a miss also when nothing could be
 *       chosen; a hit also when the chooser insists on the unavailable backend).</li>
 *   <li>The table never holds more than {@code max-entries} keys. To make room it first drops
 *       expired keys, then <b>evicts</b> the least recently used one.</li>
 * </ul>
 *
 * <h2>Eviction is approximate LRU</h2>
 * The table is split by key hash into {@code stripes} independently locked parts (as Guava's cache
 * is split into segments), each with an exact LRU list and an equal share of {@code max-entries}.
 * The evicted key is the least recently used of its stripe, not necessarily of the table, and a
 * full stripe may evict while others have room. With {@code stripes = 1} eviction is exact LRU.
 * The size bound is exact either way.
 *
 * <p>Thread safety: every method may be called from any thread; there is no lock over the whole
 * table on the lookup path, only the key's stripe lock, held for a map lookup and, on a miss or a
 * move, one call of the chooser (which must therefore be quick and must not use this table;
 * a {@link io.sluice.algorithms.Picker} is). Holding the stripe lock across the choice is what makes
 * two racing first requests of one key agree on its backend. In single-threaded use the table is
 * deterministic: stripes follow {@link String#hashCode()} and each stripe's order follows the calls.
 */
public interface AffinityTable {

    /** An empty table with these settings. */
    static AffinityTable create(AffinityConfig config) {
        return new StripedLruTable(Objects.requireNonNull(config, "config"));
    }

    /**
     * The backend for {@code key}: its remembered one if available, else a newly chosen one.
     *
     * @param nowNanos  the caller's clock; idle time is measured on it
     * @param available whether a backend id may take this request now
     * @param choose    picks a backend id for the key among the available ones, or returns null
     * @return the backend id, or null when the key has no available backend and none could be chosen
     */
    String route(String key, long nowNanos, Predicate<String> available, Function<String, String> choose);

    /** {@link #route(String, long, Predicate, Function)} with the available backends as a set. */
    default String route(String key, long nowNanos, Set<String> available, Function<String, String> choose) {
        return route(key, nowNanos, available::contains, choose);
    }

    /** Forgets {@code key}; returns whether it was remembered (expired or not). Not counted. */
    boolean remove(String key);

    /** Drops keys idle for {@code idle-ttl} or longer; returns how many (counted as expirations). */
    int purgeExpired(long nowNanos);

    /** Keys held now, expired ones not yet dropped included. */
    int size();

    /** Counters since creation. */
    AffinityStats stats();

    /** The settings this table was created with. */
    AffinityConfig config();

    /**
     * Counters since the table was created.
     *
     * @param hits        lookups answered by the remembered, available backend
     * @param misses      lookups of unknown or expired keys, or with nothing to choose
     * @param moves       lookups whose remembered backend was unavailable and that moved the key
     * @param evictions   live keys dropped to make room
     * @param expirations keys dropped because they were idle for {@code idle-ttl}
     * @param size        keys held now
     */
    record AffinityStats(long hits, long misses, long moves, long evictions, long expirations, int size) {
        /** Every lookup: hits + misses + moves. */
        public long lookups() {
            return hits + misses + moves;
        }
    }
}
