package io.sluice.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.policy.AffinityPolicy;
import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClusterTest {
    private static ProxyConfig.Cluster config(int budgetPercent, String backends) throws Exception {
        return ProxyConfigs.parse("""
                listeners: [ { name: web, bind: 127.0.0.1:0, routes: [ { cluster: c } ] } ]
                clusters:
                  - name: c
                    strategy: rendezvous
                    backends: [ %s ]
                    retries: { max-retries: 2, budget-percent: %d }
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
        assertThat(allowed).isEqualTo(io.sluice.algorithms.policy.RetryPolicy.DEFAULT_MIN_RETRY_CONCURRENCY);
    }

    @Test
    void chooseNeverRepeatsATriedBackendEvenWhenTheStrategyKeepsPickingIt() throws Exception {
        Cluster c = build(config(20, "{ id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 },"
                + " { id: d, address: 127.0.0.1:3 }"), null);
        RequestContext key = RequestContext.ofKey("device-7");
        Set<String> tried = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            String id = c.choose(key, null, tried).id();
            assertThat(tried.add(id)).as("picked %s twice", id).isTrue();
        }
        assertThat(c.choose(key, null, tried)).isNull();
    }

    @Test
    void aStickyBackendIsUsedOnlyWhileAvailableAndNotTried() throws Exception {
        Cluster c = build(config(20, "{ id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 }"), null);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of()).id()).isEqualTo("b");
        assertThat(c.choose(RequestContext.NONE, "b", Set.of("b")).id()).isEqualTo("a");
        c.loadBalancer().setHealth("b", HealthState.UNHEALTHY);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of()).id()).isEqualTo("a");
        c.loadBalancer().setHealth("a", HealthState.EJECTED);
        assertThat(c.choose(RequestContext.NONE, "b", Set.of())).isNull();
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

    private static ProxyConfig.Cluster cluster(String strategy, String extra) throws Exception {
        return ProxyConfigs.parse("""
                listeners: [ { name: web, bind: 127.0.0.1:0, routes: [ { cluster: c } ] } ]
                clusters:
                  - name: c
                    strategy: %s
                    backends: [ { id: a, address: 127.0.0.1:1 }, { id: b, address: 127.0.0.1:2 } ]
                %s""".formatted(strategy, extra)).clusters().get(0);
    }

    @Test
    void consistentHashesAreRecognisedByBehaviourAndOthersGetATable() throws Exception {
        StrategyRegistry r = StrategyRegistry.standard();
        for (String hashing : new String[]{"ring-hash", "maglev", "rendezvous", "jump-hash", "bounded-load",
                "rendezvous"}) {
            assertThat(AffinityPolicy.hashesKey(cluster(hashing, "").policy().strategy(), r)).as(hashing).isTrue();
        }
        for (String other : new String[]{"round-robin", "weighted-round-robin", "random", "least-connections",
                "p2c-peak-ewma", "round-robin"}) {
            assertThat(AffinityPolicy.hashesKey(cluster(other, "").policy().strategy(), r)).as(other).isFalse();
        }
        String header = "    session-persistence: { mode: header, name: x-id }\n";
        assertThat(build(cluster("round-robin", header), null).usesAffinityTable()).isTrue();
        assertThat(build(cluster("maglev", header), null).usesAffinityTable()).isFalse();
        assertThat(build(cluster("round-robin", ""), null).usesAffinityTable()).isFalse();
    }

    @Test
    void theAffinityTableRemembersAKeyAndMovesItOffAnUnavailableBackend() throws Exception {
        Cluster c = build(cluster("round-robin", "    session-persistence: { mode: source }\n"), null);
        String home = c.affinityBackend("10.0.0.1");
        assertThat(c.affinityBackend("10.0.0.1")).isEqualTo(home);
        c.health().drain(home);
        String moved = c.affinityBackend("10.0.0.1");
        assertThat(moved).isNotEqualTo(home).isNotNull();
        c.health().undrain(home);
        assertThat(c.affinityBackend("10.0.0.1")).as("a moved key stays moved").isEqualTo(moved);
        assertThat(c.affinityStats().moves()).isEqualTo(1);
        assertThat(c.affinityStats().misses()).isEqualTo(1);
        c.health().drain("a");
        c.health().drain("b");
        assertThat(c.affinityBackend("10.0.0.2")).as("nothing available").isNull();
    }

    @Test
    void aWeightOverrideIsValidatedAndLastsWhileTheFileSaysTheSame() throws Exception {
        Cluster c = build(cluster("weighted-round-robin", ""), null);
        assertThat(c.setWeight("a", 5)).isTrue();
        assertThat(c.setWeight("zz", 5)).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> c.setWeight("a", 0))
                .hasMessageContaining("[1, 1000000]");
        assertThat(c.loadBalancer().endpoint("a").backend().weight()).isEqualTo(5);
        Cluster reloaded = build(cluster("weighted-round-robin", "    retries: { max-retries: 1 }\n"), c);
        assertThat(reloaded).isNotSameAs(c);
        assertThat(reloaded.weight("a")).as("kept: the file's weight of a did not change").isEqualTo(5);
        Cluster edited = build(ProxyConfigs.parse("""
                listeners: [ { name: web, bind: 127.0.0.1:0, routes: [ { cluster: c } ] } ]
                clusters:
                  - name: c
                    strategy: weighted-round-robin
                    backends: [ { id: a, address: 127.0.0.1:1, weight: 2 }, { id: b, address: 127.0.0.1:2 } ]
                """).clusters().get(0), reloaded);
        assertThat(edited.weight("a")).as("the file's new weight wins").isEqualTo(2);
        assertThat(edited.loadBalancer().endpoint("a").backend().weight()).isEqualTo(2);
    }

    @Test
    void aDrainLastsAcrossReloadsEvenWhenTheStrategyChanges() throws Exception {
        Cluster c = build(cluster("round-robin", ""), null);
        assertThat(c.health().drain("a")).isEqualTo(HealthState.DRAINING);
        Cluster sameStrategy = build(cluster("round-robin", "    retries: { max-retries: 1 }\n"), c);
        assertThat(sameStrategy.health()).isSameAs(c.health());
        assertThat(sameStrategy.loadBalancer().endpoint("a").health()).isEqualTo(HealthState.DRAINING);
        Cluster otherStrategy = build(cluster("least-connections", ""), sameStrategy);
        assertThat(otherStrategy.loadBalancer()).isNotSameAs(c.loadBalancer());
        assertThat(otherStrategy.loadBalancer().endpoint("a").health())
                .as("the new load balancer is told the drain").isEqualTo(HealthState.DRAINING);
        for (int i = 0; i < 10; i++) {
            assertThat(otherStrategy.choose(RequestContext.NONE, null, Set.of()).id())
                    .isEqualTo("b");
        }
        assertThat(otherStrategy.health().undrain("a")).isEqualTo(HealthState.HEALTHY);
        assertThat(otherStrategy.loadBalancer().endpoint("a").health()).isEqualTo(HealthState.HEALTHY);
    }
}
