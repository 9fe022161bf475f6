package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.proxy.config.ConfigParser;
import io.sluice.proxy.config.ProxyConfig;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterTest {
    private static ProxyConfig.Cluster config(int budgetPercent, String backends) throws Exception {
        return ConfigParser.parse("""
                listeners: [ { name: web, bind: 127.0.0.1:0, routes: [ { cluster: c } ] } ]
                clusters:
                  - name: c
                    strategy: proxy-test-key-hash
                    backends: [ %s ]
                    retries: { attempts: 2, budgetPercent: %d }
                """.formatted(backends, budgetPercent)).clusters().get(0);
    }

    private static Cluster build(ProxyConfig.Cluster c, Cluster previous) {
        return Cluster.build(c, previous, StrategyRegistry.standard(), Environment.system());
    }

    @Test
    void theRetryBudgetAllowsThreeAtLeastThenAPercentageOfActiveRequests() throws Exception {
        Cluster c = build(config(20, "{ id: a, address: 127.0.0.1:1 }"), null);
        // No request under way: max(3, 0 * 20%) = 3 retries at once.
        assertThat(c.tryStartRetry()).isTrue();
        assertThat(c.tryStartRetry()).isTrue();
        assertThat(c.tryStartRetry()).isTrue();
        assertThat(c.tryStartRetry()).isFalse();
        // 40 under way: max(3, 40 * 20 / 100) = 8.
        for (int i = 0; i < 40; i++) {
            c.requestStarted();
        }
        int more = 0;
        while (c.tryStartRetry()) {
            more++;
        }
        assertThat(more).isEqualTo(5);
        assertThat(c.activeRetries()).isEqualTo(8);
        c.retryEnded();
        assertThat(c.tryStartRetry()).isTrue();
    }

    @Test
    void aZeroBudgetStillAllowsTheMinimum() throws Exception {
        Cluster c = build(config(0, "{ id: a, address: 127.0.0.1:1 }"), null);
        for (int i = 0; i < 1000; i++) {
            c.requestStarted();
        }
        int allowed = 0;
        while (c.tryStartRetry()) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(Cluster.MIN_RETRY_CONCURRENCY);
    }

    @Test
    void chooseNeverRepeatsATriedBackendEvenWhenTheStrategyKeepsPickingIt() throws Exception {
        Cluster c = build(config(20, "{ id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 },"
                + " { id: d, address: 127.0.0.1:3 }"), null);
        RequestContext key = RequestContext.ofKey("device-7");
        Set<String> tried = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String id = c.choose(key, null, tried, Environment.system()).id();
            assertThat(tried.add(id)).as("picked %s twice", id).isTrue();
        }
        assertThat(c.choose(key, null, tried, Environment.system())).isNull();
    }

    @Test
    void aStickyBackendIsUsedOnlyWhileAvailableAndNotTried() throws Exception {
        Cluster c = build(config(20, "{ id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 }"), null);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of(), Environment.system()).id()).isEqualTo("b");
        assertThat(c.choose(RequestContext.NONE, "b", Set.of("b"), Environment.system()).id()).isEqualTo("a");
        c.loadBalancer().setHealth("b", HealthState.UNHEALTHY);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of(), Environment.system()).id()).isEqualTo("a");
        c.loadBalancer().setHealth("a", HealthState.EJECTED);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of(), Environment.system())).isNull();
    }

    @Test
    void aReloadKeepsTheClusterWhenUnchangedAndTheLoadsWhenOnlyBackendsChanged() throws Exception {
        ProxyConfig.Cluster one = config(20, "{ id: a, address: 127.0.0.1:1 }");
        Cluster first = build(one, null);
        first.loadBalancer().endpoint("a").load().onRequestStart();
        assertThat(build(config(20, "{ id: a, address: 127.0.0.1:1 }"), first)).isSameAs(first);
        Cluster grown = build(config(20, "{ id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 }"), first);
        assertThat(grown).isNotSameAs(first);
        assertThat(grown.loadBalancer().endpoint("a").load().inFlight()).isEqualTo(1);
        assertThat(grown.address("b").getPort()).isEqualTo(2);
    }
}
