package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.ratelimit.GcraSpec;
import io.sluice.algorithms.ratelimit.KeySource;
import io.sluice.algorithms.ratelimit.LimitKey;
import io.sluice.algorithms.ratelimit.TokenBucketSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProtectionConfigTest {
    static final String BASE = """
            listeners:
              - name: web
                bind: 127.0.0.1:0
            %s
                routes:
                  - name: telemetry
                    cluster: c
            %s
            clusters:
              - name: c
                strategy: round-robin
                backends: [ { id: a, address: 127.0.0.1:9001 } ]
            """;

    static String yaml(String listener, String route) {
        return BASE.formatted(listener, route);
    }

    @Test
    void severalLimitsPerRouteAndAcceptLimitsOnTheListener() {
        ProxyConfig c = ProxyConfigs.parse(yaml("""
                    rate-limits:
                      - { name: per-network, rate: 300/min, key: ["cidr:24:48"] }
                    accept-limits: { rate: 1000/s, burst: 2000, per-source: 5/s, per-source-burst: 10 }
                """, """
                        rate-limits:
                          - { name: device, rate: 10/s, key: ["header:X-Device-Id"] }
                          - { name: tenant, rate: 5000/s, burst: 10000, algorithm: gcra, key: ["header:x-tenant", route] }
                """));
        ProxyConfig.HttpListener l = (ProxyConfig.HttpListener) c.listeners().get(0);
        Protection.RateLimitRule net = l.protection().rateLimits().get(0);
        assertThat(net.limit()).isEqualTo(TokenBucketSpec.perSecond(5, 5));
        assertThat(net.key()).isEqualTo(LimitKey.of(LimitKey.Part.cidr(24, 48)));
        assertThat(l.protection().acceptLimits().perListener()).isEqualTo(TokenBucketSpec.perSecond(1000, 2000));
        assertThat(l.protection().acceptLimits().perSource()).isEqualTo(TokenBucketSpec.perSecond(5, 10));
        List<Protection.RateLimitRule> route = l.routes().get(0).rateLimits();
        assertThat(route).extracting(Protection.RateLimitRule::name).containsExactly("device", "tenant");
        assertThat(route.get(0).limit()).isEqualTo(TokenBucketSpec.perSecond(10, 10));
        assertThat(route.get(0).key()).isEqualTo(LimitKey.of(LimitKey.Part.header("x-device-id")));
        assertThat(route.get(0).maxKeys()).isEqualTo(100_000);
        assertThat(route.get(1).limit()).isEqualTo(GcraSpec.fromRate(5000, 1_000_000_000L, 10_000));
        assertThat(route.get(1).key()).isEqualTo(new LimitKey(List.of(LimitKey.Part.header("x-tenant"),
                LimitKey.Part.of(KeySource.ROUTE))));
    }

    @Test
    void theDefaultKeyIsTheClientAddressAndNamesTheLimit() {
        ProxyConfig c = ProxyConfigs.parse(yaml("    rate-limits: [ { rate: 100 } ]", ""));
        Protection.RateLimitRule r = ((ProxyConfig.HttpListener) c.listeners().get(0)).protection().rateLimits().get(0);
        assertThat(r.name()).isEqualTo("client-ip");
        assertThat(r.key()).isEqualTo(LimitKey.of(LimitKey.Part.of(KeySource.CLIENT_IP)));
    }

    @Test
    void mistakesNameTheLineTheFieldAndTheAllowedValues() {
        List<String> e = ProxyConfigsTest.errors(yaml("""
                    accept-limits: { burst-size: 3 }
                """, """
                        rate-limits:
                          - { name: device, rate: fast, key: ["header:x-device"] }
                          - { rate: 10/s, key: [ip], algorithm: leaky }
                          - { name: device, rate: 0, key: [route] }
                """));
        assertThat(e).containsExactly(
                "sluice.yaml:4: listeners[0].accept-limits.burst-size: unknown key; allowed here: rate, burst,"
                        + " per-source, per-source-burst, max-sources",
                "sluice.yaml:4: listeners[0].accept-limits: an accept limit needs rate (for the listener), per-source"
                        + " (for each client address) or both, like rate: 1000/s",
                "sluice.yaml:10: listeners[0].routes[0].rate-limits[0].rate: 'fast' is not a rate; a rate from 1/day to"
                        + " 1000000/s, in requests per second, like 5000, 5000/s, 300/min or 12/h",
                "sluice.yaml:11: listeners[0].routes[0].rate-limits[1].key[0]: 'ip' is not a key; write "
                        + ProtectionReader.KEY_FORMS,
                "sluice.yaml:11: listeners[0].routes[0].rate-limits[1].algorithm: 'leaky' is not allowed; one of"
                        + " token-bucket, gcra",
                "sluice.yaml:12: listeners[0].routes[0].rate-limits[2].rate: 0 is out of range; a rate from 1/day to"
                        + " 1000000/s, in requests per second, like 5000, 5000/s, 300/min or 12/h",
                "sluice.yaml:12: listeners[0].routes[0].rate-limits[2].name: 'device' is already the name of another"
                        + " limit here; give each limit its own name");
    }
}
