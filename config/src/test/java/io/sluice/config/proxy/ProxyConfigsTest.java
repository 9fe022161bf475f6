package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.health.InitialState;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.HealthCheckPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.config.ConfigException;
import io.sluice.config.HostPort;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyConfigsTest {
    private static final long S = 1_000_000_000L;

    static final String FULL = """
            admin:
              listen: 127.0.0.1:9901
            workers: 4
            access-log:
              path: "-"
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: http
                max-connections: 10000
                limits:
                  max-request-line: 8KiB
                  max-header-bytes: 32KiB
                  max-headers: 100
                  max-body-bytes: 10MiB
                timeouts:
                  request-headers: 10s
                  idle: 60s
                  stall: 2m
                routes:
                  - match:
                      host: api.example.com
                      path-prefix: /telemetry
                      methods: [POST, PUT]
                      headers: { x-tenant: acme }
                    cluster: telemetry
            clusters:
              - name: telemetry
                strategy:
                  name: round-robin
                  params: {}
                backends:
                  - { id: t1, address: 127.0.0.1:9001, weight: 1, zone: default }
                  - { id: t2, address: "[::1]:9002", weight: 3, zone: eu-1 }
                session-persistence:
                  mode: cookie
                  name: SLUICE_BACKEND
                  idle-ttl: 30m
                health-check:
                  type: http
                  path: /health
                  interval: 2s
                  timeout: 1s
                  rise: 2
                  fall: 3
                  expect-status: 200-399
                  initial-state: fully-up
                outlier-detection:
                  consecutive-5xx: 5
                  base-ejection-time: 30s
                  max-ejection-time: 300s
                  max-ejection-percent: 10
                  latency-factor: 0
                timeouts:
                  connect: 1s
                  response: 30s
                retries:
                  max-retries: 2
                  budget-percent: 20
                  idempotent-only: true
            """;

    static final String MINIMAL = """
            listeners:
              - name: web
                bind: 127.0.0.1:0
                routes: [ { cluster: c } ]
            clusters:
              - name: c
                strategy: round-robin
                backends: [ { id: a, address: 127.0.0.1:9001 } ]
            """;

    static List<String> errors(String yaml) {
        try {
            ProxyConfigs.parse(yaml);
        } catch (ConfigException e) {
            return e.lines();
        }
        throw new AssertionError("expected errors for:\n" + yaml);
    }

    @Test
    void kafkaLoadViewHasDefaultsAndRangesNamedInItsErrors() {
        ProxyConfig d = ProxyConfigs.parse(MINIMAL + "kafka: { bootstrap-servers: 127.0.0.1:9092 }\n");
        assertThat(d.kafka().loadViewIntervalNanos()).isEqualTo(250_000_000L);
        assertThat(d.kafka().loadViewStalenessNanos()).isEqualTo(1_000_000_000L);
        assertThat(d.kafka().topics().loadView()).isEqualTo("sluice.load-view");
        ProxyConfig off = ProxyConfigs.parse(MINIMAL
                + "kafka: { bootstrap-servers: k:9092, load-view: { interval: 0 }, topics: { load-view: lv } }\n");
        assertThat(off.kafka().loadViewIntervalNanos()).isZero();
        assertThat(off.kafka().topics().loadView()).isEqualTo("lv");
        assertThat(errors(MINIMAL + "kafka: { bootstrap-servers: k:9092, load-view: { interval: 5ms } }\n"))
                .anySatisfy(e -> assertThat(e).contains("kafka.load-view.interval").contains("0 (off) or 10ms to 1m"));
        assertThat(errors(MINIMAL + "kafka: { bootstrap-servers: k:9092, load-view: { interval: 1s, staleness: 1s } }\n"))
                .anySatisfy(e -> assertThat(e).contains("kafka.load-view.staleness")
                        .contains("must be longer than load-view.interval (1000ms)"));
    }

    @Test
    void parsesEveryKeyOfTheSchema() {
        ProxyConfig c = ProxyConfigs.parse(FULL);
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 9901));
        ProxyConfig.HttpListener l = (ProxyConfig.HttpListener) c.listeners().get(0);
        assertThat(l.limits()).isEqualTo(new ProxyConfig.Limits(8192, 32768, 100, 10L << 20));
        assertThat(l.timeouts()).isEqualTo(new ProxyConfig.ListenerTimeouts(10 * S, 60 * S, 120 * S));
        assertThat(l.routes().get(0).match()).isEqualTo(new ProxyConfig.Match("api.example.com", "/telemetry",
                List.of("POST", "PUT"), Map.of("x-tenant", "acme")));
        ProxyConfig.Cluster t = c.cluster("telemetry");
        assertThat(t.backends()).hasSize(2);
        assertThat(t.backends().get(1).address()).isEqualTo(new HostPort("::1", 9002));
        assertThat(t.backends().get(1).address().toString()).isEqualTo("[::1]:9002");
        ClusterPolicy p = t.policy();
        assertThat(p.affinity().mode()).isEqualTo(AffinityPolicy.Mode.COOKIE);
        HealthCheckPolicy h = p.healthCheck().orElseThrow();
        assertThat(h.type()).isEqualTo(HealthCheckPolicy.Type.HTTP);
        assertThat(h.expectStatusMin()).isEqualTo(200);
        assertThat(h.expectStatusMax()).isEqualTo(399);
        assertThat(h.checks().initialState()).isEqualTo(InitialState.FULLY_UP);
        assertThat(p.outlierDetection().orElseThrow().maxEjectionNanos()).isEqualTo(300 * S);
        assertThat(p.retries()).isEqualTo(RetryPolicy.builder().maxRetries(2).budgetPercent(20).build());
    }

    @Test
    void fillsDefaultsFromThePolicyModel() {
        ProxyConfig c = ProxyConfigs.parse(MINIMAL);
        ProxyConfig.HttpListener l = (ProxyConfig.HttpListener) c.listeners().get(0);
        assertThat(l.protocol()).isEqualTo("http");
        assertThat(l.maxConnections()).isEqualTo(10_000);
        assertThat(l.limits()).isEqualTo(ProxyConfig.Limits.DEFAULTS);
        assertThat(l.routes().get(0).match().pathPrefix()).isEqualTo("/");
        ProxyConfig.Cluster cl = c.clusters().get(0);
        assertThat(cl.backends().get(0).weight()).isEqualTo(1);
        assertThat(cl.policy()).isEqualTo(ClusterPolicy.of(io.sluice.algorithms.StrategySpec.of("round-robin")));
        assertThat(cl.policy().timeouts()).isEqualTo(new Timeouts(S, 30 * S));
        assertThat(cl.policy().outlierDetection()).as("off unless configured, as in Envoy").isEmpty();
        assertThat(c.accessLog().path()).isEqualTo("-");
        assertThat(c.admin().listen().toString()).isEqualTo("127.0.0.1:9901");
        assertThat(c.drainTimeoutNanos()).isEqualTo(30 * S);
    }

    @Test
    void aClusterUpstreamProtocolIsHttp1UnlessItSaysH2c() {
        assertThat(ProxyConfigs.parse(MINIMAL).clusters().get(0).upstream())
                .isEqualTo(ProxyConfig.UpstreamProtocol.HTTP1);
        assertThat(ProxyConfigs.parse(MINIMAL + "    upstream: { protocol: h2c }\n").clusters().get(0).upstream())
                .isEqualTo(ProxyConfig.UpstreamProtocol.H2C);
        assertThat(ProxyConfigs.parse(MINIMAL + "    upstream: {}\n").clusters().get(0).upstream())
                .isEqualTo(ProxyConfig.UpstreamProtocol.HTTP1);
        assertThat(errors(MINIMAL + "    upstream: { protocol: spdy }\n")).anySatisfy(e -> assertThat(e)
                .contains("clusters[0].upstream.protocol").contains("'spdy'").contains("one of http1, h2c, h2"));
    }

    @Test
    void anOutlierSectionTurnsDetectionOnWithEnvoysDefaults() {
        ProxyConfig c = ProxyConfigs.parse(MINIMAL + "    outlier-detection: {}\n");
        assertThat(c.clusters().get(0).policy().outlierDetection()).contains(
                io.sluice.algorithms.health.OutlierConfig.defaults());
    }

    @Test
    void equalConfigsAreEqualSoAReloadCanKeepUnchangedClusters() {
        assertThat(ProxyConfigs.parse(FULL)).isEqualTo(ProxyConfigs.parse(FULL));
        assertThat(ProxyConfigs.parse(FULL).clusters().get(0)).isNotEqualTo(
                ProxyConfigs.parse(FULL.replace("weight: 3", "weight: 4")).clusters().get(0));
    }

    @Test
    void aZeroWeightNamesItsLineAndPath() {
        assertThat(errors(MINIMAL.replace("address: 127.0.0.1:9001 }", "address: 127.0.0.1:9001, weight: 0 }")))
                .containsExactly("sluice.yaml:8: clusters[0].backends[0].weight: 0 is out of range; a whole number"
                        + " from 1 to 1000000");
    }

    @Test
    void anUnknownStrategyListsTheValidNames() {
        List<String> e = errors(MINIMAL.replace("strategy: round-robin", "strategy: fastest"));
        assertThat(e).hasSize(1);
        assertThat(e.get(0)).startsWith("sluice.yaml:7: clusters[0].strategy: unknown strategy 'fastest'; valid"
                + " strategies: ").contains("round-robin", "rendezvous");
    }

    @Test
    void aBadStrategyParameterIsReportedByTheRegistry() {
        List<String> e = errors(MINIMAL.replace("strategy: round-robin",
                "strategy: { name: round-robin, params: { choices: 3 } }"));
        assertThat(e).singleElement().asString().startsWith("sluice.yaml:7: clusters[0].strategy: ")
                .contains("unknown parameter 'choices'");
    }

    @Test
    void everyErrorIsReportedAtOnceInFileOrder() {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:99999
                    protocol: http
                    colour: blue
                    limits: { max-body-bytes: lots }
                    timeouts: { idle: 10 }
                    routes: [ { cluster: nope, match: { path-prefix: api } } ]
                clusters:
                  - name: c
                    strategy: round-robin
                    backends:
                      - { id: a, address: localhost }
                      - { id: a, address: 127.0.0.1:9002 }
                    session-persistence: { mode: sticky }
                    retries: { max-retries: -1 }
                """;
        assertThat(errors(yaml)).containsExactly(
                "sluice.yaml:3: listeners[0].bind: '127.0.0.1:99999' is not host:port; host:port, like"
                        + " 127.0.0.1:8080 or [::1]:8080 (port 0: any free port)",
                "sluice.yaml:5: listeners[0].colour: unknown key; allowed here: name, bind, max-connections, limits,"
                        + " timeouts, routes, tls, filters, rate-limits, accept-limits, jwt",
                "sluice.yaml:6: listeners[0].limits.max-body-bytes: 'lots' is not a size; a size from 0 to"
                        + " 4611686018427387903 bytes: bytes, or a whole number with B, KB, KiB, MB, MiB, GB or GiB,"
                        + " like 8KiB",
                "sluice.yaml:7: listeners[0].timeouts.idle: 10 is not a duration; a duration from 1ms to 24h with a"
                        + " unit (ns, us, ms, s, m, h), like 250ms or 10s",
                "sluice.yaml:8: listeners[0].routes[0].match.path-prefix: 'api' does not start with '/'; a path"
                        + " prefix like /api",
                "sluice.yaml:8: listeners[0].routes[0].cluster: no cluster is named 'nope'; clusters: c",
                "sluice.yaml:13: clusters[0].backends[0].address: 'localhost' is not host:port; host:port, like"
                        + " 127.0.0.1:8080 or [::1]:8080 with a port from 1 to 65535",
                "sluice.yaml:14: clusters[0].backends[1].id: 'a' is already the id of another backend of this"
                        + " cluster",
                "sluice.yaml:15: clusters[0].session-persistence.mode: 'sticky' is not allowed; one of none, cookie,"
                        + " header, source, client-cert",
                "sluice.yaml:16: clusters[0].retries.max-retries: -1 is out of range; a whole number from 0 to 10");
    }

    @Test
    void anUnknownProtocolListsTheProtocolsOfThisBuild() {
        assertThat(errors(MINIMAL.replace("    bind: 127.0.0.1:0\n", "    bind: 127.0.0.1:0\n    protocol: gopher\n")))
                .containsExactly("sluice.yaml:4: listeners[0].protocol: 'gopher' is not allowed; one of "
                        + String.join(", ", ListenerSection.protocols()));
    }

    @Test
    void datagramListenersNameOneCluster() {
        String udp = "listeners:\n  - name: u\n    bind: 127.0.0.1:0\n    protocol: udp\n    cluster: c\n"
                + "    max-flows: 10\n    idle-timeout: 5s\n"
                + "  - name: k\n    bind: 127.0.0.1:0\n    protocol: coap\n    cluster: c\n    dtls-cid-length: 6\n"
                + "clusters:\n  - name: c\n    strategy: round-robin\n    backends:\n"
                + "      - { id: a, address: '127.0.0.1:5683' }\n";
        ProxyConfig c = ProxyConfigs.parse(udp);
        ProxyConfig.DatagramListener u = (ProxyConfig.DatagramListener) c.listeners().get(0);
        assertThat(u.protocol()).isEqualTo("udp");
        assertThat(u.maxFlows()).isEqualTo(10);
        assertThat(u.idleNanos()).isEqualTo(5_000_000_000L);
        assertThat(u.cluster()).isEqualTo("c");
        ProxyConfig.DatagramListener k = (ProxyConfig.DatagramListener) c.listeners().get(1);
        assertThat(k.protocol()).isEqualTo("coap");
        assertThat(k.dtlsCidLength()).isEqualTo(6);
        assertThat(k.exchangeNanos()).isEqualTo(247_000_000_000L);
        assertThat(errors(udp.replace("cluster: c\n    max", "cluster: nope\n    max")
                .replace("dtls-cid-length: 6", "dtls-cid-length: 300")))
                .containsExactly("sluice.yaml:5: listeners[0].cluster: no cluster is named 'nope'; clusters: c",
                        "sluice.yaml:12: listeners[1].dtls-cid-length: 300 is out of range; a whole number from 0 to 255");
    }

    @Test
    void oldCamelCaseKeysNameTheirNewKey() {
        String yaml = MINIMAL.replace("    bind: 127.0.0.1:0\n", "    bind: 127.0.0.1:0\n    maxConnections: 5\n")
                + "    sessionPersistence: { mode: header, name: x-id, ttl: 10m }\n"
                + "    healthCheck: { expectStatus: 200 }\n"
                + "    outlierDetection: { consecutiveFailures: 3, maxEjectedPercent: 50 }\n"
                + "    retries: { attempts: 1, budgetPercent: 20, idempotentOnly: false }\n"
                + "accessLog: { path: off }\n"
                + "drainTimeout: 5s\n";
        assertThat(errors(yaml)).containsExactly(
                "sluice.yaml:4: listeners[0].maxConnections: renamed: write max-connections (keys are kebab-case)",
                "sluice.yaml:10: clusters[0].sessionPersistence: renamed: write session-persistence (keys are"
                        + " kebab-case)",
                "sluice.yaml:11: clusters[0].healthCheck: renamed: write health-check (keys are kebab-case)",
                "sluice.yaml:12: clusters[0].outlierDetection: renamed: write outlier-detection (keys are kebab-case)",
                "sluice.yaml:13: clusters[0].retries.attempts: renamed: write max-retries (the same number: retries"
                        + " after the first attempt)",
                "sluice.yaml:13: clusters[0].retries.budgetPercent: renamed: write budget-percent (keys are"
                        + " kebab-case)",
                "sluice.yaml:13: clusters[0].retries.idempotentOnly: renamed: write idempotent-only (keys are"
                        + " kebab-case)",
                "sluice.yaml:14: accessLog: renamed: write access-log (keys are kebab-case)",
                "sluice.yaml:15: drainTimeout: renamed: write drain-timeout (keys are kebab-case)");
        assertThat(errors(MINIMAL + "    session-persistence: { mode: header, ttl: 10m }\n"
                + "    outlier-detection: { consecutiveFailures: 3, maxEjectedPercent: 50 }\n")).containsExactly(
                "sluice.yaml:9: clusters[0].session-persistence.ttl: renamed: write idle-ttl",
                "sluice.yaml:10: clusters[0].outlier-detection.consecutiveFailures: renamed: write consecutive-5xx"
                        + " (the same count: 5xx, connect failures, resets and timeouts in a row)",
                "sluice.yaml:10: clusters[0].outlier-detection.maxEjectedPercent: renamed: write"
                        + " max-ejection-percent");
    }

    @Test
    void clientCertAffinityNamesThePartOfTheCertificateThatIsTheKey() throws Exception {
        ProxyConfig c = ProxyConfigs.parse(MINIMAL + "    session-persistence: { mode: client-cert, identity: uri }\n");
        io.sluice.algorithms.policy.AffinityPolicy a = c.clusters().get(0).policy().affinity();
        assertThat(a.mode()).isEqualTo(io.sluice.algorithms.policy.AffinityPolicy.Mode.CLIENT_CERT);
        assertThat(a.mode().configName()).isEqualTo("client-cert");
        assertThat(a.identity()).isEqualTo(io.sluice.algorithms.policy.AffinityPolicy.Identity.URI);
        assertThat(a.keyed()).isTrue();
        assertThat(ProxyConfigs.parse(MINIMAL + "    session-persistence: { mode: client-cert }\n").clusters().get(0)
                .policy().affinity().identity()).as("the default")
                .isEqualTo(io.sluice.algorithms.policy.AffinityPolicy.Identity.FINGERPRINT);
        assertThat(errors(MINIMAL + "    session-persistence: { mode: client-cert, identity: serial }\n")).containsExactly(
                "sluice.yaml:9: clusters[0].session-persistence.identity: 'serial' is not allowed; one of fingerprint,"
                        + " subject, uri, dns");
        assertThat(errors(MINIMAL + "    session-persistence: { mode: header, identity: subject }\n")).containsExactly(
                "sluice.yaml:9: clusters[0].session-persistence.identity: applies to mode client-cert only (mode is"
                        + " header)");
    }

    @Test
    void structuralMistakesAreReported() {
        assertThat(errors("")).containsExactly(
                "sluice.yaml:1: the file is empty; at least listeners and clusters are required");
        assertThat(errors("listeners: {}\nclusters: []\n")).containsExactly(
                "sluice.yaml:1: listeners: expected a list, got {}; a list of listeners, each with a name, a bind"
                        + " address and routes",
                "sluice.yaml:2: clusters: at least one cluster is required");
        assertThat(errors("workers: 2\n")).containsExactly(
                "sluice.yaml:1: clusters: required; a list of clusters, each with a name, a strategy and backends",
                "sluice.yaml:1: listeners: required; a list of listeners, each with a name, a bind address and"
                        + " routes");
        assertThat(errors("listeners: [\n")).singleElement().asString().startsWith("sluice.yaml:1: not valid YAML");
        assertThat(errors(MINIMAL + "workers: 1\nworkers: 2\n")).singleElement().asString()
                .startsWith("sluice.yaml:10: not valid YAML").contains("workers");
        assertThat(errors(MINIMAL.replace("strategy: round-robin", "strategy: [round-robin]")))
                .containsExactly("sluice.yaml:7: clusters[0].strategy: expected a mapping (key: value), got"
                        + " [\"round-robin\"]; a strategy name, or a mapping with name, params and wrappers");
    }

    @Test
    void duplicateNamesAndBindsAreReported() {
        String yaml = """
                listeners:
                  - { name: web, bind: 127.0.0.1:8080, routes: [ { cluster: c } ] }
                  - { name: web, bind: 127.0.0.1:8080, routes: [ { cluster: c } ] }
                clusters:
                  - { name: c, strategy: round-robin, backends: [ { id: a, address: 127.0.0.1:1 } ] }
                  - { name: c, strategy: round-robin, backends: [ { id: a, address: 127.0.0.1:1 } ] }
                """;
        assertThat(errors(yaml)).containsExactly(
                "sluice.yaml:3: listeners[1].name: 'web' is already the name of another listener",
                "sluice.yaml:3: listeners[1].bind: 127.0.0.1:8080 is already bound by another listener",
                "sluice.yaml:6: clusters[1].name: 'c' is already the name of another cluster");
    }

    @Test
    void namesAreKeptToACookieSafeAlphabet() {
        assertThat(errors(MINIMAL.replace("id: a,", "id: 'a b',"))).containsExactly(
                "sluice.yaml:8: clusters[0].backends[0].id: 'a b' is not allowed; 1 to 128 letters, digits, '-',"
                        + " '_', '.' or '~'");
    }

    @Test
    void loadNamesAnUnreadableFile() {
        assertThatThrownBy(() -> ProxyConfigs.load(Path.of("does-not-exist.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("does-not-exist.yaml:1: cannot read: ");
    }

    @Test
    void drainTimeoutDefaultsTo30sAndIsADuration() {
        assertThat(ProxyConfigs.parse("drain-timeout: 2s\n" + MINIMAL).drainTimeoutNanos()).isEqualTo(2 * S);
        assertThat(errors("drain-timeout: 5\n" + MINIMAL)).containsExactly("sluice.yaml:1: drain-timeout: 5 is not a"
                + " duration; a duration from 0s to 24h with a unit (ns, us, ms, s, m, h), like 250ms or 10s");
    }

    @Test
    void routesAreNamedByTheirPositionUnlessNamed() {
        String two = MINIMAL.replace("routes: [ { cluster: c } ]",
                "routes: [ { match: { path-prefix: /a }, cluster: c }, { name: rest, cluster: c } ]");
        List<ProxyConfig.Route> routes = ProxyConfigs.parse(two).listeners().get(0).routes();
        assertThat(routes).extracting(ProxyConfig.Route::name).containsExactly("0", "rest");
        assertThat(errors(MINIMAL.replace("routes: [ { cluster: c } ]",
                "routes: [ { name: x, cluster: c }, { name: x, cluster: c } ]")))
                .containsExactly("sluice.yaml:4: listeners[0].routes[1].name: 'x' is already the name of another"
                        + " route of this listener");
    }

    @Test
    void settingsThePolicyModelRefusesAreErrorsAtTheirPaths() {
        String yaml = MINIMAL + """
                    health-check: { interval: 500us, timeout: 2h, rise: 0, initial-state: sideways }
                    outlier-detection: { consecutive-5xx: 20000, base-ejection-time: 25h, max-ejection-time: 26h }
                    session-persistence: { mode: header, name: x-id, idle-ttl: 200h }
                    retries: { budget-percent: 101, min-retry-concurrency: x, idempotent-only: maybe }
                    timeouts: { connect: 0s }
                    picker-refresh: 2h
                """;
        assertThat(errors(yaml)).containsExactly(
                "sluice.yaml:9: clusters[0].health-check.interval: 500us is out of range; a duration from 1ms to 24h",
                "sluice.yaml:9: clusters[0].health-check.timeout: 2h is out of range; a duration from 1ms to 1h",
                "sluice.yaml:9: clusters[0].health-check.rise: 0 is out of range; a whole number from 1 to 1000",
                "sluice.yaml:9: clusters[0].health-check.initial-state: 'sideways' is not allowed; one of fully-up,"
                        + " up, down, fully-down",
                "sluice.yaml:10: clusters[0].outlier-detection.consecutive-5xx: 20000 is out of range; a whole number"
                        + " from 0 to 10000",
                "sluice.yaml:10: clusters[0].outlier-detection.base-ejection-time: 25h is out of range; a duration"
                        + " from 1ms to 24h",
                "sluice.yaml:10: clusters[0].outlier-detection.max-ejection-time: 26h is out of range; a duration"
                        + " from 1ms to 24h",
                "sluice.yaml:11: clusters[0].session-persistence.idle-ttl: 200h is out of range; a duration from 1ms"
                        + " to 168h",
                "sluice.yaml:12: clusters[0].retries.budget-percent: 101 is out of range; a whole number from 0 to"
                        + " 100",
                "sluice.yaml:12: clusters[0].retries.min-retry-concurrency: 'x' is not a whole number; a whole number"
                        + " from 0 to 10000",
                "sluice.yaml:12: clusters[0].retries.idempotent-only: 'maybe' is not allowed; write true or false",
                "sluice.yaml:13: clusters[0].timeouts.connect: 0s is out of range; a duration from 1ms to 1h",
                "sluice.yaml:14: clusters[0].picker-refresh: 2h is out of range; a duration from 0s to 1h");
    }

    /** Prequal needs probes the proxy cannot send: refused with why and what to use, in either spelling. */
    @Test
    void prequalIsRefusedAsSimulatorOnly() {
        for (String strategy : List.of("prequal", "{ name: prequal, params: { probe-rate: 2 } }")) {
            assertThat(errors(MINIMAL.replace("strategy: round-robin", "strategy: " + strategy)))
                    .singleElement().asString()
                    .startsWith("sluice.yaml:7: clusters[0].strategy: prequal is simulator-only")
                    .contains("no network prober", "p2c-least-request");
        }
    }

    @Test
    void aLabelBelongsToScenarioStrategiesOnly() {
        assertThat(errors(MINIMAL.replace("strategy: round-robin", "strategy: { name: random, label: r }")))
                .containsExactly("sluice.yaml:7: clusters[0].strategy.label: only a scenario's strategies take a"
                        + " label");
    }

    @Test
    void aHealthCheckTimeoutLongerThanItsIntervalIsRefused() {
        assertThat(errors(MINIMAL + "    health-check: { interval: 1s, timeout: 2s }\n")).containsExactly(
                "sluice.yaml:9: clusters[0].health-check.timeout: 2s is longer than the interval (1s); a check must"
                        + " end before the next one is due");
    }

    @Test
    void registriesOtherThanTheStandardOneAreHonoured() {
        StrategyRegistry empty = StrategyRegistry.load(new ClassLoader(null) { });
        assertThatThrownBy(() -> ProxyConfigs.parse(MINIMAL, "x.yaml", empty)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("x.yaml:7: clusters[0].strategy: unknown strategy 'round-robin'");
    }
}
