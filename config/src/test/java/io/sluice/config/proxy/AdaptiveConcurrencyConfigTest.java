package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.config.ConfigException;
import org.junit.jupiter.api.Test;

/**
 * A proxy cluster's {@code adaptive-concurrency}: the block of the shared cluster policy
 * ({@code config.policy.AdaptiveConcurrencySection}, read by {@code PolicyReader}), so a scenario's
 * {@code load-balancer} and a proxy cluster take the same keys with the same errors.
 */
class AdaptiveConcurrencyConfigTest {
    private static ProxyConfig parse(String block) {
        return ProxyConfigs.parse("""
                listeners:
                  - name: web
                    bind: 127.0.0.1:0
                    routes: [ { name: all, cluster: c } ]
                clusters:
                  - name: c
                    strategy: round-robin
                    backends: [ { id: a, address: 127.0.0.1:9001 } ]
                %s
                """.formatted(block), "t.yaml", io.sluice.algorithms.StrategyRegistry.standard());
    }

    @Test
    void theBlockBecomesTheClusterPolicysGradientSettings() {
        ProxyConfig c = parse("    adaptive-concurrency: { min-limit: 10, max-limit: 400, tolerance: 2, sample-size: 100 }");
        GradientLimit.Settings s = c.clusters().get(0).policy().adaptiveConcurrency().orElseThrow();
        GradientLimit.Settings d = GradientLimit.Settings.defaults();
        assertThat(s).isEqualTo(new GradientLimit.Settings(d.initialLimit(), 10, 400, 2.0, d.smoothing(), 100,
                d.probeEvery(), d.probeLimit()));
        // Absent or disabled: no limit.
        assertThat(parse("").clusters().get(0).policy().adaptiveConcurrency()).isEmpty();
        assertThat(parse("    adaptive-concurrency: { enabled: false }").clusters().get(0).policy()
                .adaptiveConcurrency()).isEmpty();
        // An initial limit not given follows min-limit into range.
        assertThat(parse("    adaptive-concurrency: { min-limit: 50 }").clusters().get(0).policy()
                .adaptiveConcurrency().orElseThrow().initialLimit()).isEqualTo(50);
    }

    @Test
    void badValuesAreErrorsAtTheirPath() {
        assertThatThrownBy(() -> parse("    adaptive-concurrency: { smoothing: 0 }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("clusters[0].adaptive-concurrency.smoothing: 0 is out of range");
        assertThatThrownBy(() -> parse("    adaptive-concurrency: { initial-limit: 5000, max-limit: 100 }"))
                .hasMessageContaining("clusters[0].adaptive-concurrency: adaptive concurrency initial-limit must be"
                        + " in [3, 100], got 5000");
        assertThatThrownBy(() -> parse("    adaptive-concurrency: { min-limits: 5 }"))
                .hasMessageContaining("clusters[0].adaptive-concurrency.min-limits: unknown key");
    }
}
