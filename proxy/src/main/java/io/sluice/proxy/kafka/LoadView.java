package io.sluice.proxy.kafka;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.proxy.Cluster;
import io.sluice.proxy.RoutingSnapshot;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The other proxy instances' load, as of their last fresh reports on the load-view topic, and the
 * one thing it does: set each backend's {@link BackendLoad#setRemoteInFlight remote in-flight
 * count} to the sum over the peers, which every load-aware strategy adds to its own count
 * (docs/kafka.md, "One load view across instances").
 *
 * <h2>Staleness</h2>
 * A report counts until {@code staleness} after it was made: it expires at
 * {@code arrival + staleness - age}, where {@code age = now - timestamp} on this instance's wall
 * clock at arrival, clamped to [0, staleness] (a peer whose clock runs ahead does not make its
 * reports live longer than {@code staleness} after arrival). A report already that old on arrival
 * is refused and counted. When a peer stops reporting (it stopped, Kafka is down, the consumer
 * lags), its share of every backend drops to 0 at expiry and routing falls back to local counts.
 *
 * <p>Thread safety: confined to the consumer thread. The loads it writes are read by the event
 * loops (opaque int stores, see {@link BackendLoad}).
 */
final class LoadView {
    /** One peer's last report on one backend. */
    private static final class Share {
        int inFlight;
        double latencyMs;
        long expiresNanos;
    }

    private final String ownInstance;
    private final long stalenessNanos;
    /** cluster -> backend -> peer instance -> its last report. */
    private final Map<String, Map<String, Map<String, Share>>> shares = new HashMap<>();

    LoadView(String ownInstance, long stalenessNanos) {
        this.ownInstance = ownInstance;
        this.stalenessNanos = stalenessNanos;
    }

    /** What became of a report. */
    enum Outcome { APPLIED, STALE, OWN }

    /**
     * Takes one report in. The loads are not touched until {@link #publishTo}.
     *
     * @param nowNanos  this instance's monotonic clock at arrival
     * @param nowMillis this instance's wall clock at arrival
     */
    Outcome accept(ControlMessages.LoadViewReport r, long nowNanos, long nowMillis) {
        if (r.instance().equals(ownInstance)) {
            return Outcome.OWN;
        }
        long ageNanos = Math.max(0, nowMillis - r.timestamp()) * 1_000_000L;
        if (ageNanos >= stalenessNanos) {
            return Outcome.STALE;
        }
        Share s = shares.computeIfAbsent(r.cluster(), k -> new HashMap<>())
                .computeIfAbsent(r.backend(), k -> new HashMap<>())
                .computeIfAbsent(r.instance(), k -> new Share());
        s.inFlight = r.inFlight();
        s.latencyMs = r.latencyEwmaMs() == null ? Double.NaN : r.latencyEwmaMs();
        s.expiresNanos = nowNanos + stalenessNanos - ageNanos;
        return Outcome.APPLIED;
    }

    /**
     * Drops expired reports and sets every backend of {@code snapshot} to the sum of its peers'
     * fresh counts (0 for a backend nobody reports on). O(backends + reports); a load whose sum
     * did not change is not written (see {@link BackendLoad#setRemoteInFlight}).
     *
     * @return backends whose remote count changed
     */
    int publishTo(RoutingSnapshot snapshot, long nowNanos) {
        int changed = 0;
        if (snapshot == null) {
            return 0;
        }
        for (Cluster c : snapshot.clusters()) {
            Map<String, Map<String, Share>> byBackend = shares.get(c.name());
            for (Endpoint e : c.loadBalancer().endpoints().all()) {
                Map<String, Share> peers = byBackend == null ? null : byBackend.get(e.id());
                int sum = peers == null ? 0 : sum(peers, nowNanos);
                BackendLoad load = e.load();
                if (load.remoteInFlight() != sum) {
                    load.setRemoteInFlight(sum);
                    changed++;
                }
            }
        }
        return changed;
    }

    /** Drops every report that has expired, so peers that left do not accumulate. */
    void expire(long nowNanos) {
        for (Iterator<Map<String, Map<String, Share>>> ci = shares.values().iterator(); ci.hasNext(); ) {
            Map<String, Map<String, Share>> byBackend = ci.next();
            for (Iterator<Map<String, Share>> bi = byBackend.values().iterator(); bi.hasNext(); ) {
                Map<String, Share> peers = bi.next();
                peers.values().removeIf(s -> s.expiresNanos <= nowNanos);
                if (peers.isEmpty()) {
                    bi.remove();
                }
            }
            if (byBackend.isEmpty()) {
                ci.remove();
            }
        }
    }

    private static int sum(Map<String, Share> peers, long nowNanos) {
        long sum = 0;
        for (Share s : peers.values()) {
            if (s.expiresNanos > nowNanos) {
                sum += s.inFlight;
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, sum);
    }
}
