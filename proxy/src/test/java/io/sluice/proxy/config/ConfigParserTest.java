package io.sluice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.proxy.config.ProxyConfig.HealthCheckType;
import io.sluice.proxy.config.ProxyConfig.PersistenceMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigParserTest {
    private static final String FULL = """
            admin:
              listen: 127.0.0.1:9901
            workers: 4
            accessLog:
              path: "-"
            listeners:
              - name: web
                bind: 127.0.0.1:8080
                protocol: http
                maxConnections: 10000
                limits:
                  maxRequestLine: 8KiB
                  maxHeaderBytes: 32KiB
                  maxHeaders: 100
                  maxBodyBytes: 10MiB
                timeouts:
                  requestHeaders: 10s
                  idle: 60s
                routes:
                  - match:
                      host: api.example.com
                      pathPrefix: /telemetry
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
                sessionPersistence:
                  mode: cookie
                  name: SLUICE_BACKEND
                  ttl: 30m
                healthCheck:
                  type: http
                  path: /health
                  interval: 2s
                  timeout: 1s
                  rise: 2
                  fall: 3
                  expectStatus: 200-399
                outlierDetection:
                  consecutiveFailures: 5
                  baseEjectionTime: 30s
                  maxEjectionTime: 300s
                  maxEjectedPercent: 10
                  latencyFactor: 0
                timeouts:
                  connect: 1s
                  response: 30s
                retries:
                  attempts: 2
                  budgetPercent: 20
                  idempotentOnly: true
            """;

    private static final String MINIMAL = """
            listeners:
              - name: web
                bind: 127.0.0.1:0
                routes: [ { cluster: c } ]
            clusters:
              - name: c
                strategy: round-robin
                backends: [ { id: a, address: 127.0.0.1:9001 } ]
            """;

    private static List<String> errors(String yaml) {
        try {
            ConfigParser.parse(yaml);
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected errors for:\n" + yaml);
    }

    @Test
    void parsesEveryKeyOfTheSchema() throws Exception {
        ProxyConfig c = ConfigParser.parse(FULL);
        assertThat(c.workers()).isEqualTo(4);
        assertThat(c.admin().listen()).isEqualTo(new ProxyConfig.HostPort("127.0.0.1", 9901));
        ProxyConfig.Listener l = c.listeners().get(0);
        assertThat(l.limits()).isEqualTo(new ProxyConfig.Limits(8192, 32768, 100, 10L << 20));
        assertThat(l.timeouts()).isEqualTo(new ProxyConfig.ListenerTimeouts(10_000_000_000L, 60_000_000_000L));
        assertThat(l.routes().get(0).match()).isEqualTo(new ProxyConfig.Match("api.example.com", "/telemetry",
                List.of("POST", "PUT"), Map.of("x-tenant", "acme")));
        ProxyConfig.Cluster t = c.cluster("telemetry");
        assertThat(t.backends()).hasSize(2);
        assertThat(t.backends().get(1).address()).isEqualTo(new ProxyConfig.HostPort("::1", 9002));
        assertThat(t.backends().get(1).address().toString()).isEqualTo("[::1]:9002");
        assertThat(t.sessionPersistence().mode()).isEqualTo(PersistenceMode.COOKIE);
        assertThat(t.healthCheck().type()).isEqualTo(HealthCheckType.HTTP);
        assertThat(t.healthCheck().expectStatusMin()).isEqualTo(200);
        assertThat(t.healthCheck().expectStatusMax()).isEqualTo(399);
        assertThat(t.outlierDetection().maxEjectionNanos()).isEqualTo(300_000_000_000L);
        assertThat(t.retries()).isEqualTo(new ProxyConfig.Retries(2, 20, true));
    }

    /** Prequal needs probes the proxy cannot send: refused with why and what to use, in either spelling. */
    @Test
    void prequalIsRefusedAsSimulatorOnly() {
        for (String strategy : List.of("prequal", "{ name: prequal, params: { probe-rate: 2 } }")) {
            assertThat(errors(MINIMAL.replace("strategy: round-robin", "strategy: " + strategy)))
                    .singleElement().asString()
                    .startsWith("clusters[0].strategy: prequal is simulator-only")
                    .contains("no network prober", "p2c-least-request");
        }
    }

    @Test
    void fillsDefaults() throws Exception {
        ProxyConfig c = ConfigParser.parse(MINIMAL);
        ProxyConfig.Listener l = c.listeners().get(0);
        assertThat(l.protocol()).isEqualTo("http");
        assertThat(l.maxConnections()).isEqualTo(10_000);
        assertThat(l.limits()).isEqualTo(new ProxyConfig.Limits(8192, 32768, 100, 10L << 20));
        assertThat(l.routes().get(0).match().pathPrefix()).isEqualTo("/");
        ProxyConfig.Cluster cl = c.clusters().get(0);
        assertThat(cl.strategy().name()).isEqualTo("round-robin");
        assertThat(cl.backends().get(0).weight()).isEqualTo(1);
        assertThat(cl.sessionPersistence().mode()).isEqualTo(PersistenceMode.NONE);
        assertThat(cl.healthCheck().type()).isEqualTo(HealthCheckType.NONE);
        assertThat(cl.timeouts()).isEqualTo(new ProxyConfig.ClusterTimeouts(1_000_000_000L, 30_000_000_000L));
        assertThat(c.accessLog().path()).isEqualTo("-");
        assertThat(c.admin().listen().toString()).isEqualTo("127.0.0.1:9901");
    }

    @Test
    void equalConfigsAreEqualSoAReloadCanKeepUnchangedClusters() throws Exception {
        assertThat(ConfigParser.parse(FULL)).isEqualTo(ConfigParser.parse(FULL));
        assertThat(ConfigParser.parse(FULL).clusters().get(0)).isNotEqualTo(
                ConfigParser.parse(FULL.replace("weight: 3", "weight: 4")).clusters().get(0));
    }

    @Test
    void aZeroWeightNamesItsPath() {
        assertThat(errors(MINIMAL.replace("address: 127.0.0.1:9001 }", "address: 127.0.0.1:9001, weight: 0 }")))
                .containsExactly("clusters[0].backends[0].weight: must be an integer >= 1, got 0");
    }

    @Test
    void anUnknownStrategyListsTheValidNames() {
        List<String> e = errors(MINIMAL.replace("strategy: round-robin", "strategy: fastest"));
        assertThat(e).hasSize(1);
        assertThat(e.get(0)).startsWith("clusters[0].strategy: unknown strategy 'fastest'; valid strategies: ")
                .contains("round-robin", "rendezvous");
    }

    @Test
    void aBadStrategyParameterIsReportedByTheRegistry() {
        List<String> e = errors(MINIMAL.replace("strategy: round-robin",
                "strategy: { name: round-robin, params: { choices: 3 } }"));
        assertThat(e).singleElement().asString().startsWith("clusters[0].strategy: ").contains("unknown parameter 'choices'");
    }

    @Test
    void everyErrorIsReportedAtOnceInFileOrder() {
        String yaml = """
                listeners:
                  - name: web
                    bind: 127.0.0.1:99999
                    protocol: mqtt
                    colour: blue
                    limits: { maxBodyBytes: lots }
                    timeouts: { idle: 10 }
                    routes: [ { cluster: nope, match: { pathPrefix: api } } ]
                clusters:
                  - name: c
                    strategy: round-robin
                    backends:
                      - { id: a, address: localhost }
                      - { id: a, address: 127.0.0.1:9002 }
                    sessionPersistence: { mode: sticky }
                    retries: { attempts: -1 }
                """;
        assertThat(errors(yaml)).containsExactly(
                "listeners[0].colour: unknown key; allowed here: name, bind, protocol, maxConnections, limits,"
                        + " timeouts, routes",
                "listeners[0].bind: '127.0.0.1:99999' is not host:port (like 127.0.0.1:8080 or [::1]:8080) with a"
                        + " port in 0..65535",
                "listeners[0].protocol: 'mqtt' is not supported; allowed: http",
                "listeners[0].limits.maxBodyBytes: 'lots' is not a size; write bytes or a number with B, KB, KiB,"
                        + " MB, MiB, GB or GiB, like 8KiB",
                "listeners[0].timeouts.idle: must be a duration with a unit like 250ms or 10s, got 10",
                "listeners[0].routes[0].match.pathPrefix: must start with '/', got 'api'",
                "listeners[0].routes[0].cluster: no cluster is named 'nope'; clusters: c",
                "clusters[0].backends[0].address: 'localhost' is not host:port (like 127.0.0.1:8080 or [::1]:8080)"
                        + " with a port in 1..65535",
                "clusters[0].backends[1].id: 'a' is already the id of another backend of this cluster",
                "clusters[0].sessionPersistence.mode: must be one of none, cookie, header, source, got 'sticky'",
                "clusters[0].retries.attempts: must be an integer in 0..10, got -1");
    }

    @Test
    void structuralMistakesAreReported() {
        assertThat(errors("")).containsExactly(
                "(root): the file is empty; at least `listeners` and `clusters` are required");
        assertThat(errors("listeners: {}\nclusters: []\n")).containsExactly(
                "listeners: must be a list, got a mapping", "clusters: at least one cluster is required");
        assertThat(errors("workers: 2\n")).containsExactly("listeners: is required", "clusters: is required");
        assertThat(errors("listeners: [\n")).singleElement().asString().startsWith("not valid YAML: ");
        assertThat(errors(MINIMAL + "workers: 1\nworkers: 2\n")).singleElement().asString()
                .startsWith("not valid YAML: ").contains("workers");
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
                "listeners[1].name: 'web' is already the name of another listener",
                "listeners[1].bind: 127.0.0.1:8080 is already bound by another listener",
                "clusters[1].name: 'c' is already the name of another cluster");
    }

    @Test
    void namesAreKeptToACookieSafeAlphabet() {
        assertThat(errors(MINIMAL.replace("id: a,", "id: 'a b',"))).containsExactly(
                "clusters[0].backends[0].id: must be 1 to 128 letters, digits, '-', '_', '.' or '~', got 'a b'");
    }

    @Test
    void sizesAndHostPorts() {
        assertThat(ConfigParser.parseSize("8KiB")).isEqualTo(8192);
        assertThat(ConfigParser.parseSize("10MiB")).isEqualTo(10L << 20);
        assertThat(ConfigParser.parseSize("2 GB")).isEqualTo(2_000_000_000L);
        assertThat(ConfigParser.parseSize("123")).isEqualTo(123);
        assertThat(ConfigParser.parseSize("-1")).isEqualTo(-1);
        assertThat(ConfigParser.parseSize("1.5MiB")).isEqualTo(-1);
        assertThat(ConfigParser.parseHostPort("[::1]:80", 1)).isEqualTo(new ProxyConfig.HostPort("::1", 80));
        assertThat(ConfigParser.parseHostPort("::1:80", 1)).isNull();
        assertThat(ConfigParser.parseHostPort("host:0", 1)).isNull();
        assertThat(ConfigParser.parseHostPort("host:0", 0)).isEqualTo(new ProxyConfig.HostPort("host", 0));
    }

    @Test
    void theExampleConfigUsesOnlyKnownKeys() throws Exception {
        // The shipped example names round-robin, registered by the algorithms module; here only its shape is checked.
        String text = java.nio.file.Files.readString(java.nio.file.Path.of("sluice-proxy.example.yaml"))
                .replace("round-robin", "round-robin");
        assertThat(ConfigParser.parse(text).listeners()).hasSize(1);
    }

    @Test
    void loadNamesAnUnreadableFile() {
        assertThatThrownBy(() -> ConfigParser.load(java.nio.file.Path.of("does-not-exist.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("does-not-exist.yaml: cannot read");
    }

    @Test
    void drainTimeoutDefaultsTo30sAndIsADuration() throws Exception {
        assertThat(ConfigParser.parse(MINIMAL).drainTimeoutNanos()).isEqualTo(30_000_000_000L);
        assertThat(ConfigParser.parse("drainTimeout: 2s\n" + MINIMAL).drainTimeoutNanos()).isEqualTo(2_000_000_000L);
        assertThat(errors("drainTimeout: 5\n" + MINIMAL))
                .containsExactly("drainTimeout: must be a duration with a unit like 250ms or 10s, got 5");
    }

    @Test
    void routesAreNamedByTheirPositionUnlessNamed() throws Exception {
        String two = MINIMAL.replace("routes: [ { cluster: c } ]",
                "routes: [ { match: { pathPrefix: /a }, cluster: c }, { name: rest, cluster: c } ]");
        List<ProxyConfig.Route> routes = ConfigParser.parse(two).listeners().get(0).routes();
        assertThat(routes).extracting(ProxyConfig.Route::name).containsExactly("0", "rest");
        assertThat(errors(MINIMAL.replace("routes: [ { cluster: c } ]",
                "routes: [ { name: x, cluster: c }, { name: x, cluster: c } ]")))
                .containsExactly("listeners[0].routes[1].name: 'x' is already the name of another route of this listener");
        assertThat(errors(MINIMAL.replace("routes: [ { cluster: c } ]", "routes: [ { name: 'a b', cluster: c } ]")))
                .singleElement().asString().startsWith("listeners[0].routes[0].name: must be 1 to 128 letters");
    }

    @Test
    void settingsTheHealthAndAffinityComponentsWouldRefuseAreConfigErrors() {
        String cluster = "    backends: [ { id: a, address: 127.0.0.1:9001 } ]\n";
        String yaml = MINIMAL.replace(cluster.trim(), cluster.trim() + "\n"
                + "    healthCheck: { interval: 500us, timeout: 2h }\n"
                + "    outlierDetection: { consecutiveFailures: 20000, baseEjectionTime: 25h, maxEjectionTime: 26h }\n"
                + "    sessionPersistence: { mode: header, name: x-id, ttl: 200h }");
        assertThat(errors(yaml)).containsExactly(
                "clusters[0].sessionPersistence.ttl: must be a duration in [1ms, 168h], got 200h",
                "clusters[0].healthCheck.interval: must be a duration in [1ms, 24h], got 500us",
                "clusters[0].healthCheck.timeout: must be a duration in [1ms, 1h], got 2h",
                "clusters[0].outlierDetection.consecutiveFailures: must be an integer in 1..10000, got 20000",
                "clusters[0].outlierDetection.baseEjectionTime: must be a duration in [1ms, 24h], got 25h",
                "clusters[0].outlierDetection.maxEjectionTime: must be a duration in [1ms, 24h], got 26h");
    }
}
