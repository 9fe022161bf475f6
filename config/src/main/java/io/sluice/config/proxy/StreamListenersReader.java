package io.sluice.config.proxy;

import io.sluice.algorithms.Range;
import io.sluice.algorithms.ratelimit.KeySource;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.config.ByteSize;
import io.sluice.config.HostPort;
import io.sluice.config.Problems;
import java.util.ArrayList;
import java.util.List;

/** The validation pass of a {@code tcp} or {@code mqtt} listener. */
final class StreamListenersReader {
    static final Range RELAY_IDLE = Range.duration(1_000_000L, 7L * 86_400_000_000_000L);
    static final Range CONNECT_PACKET = Range.duration(1_000_000L, 300_000_000_000L);
    static final Range RATE = Range.number(0, 1_000_000);
    static final Range BURST = Range.wholeNumber(1, 1_000_000);
    /** tcp and mqtt relays: 10 minutes without a byte either way (MQTT keep-alives are far shorter). */
    static final long DEFAULT_IDLE = 600_000_000_000L;

    private final Problems problems;

    StreamListenersReader(Problems problems) {
        this.problems = problems;
    }

    ProxyConfig.StreamListener read(String path, StreamListenerSection s, List<String> clusters) {
        String name = Names.name(problems, Problems.join(path, "name"), s.name());
        HostPort bind = problems.required(Problems.join(path, "bind"), s.bind(), HostPort.FORM
                + " (port 0: any free port)");
        Integer maxConnections = problems.integer(Problems.join(path, "max-connections"), s.maxConnections(),
                ListenersReader.MAX_CONNECTIONS, 10_000);
        String cp = Problems.join(path, "cluster");
        String cluster = problems.required(cp, s.cluster(), "the name of the cluster its connections go to");
        if (cluster != null && clusters != null && !clusters.contains(cluster)) {
            problems.error(cp, "no cluster is named '" + cluster + "'; clusters: "
                    + (clusters.isEmpty() ? "(none)" : String.join(", ", clusters)));
        }
        ProxyConfig.ProxyProtocol pp = proxyProtocol(Problems.join(path, "proxy-protocol"), s.proxyProtocol());
        ProxyConfig.ConnectionRateLimit rl = rateLimit(Problems.join(path, "rate-limit"), s.rateLimit());
        String tp = Problems.join(path, "timeouts");
        Long idle = DEFAULT_IDLE;
        ProxyConfig.Mqtt mqtt = null;
        String protocol;
        if (s instanceof StreamListenerSection.Tcp tcp) {
            protocol = "tcp";
            if (tcp.timeouts() != null) {
                idle = problems.duration(Problems.join(tp, "idle"), tcp.timeouts().idle(), RELAY_IDLE, DEFAULT_IDLE);
            }
        } else {
            StreamListenerSection.Mqtt m = (StreamListenerSection.Mqtt) s;
            protocol = "mqtt";
            ProxyConfig.Mqtt d = ProxyConfig.Mqtt.DEFAULTS;
            Long connect = d.connectTimeoutNanos();
            if (m.timeouts() != null) {
                idle = problems.duration(Problems.join(tp, "idle"), m.timeouts().idle(), RELAY_IDLE, DEFAULT_IDLE);
                connect = problems.duration(Problems.join(tp, "connect-packet"), m.timeouts().connectPacket(),
                        CONNECT_PACKET, d.connectTimeoutNanos());
            }
            String sp = Problems.join(path, "max-connect-size");
            // 268,435,455 is the largest remaining length MQTT's variable-length integer can say.
            String allowed = "a size from 64 bytes to 1MiB: " + ByteSize.FORM;
            ByteSize size = problems.value(sp, m.maxConnectSize(), new ByteSize(d.maxConnectBytes()), allowed);
            if (m.maxConnectSize() != null && (size.bytes() < 64 || size.bytes() > 1 << 20)) {
                problems.error(sp, problems.written(sp) + " is out of range; " + allowed);
                size = new ByteSize(d.maxConnectBytes());
            }
            String key = problems.choice(Problems.join(path, "affinity-key"), m.affinityKey(),
                    List.of("client-id", "username"), d.affinityKey());
            mqtt = new ProxyConfig.Mqtt(connect == null ? d.connectTimeoutNanos() : connect, (int) size.bytes(),
                    key == null ? d.affinityKey() : key, connectLimits(Problems.join(path, "rate-limits"), m.rateLimits()),
                    websocketPath(Problems.join(path, "websocket"), m.websocket()));
        }
        ListenerTls tls = new TlsReader(problems).read(Problems.join(path, "tls"), s.tls());
        if (name == null || bind == null || maxConnections == null || cluster == null
                || (s.tls() != null && tls == null)) {
            return null;
        }
        return new ProxyConfig.StreamListener(name, bind, protocol, maxConnections, cluster,
                idle == null ? DEFAULT_IDLE : idle, pp, rl, mqtt, tls);
    }

