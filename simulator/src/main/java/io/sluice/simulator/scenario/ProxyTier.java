package io.sluice.simulator.scenario;

import io.sluice.config.ConfigError;
import io.sluice.config.ConfigException;
import io.sluice.config.Problems;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.simulator.model.BackendGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A proxy config's cluster as the simulated load-balancer tier: its policy as it is, and its
 * backends matched to the scenario's capacity model.
 *
 * <h2>How backends are matched</h2>
 * By id, exactly: every backend of the cluster must be a backend of the scenario (a group's
 * {@code <name>-<index>} ids, or the ids it lists with {@code ids:}), and every backend of the
 * scenario a backend of the cluster. The capacity (servers, service time, speed, queue,
 * discipline, check work) comes from the scenario; what the load balancer knows of a backend
 * (weight, zone) and the order it lists them in come from the proxy config, so a scenario group
 * may not set weight or zone. A mismatch names the ids on each side.
 */
final class ProxyTier {
    private ProxyTier() {
    }

    /**
     * Reads a proxy config and picks its cluster; errors of the proxy file are added as they are.
     *
     * @param path    where the reference is, for the order of errors and the cluster-name errors
     * @param cluster the cluster's name, or null when the config must have exactly one
     * @return null after recording the problems
     */
    static ProxyConfig.Cluster cluster(Problems problems, String path, String clusterPath,
                                       Supplier<ProxyConfig> load, String cluster) {
        ProxyConfig config;
        try {
            config = load.get();
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                problems.add(path, err);
            }
            return null;
        }
        List<String> names = new ArrayList<>();
        config.clusters().forEach(c -> names.add(c.name()));
        if (cluster == null) {
            if (config.clusters().size() == 1) {
                return config.clusters().get(0);
            }
            problems.error(clusterPath, "required: the proxy config has " + names.size() + " clusters ("
                    + String.join(", ", names) + "); name the one to simulate");
            return null;
        }
        ProxyConfig.Cluster c = config.cluster(cluster);
        if (c == null) {
            problems.error(clusterPath, "'" + cluster + "' is not a cluster of the proxy config; clusters: "
                    + String.join(", ", names));
        }
        return c;
    }

    /**
     * The cluster's backends, in its order, each a one-backend group with the scenario's capacity
     * and the proxy's weight and zone; null after recording the problems.
     *
     * @param what names the config in errors ("the proxy config", "the proposed config")
     */
    static List<BackendGroup> backends(Problems problems, ProxyConfig.Cluster cluster, List<BackendsReader.Group> groups,
                                       String what) {
        Map<String, BackendGroup> capacity = new LinkedHashMap<>();
        boolean ok = true;
        for (int g = 0; g < groups.size(); g++) {
            BackendsReader.Group group = groups.get(g);
            String path = Problems.index("backends", g);
            if (group.weightGiven()) {
                problems.error(Problems.join(path, "weight"), "the load balancer's weights come from " + what
                        + "; remove it here");
                ok = false;
            }
            if (group.zoneGiven()) {
                problems.error(Problems.join(path, "zone"), "the backends' zones come from " + what
                        + "; remove it here");
                ok = false;
            }
            for (BackendGroup part : group.parts()) {
                for (int i = 0; i < part.count(); i++) {
                    capacity.put(part.backendId(i), part);
                }
            }
        }
        Set<String> proxyIds = new LinkedHashSet<>();
        cluster.backends().forEach(b -> proxyIds.add(b.id()));
        List<String> missing = new ArrayList<>();
        for (String id : proxyIds) {
            if (!capacity.containsKey(id)) {
                missing.add(id);
            }
        }
        List<String> extra = new ArrayList<>();
        for (String id : capacity.keySet()) {
            if (!proxyIds.contains(id)) {
                extra.add(id);
            }
        }
        if (!missing.isEmpty()) {
            problems.error("backends", "cluster '" + cluster.name() + "' of " + what + " has backends the capacity"
                    + " model does not define: " + String.join(", ", missing) + "; backends are matched by id (a"
                    + " group's <name>-<index>, or its ids: list); the scenario defines " + list(capacity.keySet()));
            ok = false;
        }
        if (!extra.isEmpty()) {
            problems.error("backends", "the capacity model defines backends cluster '" + cluster.name() + "' of "
                    + what + " does not have: " + String.join(", ", extra) + "; its backends are "
                    + String.join(", ", proxyIds));
            ok = false;
        }
        if (!ok) {
            return null;
        }
        List<BackendGroup> out = new ArrayList<>();
        for (ProxyConfig.BackendEntry b : cluster.backends()) {
            BackendGroup c = capacity.get(b.id());
            out.add(BackendGroup.builder(c.name(), 1).concurrency(c.concurrency()).serviceTime(c.serviceTime())
                    .speed(c.speed()).discipline(c.discipline()).queueCapacity(c.queueCapacity())
                    .healthCheckWorkNanos(c.healthCheckWorkNanos()).ids(List.of(b.id())).weight(b.weight())
                    .zone(b.zone()).build());
        }
        return out;
    }

    private static String list(Set<String> ids) {
        return ids.isEmpty() ? "none" : String.join(", ", ids);
    }
}
