package io.sluice.config.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.concurrency.GradientLimit;
import io.sluice.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The {@code adaptive-concurrency} cluster section and the top-level {@code overload} section. */
class OverloadConfigTest {
    private static final String BASE = """
            listeners:
              - { name: web, bind: 127.0.0.1:8080, routes: [ { cluster: c } ] }
            clusters:
              - name: c
                strategy: round-robin
                backends: [ { id: a, address: 127.0.0.1:9001 } ]
            """;

    @Test
    void adaptiveConcurrencyReadsEveryParameterIntoThePolicy() {
        ProxyConfig c = ProxyConfigs.parse(BASE + """
                    adaptive-concurrency:
                      initial-limit: 10
                      min-limit: 2
                      max-limit: 40
                      tolerance: 2
                      smoothing: 0.5
                      sample-size: 5
                      probe-every: 100
                      probe-limit: 1
                """);
        assertThat(c.cluster("c").policy().adaptiveConcurrency())
                .contains(new GradientLimit.Settings(10, 2, 40, 2, 0.5, 5, 100, 1));
    }

    @Test
    void anEmptySectionIsOnWithTheDefaultsAndDisabledIsOff() {
        ProxyConfig on = ProxyConfigs.parse(BASE + "    adaptive-concurrency: {}\n");
        assertThat(on.cluster("c").policy().adaptiveConcurrency()).contains(GradientLimit.Settings.defaults());
        ProxyConfig off = ProxyConfigs.parse(BASE + "    adaptive-concurrency: { enabled: false, min-limit: 5 }\n");
        assertThat(off.cluster("c").policy().adaptiveConcurrency()).isEmpty();
        assertThat(ProxyConfigs.parse(BASE).cluster("c").policy().adaptiveConcurrency()).isEmpty();
    }

    @Test
    void onlyTheBoundsWrittenStartsInsideThem() {
        ProxyConfig c = ProxyConfigs.parse(BASE + "    adaptive-concurrency: { min-limit: 50, max-limit: 80 }\n");
        assertThat(c.cluster("c").policy().adaptiveConcurrency().orElseThrow().initialLimit()).isEqualTo(50);
    }

    @Test
    void badAdaptiveConcurrencyNamesLineKeyAndRange() {
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + """
                    adaptive-concurrency:
                      smoothing: 0
                      tolerance: 0.5
                      sample-size: 0
                      min-limt: 3
                """, "p.yaml", io.sluice.algorithms.StrategyRegistry.standard()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.yaml:8: clusters[0].adaptive-concurrency.smoothing: 0 is out of range")
                .hasMessageContaining("p.yaml:9: clusters[0].adaptive-concurrency.tolerance: 0.5 is out of range")
                .hasMessageContaining("p.yaml:10: clusters[0].adaptive-concurrency.sample-size: 0 is out of range")
                .hasMessageContaining("min-limt");
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE
                + "    adaptive-concurrency: { initial-limit: 100, max-limit: 10 }\n"))
                .hasMessageContaining("clusters[0].adaptive-concurrency: adaptive concurrency initial-limit must be"
                        + " in [3, 10], got 100");
    }

    @Test
    void overloadReadsDurationsAndFractions() {
        ProxyConfig c = ProxyConfigs.parse(BASE + """
                overload:
                  interval: 50ms
                  hysteresis: 0.2
                  event-loop-delay: { stop-accepting: 20ms, shed: 100ms }
                  heap: { stop-accepting: 0.8, shed: 0.9 }
                """);
        assertThat(c.overload()).isEqualTo(new ProxyConfig.Overload(50_000_000L, 0.2,
                new ProxyConfig.OverloadThresholds(20_000_000L, 100_000_000L),
                new ProxyConfig.OverloadThresholds(0.8, 0.9)));
        assertThat(ProxyConfigs.parse(BASE).overload()).isNull();
        ProxyConfig defaults = ProxyConfigs.parse(BASE + "overload: { event-loop-delay: {} }\n");
        assertThat(defaults.overload()).isEqualTo(new ProxyConfig.Overload(100_000_000L, 0.1,
                new ProxyConfig.OverloadThresholds(50_000_000L, 200_000_000L), null));
    }

    @Test
    void badOverloadNamesLineKeyAndWhy() {
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + """
                overload:
                  event-loop-delay: { stop-accepting: 300ms, shed: 100ms }
                  heap: { stop-accepting: 1.5 }
                """, "p.yaml", io.sluice.algorithms.StrategyRegistry.standard()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("p.yaml:8: overload.event-loop-delay.shed: must be at least stop-accepting (300ms)")
                .hasMessageContaining("p.yaml:9: overload.heap.stop-accepting: 1.5 is out of range");
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + "overload: { hysteresis: 0.95, heap: {} }\n"))
                .hasMessageContaining("overload.hysteresis: 0.95 is out of range");
        assertThatThrownBy(() -> ProxyConfigs.parse(BASE + "overload: {}\n"))
                .hasMessageContaining("overload: watches nothing");
    }
}
