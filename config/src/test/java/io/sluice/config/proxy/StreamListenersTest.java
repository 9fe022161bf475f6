package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

/** The {@code tcp} and {@code mqtt} listener sections: defaults, and errors that name the key and what is allowed. */
class StreamListenersTest {
    static final String CLUSTER = """
            clusters:
              - name: brokers
                strategy: bounded-load
                backends: [ { id: a, address: 127.0.0.1:1883 } ]
            """;

    @Test
    void anMqttListenerTakesItsDefaults() throws Exception {
        ProxyConfig c = ProxyConfigs.parse("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers }\n"
                + CLUSTER);
        ProxyConfig.StreamListener l = (ProxyConfig.StreamListener) c.listeners().get(0);
        assertThat(l.protocol()).isEqualTo("mqtt");
        assertThat(l.mqtt()).isEqualTo(ProxyConfig.Mqtt.DEFAULTS);
        assertThat(l.proxyProtocol()).isEqualTo(ProxyConfig.ProxyProtocol.NONE);
        assertThat(l.rateLimit()).isEqualTo(ProxyConfig.ConnectionRateLimit.NONE);
        assertThat(l.routes()).singleElement().extracting(ProxyConfig.Route::cluster).isEqualTo("brokers");
    }

    @Test
    void aTcpListenerReadsItsSections() throws Exception {
        ProxyConfig c = ProxyConfigs.parse("""
                listeners:
                  - name: t
                    protocol: tcp
                    bind: 127.0.0.1:0
                    cluster: brokers
                    timeouts: { idle: 30s }
                    proxy-protocol: { accept: true, trusted-sources: [10.0.0.0/8], send: v2 }
                    rate-limit: { per-second: 100, per-source-per-second: 2.5 }
                """ + CLUSTER);
        ProxyConfig.StreamListener l = (ProxyConfig.StreamListener) c.listeners().get(0);
        assertThat(l.mqtt()).isNull();
        assertThat(l.idleNanos()).isEqualTo(30_000_000_000L);
        assertThat(l.proxyProtocol()).isEqualTo(new ProxyConfig.ProxyProtocol(true, java.util.List.of("10.0.0.0/8"), "v2"));
        assertThat(l.rateLimit()).isEqualTo(new ProxyConfig.ConnectionRateLimit(100, 100, 2.5, 3));
    }

    @Test
    void badValuesAreNamedWithWhatIsAllowed() {
        assertThat(ProxyConfigsTest.errors("""
                listeners:
                  - name: m
                    protocol: mqtt
                    bind: 127.0.0.1:0
                    cluster: nowhere
                    affinity-key: device
                    max-connect-size: 10
                    proxy-protocol: { accept: true, trusted-sources: [10.0.0.0/33] }
                """ + CLUSTER)).containsExactlyInAnyOrder(
                "sluice.yaml:5: listeners[0].cluster: no cluster is named 'nowhere'; clusters: brokers",
                "sluice.yaml:6: listeners[0].affinity-key: 'device' is not allowed; one of client-id, username",
                "sluice.yaml:7: listeners[0].max-connect-size: 10 is out of range; a size from 64 bytes to 1MiB: "
                        + io.sluice.config.ByteSize.FORM,
                "sluice.yaml:8: listeners[0].proxy-protocol.trusted-sources[0]: '10.0.0.0/33': the prefix must be a"
                        + " whole number from 0 to 32");
    }

    @Test
    void anMqttListenerReadsRateLimitsOnTheKeysACONNECTHas() throws Exception {
        ProxyConfig c = ProxyConfigs.parse("""
                listeners:
                  - name: m
                    protocol: mqtt
                    bind: 127.0.0.1:0
                    cluster: brokers
                    rate-limits:
                      - { name: device, rate: 1/min, burst: 2, key: [mqtt-client-id] }
                      - { rate: 100/s, key: ["cidr:24", client-cert] }
                """ + CLUSTER);
        ProxyConfig.Mqtt m = ((ProxyConfig.StreamListener) c.listeners().get(0)).mqtt();
        assertThat(m.rateLimits()).extracting(Protection.RateLimitRule::name).containsExactly("device", "cidr-24.client-cert");
        assertThat(m.rateLimits().get(0).key().toString()).isEqualTo("[mqtt-client-id]");
        assertThat(m.rateLimits().get(1).key().toString()).isEqualTo("[cidr /24 /64, client-cert]");
    }

