package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code scope: global} on a rate limit, and the {@code kafka.rate-usage} keys. */
class GlobalRateLimitConfigTest {
    private static final String KAFKA = """
            kafka:
              bootstrap-servers: 127.0.0.1:9092
              rate-usage: { interval: 100ms, staleness: 2s }
            """;

    @Test
    void aGlobalLimitIsReadWithItsScopeAndTheRateUsageSettings() {
        ProxyConfig c = ProxyConfigs.parse(ProtectionConfigTest.yaml("""
                    rate-limits:
                      - { name: fleet, rate: 1000/s, burst: 50, key: [listener], scope: global }
                      - { name: own, rate: 10/s }
                """, "") + KAFKA);
        List<Protection.RateLimitRule> rules = ((ProxyConfig.HttpListener) c.listeners().get(0)).protection()
                .rateLimits();
        assertThat(rules.get(0).global()).isTrue();
        assertThat(rules.get(0).limit().burst()).isEqualTo(50);
        assertThat(rules.get(1).global()).isFalse();
        assertThat(c.kafka().rateUsageIntervalNanos()).isEqualTo(100_000_000L);
        assertThat(c.kafka().rateUsageStalenessNanos()).isEqualTo(2_000_000_000L);
        assertThat(c.kafka().topics().rateUsage()).isEqualTo("sluice.rate-usage");
    }

    @Test
    void theRateUsageDefaultsAreAQuarterSecondAndOneSecond() {
        ProxyConfig c = ProxyConfigs.parse(ProtectionConfigTest.yaml("", "")
                + "kafka:\n  bootstrap-servers: 127.0.0.1:9092\n");
        assertThat(c.kafka().rateUsageIntervalNanos()).isEqualTo(250_000_000L);
        assertThat(c.kafka().rateUsageStalenessNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void aGlobalLimitNeedsKafkaANameOfItsOwnAndAKnownScope() {
        List<String> e = ProxyConfigsTest.errors(ProtectionConfigTest.yaml("""
                    rate-limits:
                      - { name: fleet, rate: 1000/s, scope: global }
                      - { rate: 10/s, scope: global }
                """, """
                        rate-limits:
                          - { name: fleet, rate: 5/s, scope: global }
                          - { name: odd, rate: 5/s, scope: cluster }
                """));
        assertThat(e).containsExactly(
                "sluice.yaml:5: listeners[0].rate-limits[0].scope: 'global' needs a kafka: section with"
                        + " bootstrap-servers (the instances share the limit through it); allowed without one: local",
                "sluice.yaml:6: listeners[0].rate-limits[1].scope: 'global' needs a kafka: section with"
                        + " bootstrap-servers (the instances share the limit through it); allowed without one: local",
                "sluice.yaml:6: listeners[0].rate-limits[1].scope: a global limit needs a name: the instances of the"
                        + " fleet find each other's usage of it by that name",
                "sluice.yaml:12: listeners[0].routes[0].rate-limits[0].scope: 'global' needs a kafka: section with"
                        + " bootstrap-servers (the instances share the limit through it); allowed without one: local",
                "sluice.yaml:12: listeners[0].routes[0].rate-limits[0].name: 'fleet' is already the name of the global"
                        + " limit at listeners[0].rate-limits[0]; a global limit's name is its identity across the"
                        + " fleet, give each its own",
                "sluice.yaml:13: listeners[0].routes[0].rate-limits[1].scope: 'cluster' is not allowed; one of"
                        + " local, global");
    }

    @Test
    void theRateUsageStalenessMustOutlastTheInterval() {
        List<String> e = ProxyConfigsTest.errors(ProtectionConfigTest.yaml("", "")
                + "kafka:\n  bootstrap-servers: 127.0.0.1:9092\n  rate-usage: { interval: 1s, staleness: 500ms }\n");
        assertThat(e).singleElement().asString().contains("kafka.rate-usage.staleness: must be longer than"
                + " rate-usage.interval (1000ms)");
    }
}
