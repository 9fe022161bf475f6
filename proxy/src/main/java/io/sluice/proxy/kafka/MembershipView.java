package io.sluice.proxy.kafka;

import io.sluice.config.HostPort;
import io.sluice.config.proxy.ProxyConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the membership and health topics say, and the config it makes from the file's: pure state,
 * no I/O, driven by one thread (the consumer's).
 *
 * <h2>The rule</h2>
 * For a cluster with {@code membership: kafka} the backends are the topic's members; with
 * {@code both} the file's backends plus the topic's (a member with a file backend's id replaces it);
 * with {@code static} the file's. Then, in every cluster, a backend leaves the picker's set when it is
 * drained (membership) or the Node Manager's last verdict says unhealthy. What is left goes through
 * the proxy's own active and passive health as before: a backend takes traffic only when the Node
 * Manager has not said unhealthy AND active checks have not marked it down AND passive outlier
 * detection has not ejected it. A verdict stands until the next one for that backend (the health
 * topic is compacted state).
 *
 * <p>Not thread-safe: one writer.
 */
final class MembershipView {
    /** A member as the topic last described it. */
    record Member(String id, HostPort address, int weight, String zone, boolean drained, long heardMillis) {
    }

    private final Map<String, Map<String, Member>> members = new HashMap<>();
    /** cluster -> backend -> unhealthy (only unhealthy verdicts are kept). */
    private final Map<String, Map<String, String>> unhealthy = new HashMap<>();

    /** @return true when the view changed */
    boolean apply(ControlMessages.Membership m, long nowMillis) {
        Map<String, Member> c = members.computeIfAbsent(m.cluster(), k -> new LinkedHashMap<>());
        Member old = c.get(m.backend());
        Member next;
        switch (m.action()) {
            case "leave" -> {
                return c.remove(m.backend()) != null;
            }
            case "drain", "undrain" -> {
                if (old == null) {
                    return false;
                }
                next = new Member(old.id(), old.address(), old.weight(), old.zone(), m.action().equals("drain"),
                        nowMillis);
            }
            default -> {
                HostPort address = HostPort.parse(m.address());
                int weight = m.weight() == null ? (old == null ? 1 : old.weight()) : m.weight();
                String zone = m.zone() == null ? (old == null ? "default" : old.zone()) : m.zone();
                next = new Member(m.backend(), address, weight, zone, old != null && old.drained(), nowMillis);
            }
        }
        c.put(m.backend(), next);
        return old == null || !sameShape(old, next);
    }

    /** @return true when the view changed */
    boolean apply(ControlMessages.HealthVerdict v) {
        Map<String, String> c = unhealthy.computeIfAbsent(v.cluster(), k -> new HashMap<>());
        if (v.healthy()) {
            return c.remove(v.backend()) != null;
        }
        String reason = v.reason() == null ? "node manager" : v.reason();
        return !reason.equals(c.put(v.backend(), reason));
    }

    /** Members not heard of since {@code cutoffMillis} leave; @return true when any did. */
    boolean expire(long cutoffMillis) {
        boolean changed = false;
        for (Map<String, Member> c : members.values()) {
            changed |= c.values().removeIf(m -> m.heardMillis() < cutoffMillis);
        }
        return changed;
    }

    /** The config the proxy should run: {@code file}'s clusters with this view applied. */
    ProxyConfig compose(ProxyConfig file) {
        List<ProxyConfig.Cluster> clusters = new ArrayList<>();
        for (ProxyConfig.Cluster c : file.clusters()) {
            Map<String, ProxyConfig.BackendEntry> out = new LinkedHashMap<>();
            if (c.membership() != ProxyConfig.Membership.KAFKA) {
                for (ProxyConfig.BackendEntry b : c.backends()) {
                    out.put(b.id(), b);
                }
            }
            Map<String, Member> topic = members.getOrDefault(c.name(), Map.of());
            if (c.membership() != ProxyConfig.Membership.STATIC) {
                for (Member m : topic.values()) {
                    out.put(m.id(), new ProxyConfig.BackendEntry(m.id(), m.address(), m.weight(), m.zone()));
                }
            }
            Map<String, String> down = unhealthy.getOrDefault(c.name(), Map.of());
            out.keySet().removeIf(id -> down.containsKey(id)
                    || (topic.containsKey(id) && topic.get(id).drained() && c.membership() != ProxyConfig.Membership.STATIC));
            clusters.add(c.withBackends(new ArrayList<>(out.values())));
        }
        return file.withClusters(clusters);
    }

    int members() {
        return members.values().stream().mapToInt(Map::size).sum();
    }

    private static boolean sameShape(Member a, Member b) {
        return a.address().equals(b.address()) && a.weight() == b.weight() && a.zone().equals(b.zone())
                && a.drained() == b.drained();
    }
}
