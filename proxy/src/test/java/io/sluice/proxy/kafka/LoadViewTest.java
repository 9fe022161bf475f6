package io.sluice.proxy.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.BackendLoad;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.StrategyRegistry;
import io.sluice.algorithms.internal.Endpoints;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.proxy.RoutingSnapshot;
import org.junit.jupiter.api.Test;

/**
 * The shared view's merge rule on virtual clocks (the Kafka path is KafkaControlPlaneTest's): a
 * picker reads its own count, exact, plus each peer's last fresh report, once. These are the faults
 * a shared view could hide behind a worse p99 (docs/kafka.md, "Why the first real runs showed no
 * gain"): counting its own load twice, accumulating a peer's reports instead of replacing them,
 * keeping a report past its staleness.
 */
class LoadViewTest {
    private static final long MS = 1_000_000L;
    private static final long T0 = 1_764_950_000_000L;

    private static final String YAML = """
            listeners:
              - name: web
                bind: 127.0.0.1:0
                routes: [ { cluster: api } ]
            clusters:
              - name: api
                strategy: p2c-least-request
                backends:
                  - { id: b1, address: 127.0.0.1:1 }
                  - { id: b2, address: 127.0.0.1:2 }
            """;

    private static RoutingSnapshot snapshot() {
        return RoutingSnapshot.build(ProxyConfigs.parse(YAML), null, StrategyRegistry.standard(),
                Environment.virtual(() -> 0L, 1));
    }

    private static BackendLoad load(RoutingSnapshot s, String backend) {
        for (Endpoint e : s.cluster("api").loadBalancer().endpoints().all()) {
            if (e.id().equals(backend)) {
                return e.load();
            }
        }
        throw new AssertionError("no backend " + backend);
    }

    private static ControlMessages.LoadViewReport report(String instance, String backend, int inFlight, long millis) {
        return new ControlMessages.LoadViewReport(1, instance, "api", backend, inFlight, 3.4, millis);
    }

    @Test
    void ownCountExactPlusEachPeersLastReportOnce() {
        RoutingSnapshot s = snapshot();
        LoadView v = new LoadView("a", 100 * MS);
        BackendLoad b1 = load(s, "b1");
        b1.onRequestStart();
        b1.onRequestStart();

        assertThat(v.accept(report("b", "b1", 5, T0), 0, T0)).isEqualTo(LoadView.Outcome.APPLIED);
        assertThat(v.accept(report("c", "b1", 3, T0), 0, T0)).isEqualTo(LoadView.Outcome.APPLIED);
        assertThat(v.accept(report("c", "b2", 1, T0), 0, T0)).isEqualTo(LoadView.Outcome.APPLIED);
        // Its own report echoed back by the topic: skipped, else its 2 would count twice.
        assertThat(v.accept(report("a", "b1", 2, T0), 0, T0)).isEqualTo(LoadView.Outcome.OWN);
        assertThat(v.publishTo(s, 0)).isEqualTo(2);
        assertThat(b1.remoteInFlight()).isEqualTo(8);
        assertThat(b1.inFlight()).isEqualTo(2);
        assertThat(Endpoints.inFlight(b1)).isEqualTo(10);
        assertThat(Endpoints.inFlight(load(s, "b2"))).isEqualTo(1);

        // b's next report replaces its last (4, not 5 + 4); publishing twice changes nothing more.
        v.accept(report("b", "b1", 4, T0 + 10), 10 * MS, T0 + 10);
        assertThat(v.publishTo(s, 10 * MS)).isEqualTo(1);
        assertThat(v.publishTo(s, 10 * MS)).isZero();
        assertThat(b1.remoteInFlight()).isEqualTo(7);
    }

    @Test
    void aReportCountsUntilStalenessAfterItWasMade() {
        RoutingSnapshot s = snapshot();
        LoadView v = new LoadView("a", 100 * MS);
        BackendLoad b1 = load(s, "b1");
        BackendLoad b2 = load(s, "b2");
        // Made 40 ms before it arrives at t = 0: counts until t = 60 ms.
        v.accept(report("b", "b1", 5, T0 - 40), 0, T0);
        // From a peer whose clock runs 30 ms ahead: counts 100 ms from arrival, no longer.
        v.accept(report("c", "b2", 2, T0 + 30), 0, T0);
        // Already 100 ms old on arrival: refused.
        assertThat(v.accept(report("d", "b1", 9, T0 - 100), 0, T0)).isEqualTo(LoadView.Outcome.STALE);
        v.publishTo(s, 0);
        assertThat(b1.remoteInFlight()).isEqualTo(5);
        assertThat(b2.remoteInFlight()).isEqualTo(2);

        v.publishTo(s, 60 * MS - 1);
        assertThat(b1.remoteInFlight()).isEqualTo(5);
        v.publishTo(s, 60 * MS);
        assertThat(b1.remoteInFlight()).isZero();
        assertThat(b2.remoteInFlight()).isEqualTo(2);
        v.publishTo(s, 100 * MS);
        assertThat(b2.remoteInFlight()).isZero();

        // Expired shares are dropped, so a peer that left leaves nothing behind.
        v.expire(100 * MS);
        v.accept(report("b", "b2", 1, T0 + 200), 200 * MS, T0 + 200);
        v.publishTo(s, 200 * MS);
        assertThat(b1.remoteInFlight()).isZero();
        assertThat(b2.remoteInFlight()).isEqualTo(1);
    }
}
