package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.config.HostPort;
import io.sluice.config.Problems;
import io.sluice.config.policy.PolicyReader;
import io.sluice.config.proxy.ClusterSection.BackendSection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The validation pass of the {@code clusters:} section: names, backends, and each cluster's policy. */
final class ClustersReader {
    /** A backend's {@code weight}: 1 to 1000000. */
    static final Range WEIGHT = Range.wholeNumber(1, 1_000_000);

    private final Problems problems;
    private final PolicyReader policies;

    ClustersReader(Problems problems, StrategyRegistry registry) {
        this.problems = problems;
        this.policies = new PolicyReader(problems, registry);
    }

    List<ProxyConfig.Cluster> read(List<ClusterSection> sections) {
        List<ProxyConfig.Cluster> out = new ArrayList<>();
        if (problems.required("clusters", sections, "a list of clusters, each with a name, a strategy and"
                + " backends") == null) {
            return out;
        }
        if (sections.isEmpty()) {
            problems.error("clusters", "at least one cluster is required");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            String path = Problems.index("clusters", i);
            ProxyConfig.Cluster c = cluster(path, sections.get(i));
            if (c != null && !names.add(c.name())) {
                problems.error(Problems.join(path, "name"), "'" + c.name() + "' is already the name of another"
                        + " cluster");
            } else if (c != null) {
                out.add(c);
            }
        }
        return out;
    }

    /** The names written in the clusters list, even of clusters with errors; null when there is no list. */
    static List<String> names(List<ClusterSection> sections) {
        if (sections == null) {
            return null;
        }
        List<String> names = new ArrayList<>();
        for (ClusterSection c : sections) {
            if (c != null && c.name() != null) {
                names.add(c.name());
            }
        }
        return names;
    }

    /**
     * Strategies the simulator runs but the proxy cannot, each with why and what to choose instead:
     * refused here rather than run differently.
     */
    static final java.util.Map<String, String> SIMULATOR_ONLY = java.util.Map.of("prequal", "prequal is"
            + " simulator-only: it balances on probes of each backend's requests in flight and latency, and the proxy"
            + " has no network prober to send them (it would silently fall back to its own counts); choose"
            + " p2c-least-request or p2c-peak-ewma, which use the same signals as the proxy sees them");

    private ProxyConfig.Cluster cluster(String path, ClusterSection s) {
        if (s == null) {
            return null;
        }
        String name = Names.name(problems, Problems.join(path, "name"), s.name());
        String sp = Problems.join(path, "strategy");
        StrategySpec strategy = problems.required(sp, s.strategy(), "a strategy name, or a mapping with name,"
                + " params and wrappers") == null ? null : policies.strategy(sp, s.strategy(), false);
        if (strategy != null && SIMULATOR_ONLY.containsKey(strategy.name())) {
            problems.error(sp, SIMULATOR_ONLY.get(strategy.name()));
            strategy = null;
        }
        String m = problems.choice(Problems.join(path, "membership"), s.membership(),
                List.of("static", "kafka", "both"), "static");
        ProxyConfig.Membership membership = m == null ? ProxyConfig.Membership.STATIC
                : ProxyConfig.Membership.valueOf(m.toUpperCase(java.util.Locale.ROOT));
        List<ProxyConfig.BackendEntry> backends = backends(Problems.join(path, "backends"), s.backends(),
                membership != ProxyConfig.Membership.KAFKA);
        ClusterPolicy policy = policies.policy(path, strategy, s.healthCheck(), s.outlierDetection(), s.timeouts(),
                s.retries(), s.sessionPersistence(), s.pickerRefresh(), s.ewmaDecay(), s.adaptiveConcurrency());
        String up = Problems.join(path, "upstream");
        ProxyConfig.UpstreamProtocol upstream = upstream(up, s.upstream());
        ProxyConfig.UpstreamTls tls = s.upstream() == null || s.upstream().tls() == null ? null
                : upstreamTls(Problems.join(up, "tls"), s.upstream().tls());
        boolean tlsBad = s.upstream() != null && s.upstream().tls() != null && tls == null;
        if (upstream == ProxyConfig.UpstreamProtocol.H2 && s.upstream().tls() == null) {
            problems.error(Problems.join(up, "protocol"), "h2 is HTTP/2 over TLS and needs a tls: block (at least"
                    + " tls: {} to verify the backends against the JDK's trust store); for HTTP/2 in clear write h2c");
            return null;
        }
        if (upstream == ProxyConfig.UpstreamProtocol.H2C && tls != null) {
            problems.error(Problems.join(up, "protocol"), "h2c is HTTP/2 in clear; with tls: write h2 (HTTP/2 over"
                    + " TLS, ALPN h2)");
            return null;
        }
        if (name == null || policy == null || tlsBad) {
            return null;
        }
        return new ProxyConfig.Cluster(name, backends, policy, membership, upstream, tls);
    }