    /** The key sources an MQTT CONNECT has a value for; the others would put every client in one budget. */
    static final List<KeySource> MQTT_KEYS = List.of(KeySource.CLIENT_IP, KeySource.CIDR, KeySource.LISTENER,
            KeySource.MQTT_CLIENT_ID, KeySource.CLIENT_CERT);

    /**
     * An mqtt listener's {@code rate-limits}: the HTTP entries, read by {@link ProtectionReader}, with
     * the keys a CONNECT can answer.
     */
    private List<Protection.RateLimitRule> connectLimits(String path, List<ProtectionSections.RateLimitSection> s) {
        if (s != null) {
            for (int i = 0; i < s.size(); i++) {
                List<String> key = s.get(i) == null ? null : s.get(i).key();
                for (int j = 0; key != null && j < key.size(); j++) {
                    LimitKey.Part part = key.get(j) == null ? null : ProtectionReader.part(key.get(j).trim());
                    if (part != null && !MQTT_KEYS.contains(part.source())) {
                        problems.error(Problems.index(Problems.join(Problems.index(path, i), "key"), j),
                                "'" + key.get(j) + "' has no value on an mqtt listener; write client-ip,"
                                        + " cidr:<ipv4 bits>[:<ipv6 bits>], listener, mqtt-client-id or client-cert");
                    }
                }
            }
        }
        return new ProtectionReader(problems).rateLimits(path, s);
    }

    /** {@code websocket: { path: /mqtt }}: an absolute path without query, spaces or fragment; absent: null. */
    private String websocketPath(String path, StreamListenerSection.WebSocketSection s) {
        if (s == null) {
            return null;
        }
        String pp = Problems.join(path, "path");
        String p = problems.required(pp, s.path(), "the path clients upgrade on, e.g. /mqtt");
        if (p != null && (!p.startsWith("/") || p.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c > '~'))) {
            problems.error(pp, "'" + p + "' is not a path; a path starts with / and has no spaces, ? or #, e.g. /mqtt");
            return null;
        }
        return p;
    }

    private ProxyConfig.ProxyProtocol proxyProtocol(String path, StreamListenerSection.ProxyProtocolSection s) {
        if (s == null) {
            return ProxyConfig.ProxyProtocol.NONE;
        }
        boolean accept = problems.bool(Problems.join(path, "accept"), s.accept(), false);
        List<String> trusted = new ArrayList<>();
        String tp = Problems.join(path, "trusted-sources");
        if (s.trustedSources() != null) {
            for (int i = 0; i < s.trustedSources().size(); i++) {
                String c = s.trustedSources().get(i);
                String at = Problems.index(tp, i);
                try {
                    Cidr.parse(c);
                    trusted.add(c);
                } catch (IllegalArgumentException e) {
                    problems.error(at, e.getMessage());
                }
            }
        }
        if (accept && s.trustedSources() == null) {
            problems.error(tp, "required when accept is true: the CIDR blocks of the balancers in front"
                    + " (e.g. [10.0.0.0/8, 127.0.0.1/32])");
        }
        String send = problems.choice(Problems.join(path, "send"), s.send(), List.of("none", "v1", "v2"), "none");
        return new ProxyConfig.ProxyProtocol(accept, trusted, send == null ? "none" : send);
    }

    private ProxyConfig.ConnectionRateLimit rateLimit(String path, StreamListenerSection.RateLimitSection s) {
        if (s == null) {
            return ProxyConfig.ConnectionRateLimit.NONE;
        }
        Double rate = problems.number(Problems.join(path, "per-second"), s.perSecond(), RATE, 0.0);
        Double perSource = problems.number(Problems.join(path, "per-source-per-second"), s.perSourcePerSecond(),
                RATE, 0.0);
        double r = rate == null ? 0 : rate;
        double ps = perSource == null ? 0 : perSource;
        // A burst defaults to one second's worth, at least one connection.
        Long burst = problems.wholeNumber(Problems.join(path, "burst"), s.burst(), BURST,
                Math.max(1L, (long) Math.ceil(r)));
        Long sourceBurst = problems.wholeNumber(Problems.join(path, "per-source-burst"), s.perSourceBurst(), BURST,
                Math.max(1L, (long) Math.ceil(ps)));
        return new ProxyConfig.ConnectionRateLimit(r, burst == null ? 1 : burst, ps,
                sourceBurst == null ? 1 : sourceBurst);
    }
}