    @Test
    void anMqttListenerRefusesRateLimitKeysACONNECTHasNoValueFor() {
        assertThat(ProxyConfigsTest.errors("""
                listeners:
                  - name: m
                    protocol: mqtt
                    bind: 127.0.0.1:0
                    cluster: brokers
                    rate-limits:
                      - { rate: 10/s, key: [mqtt-client-id, "header:x-tenant"] }
                      - { rate: 10/s, key: [device] }
                """ + CLUSTER)).containsExactlyInAnyOrder(
                "sluice.yaml:7: listeners[0].rate-limits[0].key[1]: 'header:x-tenant' has no value on an mqtt"
                        + " listener; write client-ip, cidr:<ipv4 bits>[:<ipv6 bits>], listener, mqtt-client-id or"
                        + " client-cert",
                "sluice.yaml:8: listeners[0].rate-limits[1].key[0]: 'device' is not a key; write "
                        + ProtectionReader.KEY_FORMS);
    }

    @Test
    void anMqttListenerTakesAWebSocketPath() throws Exception {
        ProxyConfig c = ProxyConfigs.parse("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers,"
                + " websocket: { path: /mqtt } }\n" + CLUSTER);
        assertThat(((ProxyConfig.StreamListener) c.listeners().get(0)).mqtt().websocketPath()).isEqualTo("/mqtt");
    }

    @Test
    void aWebSocketPathMustBeAPath() {
        assertThat(ProxyConfigsTest.errors("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers,"
                + " websocket: { path: 'mqtt?x' } }\n" + CLUSTER)).containsExactly(
                "sluice.yaml:2: listeners[0].websocket.path: 'mqtt?x' is not a path; a path starts with / and has no"
                        + " spaces, ? or #, e.g. /mqtt");
        assertThat(ProxyConfigsTest.errors("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0, cluster: brokers,"
                + " websocket: {} }\n" + CLUSTER)).singleElement().asString()
                .contains("listeners[0].websocket.path").contains("e.g. /mqtt");
        assertThat(ProxyConfigsTest.errors("listeners:\n  - { name: t, protocol: tcp, bind: 127.0.0.1:0, cluster: brokers,"
                + " websocket: { path: /mqtt } }\n" + CLUSTER)).singleElement().asString()
                .contains("listeners[0].websocket: unknown key");
    }

    @Test
    void aTcpListenerRefusesTheMqttKeys() {
        assertThat(ProxyConfigsTest.errors("listeners:\n  - { name: t, protocol: tcp, bind: 127.0.0.1:0, cluster: brokers,"
                + " affinity-key: username }\n" + CLUSTER)).singleElement().asString()
                .contains("listeners[0].affinity-key: unknown key");
    }

    @Test
    void brokersAndCoapServersHaveTheirOwnHealthCheckTypes() throws Exception {
        for (String type : new String[]{"mqtt", "coap"}) {
            ProxyConfig c = ProxyConfigs.parse("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0,"
                    + " cluster: brokers }\n" + CLUSTER + "    health-check: { type: " + type + ", timeout: 500ms }\n");
            io.sluice.algorithms.policy.HealthCheckPolicy h = c.cluster("brokers").policy().healthCheck().orElseThrow();
            assertThat(h.type().configName()).isEqualTo(type);
            assertThat(h.timeoutNanos()).isEqualTo(500_000_000L);
        }
        assertThat(ProxyConfigsTest.errors("listeners:\n  - { name: m, protocol: mqtt, bind: 127.0.0.1:0,"
                + " cluster: brokers }\n" + CLUSTER + "    health-check: { type: amqp }\n")).containsExactly(
                "sluice.yaml:7: clusters[0].health-check.type: 'amqp' is not allowed; one of http, tcp, mqtt, coap,"
                        + " grpc, none");
    }

    @Test
    void cidrBlocksMatchTheirAddresses() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertThat(c.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(c.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(c.contains(InetAddress.getByName("::ffff:10.1.0.9"))).isTrue();
        assertThat(Cidr.parse("::1/128").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("192.0.2.1"))).isTrue();
    }
}