    /** The {@code upstream:} block: its {@code protocol}, {@code http1} when the block or the key is absent. */
    private ProxyConfig.UpstreamProtocol upstream(String path, ClusterSection.UpstreamSection s) {
        if (s == null) {
            return ProxyConfig.UpstreamProtocol.HTTP1;
        }
        String p = problems.choice(Problems.join(path, "protocol"), s.protocol(), List.of("http1", "h2c", "h2"),
                "http1");
        return p == null ? ProxyConfig.UpstreamProtocol.HTTP1
                : ProxyConfig.UpstreamProtocol.valueOf(p.toUpperCase(java.util.Locale.ROOT));
    }

    /** The {@code upstream.tls:} block, or null after errors (recorded). */
    private ProxyConfig.UpstreamTls upstreamTls(String path, ClusterSection.UpstreamTlsSection s) {
        boolean ok = true;
        java.nio.file.Path ca = null;
        if (s.ca() != null) {
            ca = problems.readableFile(Problems.join(path, "ca"), s.ca());
            ok = ca != null;
        }
        String serverName = s.serverName();
        if (serverName != null) {
            String lower = serverName.trim().toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("*.") || !TlsReader.isServerName(lower)) {
                problems.error(Problems.join(path, "server-name"), "'" + serverName + "' is not a server name;"
                        + " write the DNS name the backends' certificates carry, like api.internal.example.com");
                ok = false;
            }
            serverName = lower;
        }
        boolean verify = problems.bool(Problems.join(path, "verify"), s.verify(), true);
        if (!verify && ca != null) {
            problems.error(Problems.join(path, "verify"), "verify: false accepts any certificate, so the ca: bundle"
                    + " would not be used; remove one of them");
            ok = false;
        }
        java.nio.file.Path cert = null;
        java.nio.file.Path key = null;
        if (s.certificate() != null && s.key() == null) {
            problems.error(Problems.join(path, "key"), "certificate: is set but key: is missing; a client certificate"
                    + " needs its PEM private key (PKCS#8)");
            ok = false;
        } else if (s.key() != null && s.certificate() == null) {
            problems.error(Problems.join(path, "certificate"), "key: is set but certificate: is missing; a client"
                    + " key needs its PEM certificate chain");
            ok = false;
        }
        if (s.certificate() != null) {
            cert = problems.readableFile(Problems.join(path, "certificate"), s.certificate());
            ok &= cert != null;
        }
        if (s.key() != null) {
            key = problems.readableFile(Problems.join(path, "key"), s.key());
            ok &= key != null;
        }
        return ok ? new ProxyConfig.UpstreamTls(ca, serverName, verify, cert, key) : null;
    }

    private List<ProxyConfig.BackendEntry> backends(String path, List<BackendSection> sections, boolean required) {
        List<ProxyConfig.BackendEntry> out = new ArrayList<>();
        if (!required && sections == null) {
            return out; // membership: kafka: the topic brings the backends
        }
        if (problems.required(path, sections, "a list of backends, each with an id and an address") == null) {
            return out;
        }
        if (sections.isEmpty() && required) {
            problems.error(path, "at least one backend is required");
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sections.size(); i++) {
            String at = Problems.index(path, i);
            BackendSection b = sections.get(i);
            if (b == null) {
                continue;
            }
            String id = Names.name(problems, Problems.join(at, "id"), b.id());
            if (id != null && !ids.add(id)) {
                problems.error(Problems.join(at, "id"), "'" + id + "' is already the id of another backend of this"
                        + " cluster");
                id = null;
            }
            String ap = Problems.join(at, "address");
            HostPort address = problems.required(ap, b.address(), HostPort.FORM + " with a port from 1 to 65535");
            if (address != null && address.port() == 0) {
                problems.error(ap, "'" + address + "' has port 0; a backend needs its real port, 1 to 65535");
                address = null;
            }
            Integer weight = problems.integer(Problems.join(at, "weight"), b.weight(), WEIGHT, 1);
            String zp = Problems.join(at, "zone");
            String zone = problems.text(zp, b.zone(), "default", "a zone name, like eu-west-1a");
            if (zone != null && zone.isBlank()) {
                problems.error(zp, "empty; give a zone name, like eu-west-1a, or leave it out (default)");
                zone = null;
            }
            if (id != null && address != null && weight != null && zone != null) {
                out.add(new ProxyConfig.BackendEntry(id, address, weight, zone));
            }
        }
        return out;
    }
}
