package io.sluice.benchmarks.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.proxy.ProxyConfig;
import io.sluice.config.proxy.ProxyConfigs;
import io.sluice.emulator.Emulator;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.scenario.Scenario;
import io.sluice.simulator.scenario.Scenarios;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The harness's parts that can be checked without a quiet machine: its options, the configs and
 * scenarios it writes, and its load generator against real emulated backends (no proxy, no broker).
 */
class SharedViewBenchTest {

    @Test
    void defaultsMirrorTheBuiltInScenario() {
        SharedViewBench.Options o = SharedViewBench.Options.parse(new String[0]);
        assertEquals(3, o.instances());
        assertEquals(16, o.backends());
        // load 0.9 of 16 backends x 2 servers / 10 ms = 3,200/s
        assertEquals(2880, o.rate(), 1e-9);
        assertEquals(3, o.weights().length);
        assertEquals(1200, SharedViewBench.Options.parse(new String[] {"--rate", "1200"}).rate(), 1e-9);
    }

    @Test
    void badOptionsAreNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--weights", "1,2"})).getMessage().contains("one weight per instance (3)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--view-interval-ms", "5"})).getMessage().contains(">= 10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--staleness-ms", "10"})).getMessage().contains("longer than --view-interval-ms"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--rate", "fast"})).getMessage().contains("--rate takes a number, got 'fast'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--instances", "1"})).getMessage().contains("--instances must be >= 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SharedViewBench.Options.parse(
                new String[] {"--bogus", "1"})).getMessage().contains("unknown option '--bogus'"));
    }

    @Test
    void theSimulatorTwinsParseWithTheBenchParameters() {
        SharedViewBench.Options o = SharedViewBench.Options.parse(new String[] {"--instances", "3", "--backends", "8",
                "--strategies", "p2c-least-request,least-connections"});
        for (SharedViewBench.Mode mode : SharedViewBench.Mode.values()) {
            Scenario s = Scenarios.parse(SharedViewBench.scenarioYaml(o, mode), "twin", "twin.yaml", null,
                    Scenarios.Options.defaults());
            assertEquals(8, s.backendCount());
            assertEquals(mode == SharedViewBench.Mode.SINGLE ? 1 : 3, s.loadBalancer().instances());
            assertEquals(2, s.strategies().size());
            assertEquals(1440, s.offeredRatePerSecond(), 1e-6);
            if (mode == SharedViewBench.Mode.SHARED) {
                assertNotNull(s.loadBalancer().loadView());
            } else {
                assertNull(s.loadBalancer().loadView());
            }
        }
    }

    @Test
    void theProxyConfigsTurnTheViewOnOrOff() {
        SharedViewBench.Options o = SharedViewBench.Options.parse(new String[] {"--backends", "2"});
        BackendGroup g = BackendGroup.builder("api", 2).serviceTime(Distribution.exponential(1e6)).build();
        try (Emulator e = Emulator.start(List.of(g), List.of(), 1, 0, 1)) {
            ProxyConfig shared = ProxyConfigs.parse(SharedViewBench.proxyYaml(o, "127.0.0.1:1", e, "p2c-least-request",
                    SharedViewBench.Mode.SHARED, "i-0"));
            ProxyConfig local = ProxyConfigs.parse(SharedViewBench.proxyYaml(o, "127.0.0.1:1", e, "p2c-least-request",
                    SharedViewBench.Mode.LOCAL, "i-1"));
            assertEquals(TimeUnit.MILLISECONDS.toNanos(10), shared.kafka().loadViewIntervalNanos());
            assertEquals(0, local.kafka().loadViewIntervalNanos());
            assertEquals(TimeUnit.MILLISECONDS.toNanos(100), shared.kafka().loadViewStalenessNanos());
            assertEquals("i-0", shared.kafka().instanceId());
            assertEquals(2, shared.clusters().get(0).backends().size());
        }
    }

    /**
     * Poisson arrivals at 400/s for 1 s measured, to two backends weighted 3:1 (each backend its
     * own target here). The count is Poisson with mean 400, sd 20: 400 +- 100 is 5 sd. The share
     * of the first target is binomial, p = 0.75, sd sqrt(0.75 x 0.25 / 400) = 0.022: +- 0.1 is
     * over 4 sd. Four servers of 1 ms each take 400/s at load 0.1, so every request is answered.
     */
    @Test
    void openModelLoadIsPoissonAndSpreadByWeight() throws Exception {
        BackendGroup g = BackendGroup.builder("api", 2).concurrency(4).serviceTime(Distribution.exponential(1e6))
                .build();
        for (long seed = 1; seed <= 2; seed++) {
            try (Emulator e = Emulator.start(List.of(g), List.of(), seed, 0, 1)) {
                List<InetSocketAddress> targets = new ArrayList<>(e.addresses().values());
                PoissonLoad.Result r;
                try (PoissonLoad load = new PoissonLoad(targets, new double[] {3, 1})) {
                    r = load.run(400, TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.SECONDS.toNanos(1),
                            TimeUnit.SECONDS.toNanos(10), seed);
                }
                assertEquals(0, r.failed() + r.unfinished(), "seed " + seed);
                assertEquals(r.sent(), r.answered(), "seed " + seed);
                assertEquals(400, r.answered(), 100, "seed " + seed);
                assertEquals(r.answered(), r.latencyNanos().getTotalCount());
                assertEquals(0.75, (double) r.byTarget()[0] / r.sent(), 0.1, "seed " + seed);
                assertEquals(r.byTarget()[0], (long) r.byBackend().get("api-0"), "seed " + seed);
                assertEquals(r.byTarget()[1], (long) r.byBackend().get("api-1"), "seed " + seed);
            }
        }
    }
}
