package io.sluice.proxy.kafka;

import io.sluice.algorithms.ratelimit.GlobalRateLimiter;
import io.sluice.algorithms.ratelimit.GlobalShare;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The peers' usage of the {@code scope: global} rate limits, as of their last fresh reports on the
 * rate-usage topic, and the one thing it does: set this instance's share of each limit and key
 * from it ({@link GlobalShare#demandShare}), once per interval, right after this instance took its
 * own usage (the same figures it publishes, so all instances divide by the same totals).
 *
 * <h2>A stale or missing peer</h2>
 * A report counts until {@code staleness} after it was made (its age on this instance's wall
 * clock at arrival, as the load view does). A peer whose reports stop counting has left the fleet
 * as far as the shares go: the others divide the limit among themselves, and an instance with no
 * fresh peer enforces the whole limit. A peer that stopped has no share to keep, so its share is
 * back in use within the staleness; one cut off from Kafka but still serving cannot be told apart
 * from it, and keeps its last share (below), so the fleet then admits up to that share more than
 * the limit until the cut heals: availability is chosen over strictness.
 *
 * <p>When this instance's own reports stop coming back, Kafka is away (for it), not the peers:
 * nothing is known to have changed, so every share stays where it was (counted as frozen) instead
 * of this instance taking the whole limit.
 *
 * <p>Thread safety: {@link #accept} on the consumer thread, {@link #rebalance} on the publisher
 * thread; every method is synchronized (a report is a few hundred keys at most, a rebalance one
 * pass over them).
 */
final class RateUsageView {
    /** One peer's last report on one limit. */
    private record Report(Map<String, Double> offered, long expiresNanos) {
    }

    private final String ownInstance;
    private final long stalenessNanos;
    /** limit -> peer instance -> its last report. */
    private final Map<String, Map<String, Report>> peers = new HashMap<>();
    /** When this instance's own last report came back; {@code hasEcho} false before the first. */
    private long ownEchoNanos;
    private boolean hasEcho;

    RateUsageView(String ownInstance, long stalenessNanos) {
        this.ownInstance = ownInstance;
        this.stalenessNanos = stalenessNanos;
    }

    /** What became of a report. */
    enum Outcome { APPLIED, STALE, OWN }

    /**
     * Takes one report in.
     *
     * @param nowNanos  this instance's monotonic clock at arrival
     * @param nowMillis this instance's wall clock at arrival
     */
    synchronized Outcome accept(ControlMessages.RateUsageReport r, long nowNanos, long nowMillis) {
        long ageNanos = Math.max(0, nowMillis - r.timestamp()) * 1_000_000L;
        if (r.instance().equals(ownInstance)) {
            hasEcho = true;
            ownEchoNanos = nowNanos - Math.min(ageNanos, stalenessNanos);
            return Outcome.OWN;
        }
        if (ageNanos >= stalenessNanos) {
            return Outcome.STALE;
        }
        Map<String, Double> offered = new HashMap<>();
        for (ControlMessages.KeyUsage k : r.keys()) {
            offered.merge(k.key(), k.offered(), Double::sum);
        }
        peers.computeIfAbsent(r.limit(), k -> new HashMap<>())
                .put(r.instance(), new Report(offered, nowNanos + stalenessNanos - ageNanos));
        return Outcome.APPLIED;
    }

    /**
     * Sets the shares of {@code limit} from {@code own} (this interval's usage) and the fresh
     * peers' reports; keys idle here keep their shares while their buckets refill.
     *
     * @return false when the shares were left as they were because Kafka is away
     */
    synchronized boolean rebalance(String limit, GlobalRateLimiter g, Map<String, GlobalRateLimiter.Usage> own,
                                   long nowNanos) {
        if (hasEcho && nowNanos - ownEchoNanos > stalenessNanos) {
            return false;
        }
        Map<String, Report> reports = peers.getOrDefault(limit, Map.of());
        int instances = 1;
        for (Report r : reports.values()) {
            if (r.expiresNanos > nowNanos) {
                instances++;
            }
        }
        g.setDefaultShare(1.0 / instances);
        for (Map.Entry<String, GlobalRateLimiter.Usage> e : own.entrySet()) {
            double others = 0;
            for (Report r : reports.values()) {
                if (r.expiresNanos > nowNanos) {
                    others += r.offered.getOrDefault(e.getKey(), 0.0);
                }
            }
            g.setShare(e.getKey(), GlobalShare.demandShare(e.getValue().offered(), others, instances), nowNanos);
        }
        return true;
    }

    /** Peers with a fresh report on {@code limit}. */
    synchronized int freshPeers(String limit, long nowNanos) {
        int n = 0;
        for (Report r : peers.getOrDefault(limit, Map.of()).values()) {
            if (r.expiresNanos > nowNanos) {
                n++;
            }
        }
        return n;
    }

    /** Drops expired reports, so peers and limits that left do not accumulate. */
    synchronized void expire(long nowNanos) {
        for (Iterator<Map<String, Report>> it = peers.values().iterator(); it.hasNext(); ) {
            Map<String, Report> byPeer = it.next();
            byPeer.values().removeIf(r -> r.expiresNanos <= nowNanos);
            if (byPeer.isEmpty()) {
                it.remove();
            }
        }
    }
}
