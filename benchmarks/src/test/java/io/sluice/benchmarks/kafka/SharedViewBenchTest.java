package io.sluice.benchmarks.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void defaultsKeepTheViewFreshAgainstServiceTimeAndTheMachineIdle() {
        SharedViewBench.Options o = SharedViewBench.Options.parse(new String[0]);
        assertEquals(3, o.instances());
        assertEquals(16, o.backends());
        assertEquals(1, o.servers());
        assertEquals(50, o.serviceMs(), 1e-9);
        // load 0.85 of 16 backends x 1 server / 50 ms = 320/s
        assertEquals(272, o.rate(), 1e-9);
        assertEquals(25, o.viewIntervalMs());
        assertEquals(250, o.stalenessMs());
        assertTrue(o.single());
        assertTrue(Double.isNaN(o.simDelayMs()), "the simulator takes the delay the real runs measure");
        assertEquals(3, o.weights().length);
        assertTrue(o.evenWeights());
        assertEquals(1200, SharedViewBench.Options.parse(new String[] {"--rate", "1200"}).rate(), 1e-9);
        assertFalse(SharedViewBench.Options.parse(new String[] {"--no-single"}).single());
        assertFalse(SharedViewBench.Options.parse(new String[] {"--weights", "4,1,1"}).evenWeights());
        assertFalse(SharedViewBench.Options.parse(new String[] {"--rotate-ms", "200"}).evenWeights());
        assertEquals(0, o.rotateMs());
    }

    @Test
    void medianOfRoundsAndMachineCpu() {
        assertEquals(3, SharedViewBench.median(List.of(5.0, 1.0, 3.0)), 1e-12);
        assertEquals(2.5, SharedViewBench.median(List.of(4.0, 1.0, 2.0, 3.0)), 1e-12);
        assertTrue(Double.isNaN(SharedViewBench.median(List.of())));
        // user nice system idle iowait irq softirq steal guest guest_nice: busy = all but idle and iowait
        long[] before = SharedViewBench.MachineCpu.parse("cpu  100 0 50 800 50 0 0 0 0 0");
        long[] after = SharedViewBench.MachineCpu.parse("cpu  130 0 70 1540 60 0 0 0 0 0");
        assertEquals(150, before[0]);
        assertEquals(1000, before[1]);
        // 50 busy of 800 jiffies
        assertEquals(50.0 / 800, SharedViewBench.MachineCpu.busy(before, after), 1e-12);
        assertTrue(Double.isNaN(SharedViewBench.MachineCpu.busy(null, after)));
        assertThrows(IllegalArgumentException.class, () -> SharedViewBench.MachineCpu.parse("cpu0 1 2 3 4 5"));
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
            String yaml = SharedViewBench.scenarioYaml(o, mode, 7.25);
            Scenario s = Scenarios.parse(yaml, "twin", "twin.yaml", null, Scenarios.Options.defaults());
            assertEquals(8, s.backendCount());
            assertEquals(mode == SharedViewBench.Mode.SINGLE ? 1 : 3, s.loadBalancer().instances());
            assertEquals(2, s.strategies().size());
            // 0.85 x 8 backends x 1 server / 50 ms
            assertEquals(136, s.offeredRatePerSecond(), 1e-6);
            if (mode == SharedViewBench.Mode.SHARED) {
                assertNotNull(s.loadBalancer().loadView());
                assertTrue(yaml.contains("mean: 7250us"), yaml);
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
            assertEquals(TimeUnit.MILLISECONDS.toNanos(25), shared.kafka().loadViewIntervalNanos());
            assertEquals(0, local.kafka().loadViewIntervalNanos());
            assertEquals(TimeUnit.MILLISECONDS.toNanos(250), shared.kafka().loadViewStalenessNanos());
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

    /**
     * Weights 9:1 rotating every 100 ms over 1 s measured (200 ms of warm-up: whole cycles of 200
     * ms), 400/s: each target takes 0.9 for half of the time and 0.1 for the other half, so half
     * overall, binomial sd sqrt(0.25 / 400) = 0.025: +- 0.1 is 4 sd. Without the rotation the first
     * would take 0.9.
     */
    @Test
    void rotatingWeightsMoveTheHeavyShareBetweenTargets() throws Exception {
        BackendGroup g = BackendGroup.builder("api", 2).concurrency(4).serviceTime(Distribution.exponential(1e6))
                .build();
        try (Emulator e = Emulator.start(List.of(g), List.of(), 1, 0, 1)) {
            List<InetSocketAddress> targets = new ArrayList<>(e.addresses().values());
            PoissonLoad.Result r;
            try (PoissonLoad load = new PoissonLoad(targets, new double[] {9, 1}, TimeUnit.MILLISECONDS.toNanos(100))) {
                r = load.run(400, TimeUnit.MILLISECONDS.toNanos(200), TimeUnit.SECONDS.toNanos(1),
                        TimeUnit.SECONDS.toNanos(10), 3);
            }
            assertEquals(0, r.failed() + r.unfinished());
            assertEquals(0.5, (double) r.byTarget()[0] / r.sent(), 0.1);
        }
    }
}
