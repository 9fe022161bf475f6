package io.sluice.algorithms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * The two kinds of load signals compute the same numbers for the same calls (so a simulation with
 * single-writer loads gives the proxy's answers), keep their group's in-flight total, and the
 * thread-safe kind loses nothing under concurrent starts and ends.
 */
class LoadSignalsProperties {
    @Property(tries = 200)
    void singleWriterAndThreadSafeLoadsAgreeExactly(@ForAll long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        long tau = 1 + random.nextLong(20_000_000_000L);
        LoadSignals shared = LoadSignals.threadSafe(tau);
        LoadSignals single = LoadSignals.singleWriter(tau);
        BackendLoad a = shared.newLoad(0);
        BackendLoad b = single.newLoad(0);
        long now = 0;
        List<Integer> seenA = new ArrayList<>();
        List<Integer> seenB = new ArrayList<>();
        a.setListener((load, inFlight) -> seenA.add(inFlight));
        b.setListener((load, inFlight) -> seenB.add(inFlight));
        for (int step = 0; step < 300; step++) {
            now += random.nextLong(-1_000_000L, 500_000_000L); // clocks may step back a little
            switch (random.nextInt(3)) {
                case 0 -> {
                    a.onRequestStart();
                    b.onRequestStart();
                }
                case 1 -> {
                    long latency = random.nextLong(-10, 2_000_000_000L);
                    boolean ok = random.nextBoolean();
                    a.onRequestEnd(now, latency, ok);
                    b.onRequestEnd(now, latency, ok);
                }
                default -> {
                    double u = random.nextDouble(-0.5, 1.5);
                    a.reportUtilisation(u, now);
                    b.reportUtilisation(u, now);
                }
            }
            assertThat(b.inFlight()).isEqualTo(a.inFlight());
            assertThat(b.completed()).isEqualTo(a.completed());
            assertThat(b.failed()).isEqualTo(a.failed());
            assertThat(b.lastLatencyNanos()).isEqualTo(a.lastLatencyNanos());
            assertThat(b.latencyStampNanos()).isEqualTo(a.latencyStampNanos());
            assertThat(b.latencyNanos(now + 1000)).isEqualTo(a.latencyNanos(now + 1000));
            assertThat(Double.valueOf(b.utilisation())).isEqualTo(Double.valueOf(a.utilisation()));
            assertThat(single.inFlight()).isEqualTo(shared.inFlight()).isEqualTo(Math.max(0, a.inFlight()));
        }
        assertThat(seenB).isEqualTo(seenA);
    }

    /** The EWMA of a load follows PeakEwma's rule exactly (the class's worked example: tau 10 s). */
    @Test
    void theLatencyIsPeakEwma() {
        for (LoadSignals signals : List.of(LoadSignals.threadSafe(10_000_000_000L),
                LoadSignals.singleWriter(10_000_000_000L))) {
            BackendLoad load = signals.newLoad(0);
            PeakEwma reference = new PeakEwma(10_000_000_000L, 0);
            load.onRequestStart();
            load.onRequestEnd(0, 5_000_000, true);
            reference.observe(0, 5_000_000);
            load.onRequestStart();
            load.onRequestEnd(1_000_000_000L, 50_000_000, true);
            reference.observe(1_000_000_000L, 50_000_000);
            load.onRequestStart();
            load.onRequestEnd(2_000_000_000L, 5_000_000, true);
            reference.observe(2_000_000_000L, 5_000_000);
            assertThat(load.lastLatencyNanos()).isEqualTo(reference.lastCostNanos());
            assertThat(load.latencyNanos(3_000_000_000L)).isEqualTo(reference.costNanos(3_000_000_000L));
            assertThat(load.lastLatencyNanos() / 1e6).isCloseTo(45.7, org.assertj.core.api.Assertions.within(0.1));
        }
    }

    @Test
    void aDecayTimeOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> LoadSignals.threadSafe(0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> LoadSignals.singleWriter(-5)).hasMessageContaining("got -5");
    }

    /**
     * Four threads start and end 50,000 requests each on four shared backends: every count adds up
     * (in flight back to 0 on each load and in the group, completed + failed = 200,000).
     */
    @Test
    void threadSafeLoadsLoseNothingUnderContention() throws Exception {
        LoadSignals signals = LoadSignals.threadSafe(1_000_000_000L);
        BackendLoad[] loads = {signals.newLoad(0), signals.newLoad(0), signals.newLoad(0), signals.newLoad(0)};
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        BackendLoad l = loads[(thread + i) % 4];
                        l.onRequestStart();
                        l.onRequestEnd(i, 1000 + i % 77, i % 5 != 0);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long ended = 0;
        for (BackendLoad l : loads) {
            assertThat(l.inFlight()).isZero();
            ended += l.completed() + l.failed();
        }
        assertThat(ended).isEqualTo(200_000);
        assertThat(signals.inFlight()).isZero();
    }
}
