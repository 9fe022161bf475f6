package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.LoadViewModel;
import io.sluice.simulator.standin.PoissonWorkload;
import org.junit.jupiter.api.Test;

/**
 * The load view the instances share through the control plane ({@link SharedLoadView}): four
 * instances in front of 16 backends of 2 servers (exponential 10 ms) at load 0.9 (2,880/s of a
 * capacity of 3,200/s), p2c-least-request. Each instance alone sees a quarter of the in-flight
 * requests; the view (reports every 10 ms, delivered after exponential 2 ms, fresh for 100 ms) adds
 * the others'. Measured p99 over seeds 1..3 (ms): ideal single balancer 59.1 / 60.9 / 61.3, local view
 * 69.5 / 70.5 / 70.3, shared view 65.7 / 65.6 / 67.0, outage over the middle third 68.5 / 69.9 / 73.0.
 * (least-connections, a deterministic minimum, herds on the stale shares instead: 55.5 local vs 60.3
 * shared at seed 1; the built-in scenario shared-load-view shows it.)
 */
class SharedLoadViewTest {
    private static final long DURATION = 8 * SECOND;
    private static final String P2C = "p2c-least-request";

    private static SimulationConfig config(int instances, LoadViewModel view, long seed) {
        return SimulationConfig.builder()
                .backends(BackendGroup.builder("api", 16).concurrency(2)
                        .serviceTime(Distribution.exponential(10 * MS)).build())
                .strategy(StrategySpec.of(P2C))
                .workload(PoissonWorkload.of(2880))
                .loadBalancer(LoadBalancerModel.builder().instances(instances)
                        .networkDelay(Distribution.exponential(100_000)).loadView(view).build())
                .durationNanos(DURATION)
                .warmUpNanos(SECOND)
                .seed(seed)
                .build();
    }

    private static LoadViewModel view(long outageAt, long outage) {
        return new LoadViewModel(10 * MS, 100 * MS, Distribution.exponential(2 * MS), 0, outageAt, outage);
    }

    private static long p99(int instances, LoadViewModel view, long seed) {
        return Simulation.of(config(instances, view, seed)).run().latency().p99Nanos();
    }

    /**
     * An outage over the whole run: every report is held to the end of the run, none arrives, no
     * remote count is ever set, and the run is the local view's exactly (same picks, same numbers):
     * the channel's own events and random draws disturb nothing else.
     */
    @Test
    void aViewThatNeverArrivesIsExactlyTheLocalView() {
        SimulationResult local = Simulation.of(config(4, null, 1)).run();
        SimulationResult dark = Simulation.of(config(4, view(0, DURATION), 1)).run();
        assertThat(dark.latency()).isEqualTo(local.latency());
        assertThat(dark.outcomes()).isEqualTo(local.outcomes());
    }

    /**
     * The shared view beats the local one and an outage takes the gain back. Sums over three seeds
     * (the seeds fix every draw, so this is reproducible, not flaky): seed-to-seed spread of one
     * p99 here is about 1 ms, so the sum of three differences has a spread of about
     * sqrt(3 * 2) * 1 = 2.5 ms, against measured gaps of 12 ms (local - shared) and 13 ms
     * (outage - shared). The bands below are 5 ms: a regression that halves either effect fails.
     * The ideal single balancer stays the best.
     */
    @Test
    void sharedViewCutsP99AndAnOutageTakesTheGainBack() {
        long ideal = 0;
        long local = 0;
        long shared = 0;
        long outage = 0;
        for (long seed = 1; seed <= 3; seed++) {
            ideal += p99(1, null, seed);
            local += p99(4, null, seed);
            shared += p99(4, view(0, 0), seed);
            outage += p99(4, view(3 * SECOND, 3 * SECOND), seed);
        }
        assertThat(shared).as("shared view vs local view, sum of 3 seeds' p99").isLessThan(local - 5 * MS);
        assertThat(outage).as("shared view with an outage over the middle third").isGreaterThan(shared + 5 * MS);
        assertThat(ideal).isLessThan(shared);
    }

    @Test
    void sameSeedSameBytes() {
        SimulationResult a = Simulation.of(config(4, view(2 * SECOND, SECOND), 7)).run();
        SimulationResult b = Simulation.of(config(4, view(2 * SECOND, SECOND), 7)).run();
        assertThat(a).isEqualTo(b);
        assertThat(a.latencyHistogramBytes()).isEqualTo(b.latencyHistogramBytes());
        assertThat(a.intervals()).isEqualTo(b.intervals());
    }

    @Test
    void badModelsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> new LoadViewModel(100 * MS, 100 * MS, Distribution.constant(0), 0, 0, 0))
                .hasMessageContaining("staleness (100ms) must be longer than the interval (100ms)");
        assertThatThrownBy(() -> new LoadViewModel(0, 100 * MS, Distribution.constant(0), 0, 0, 0))
                .hasMessageContaining("interval must be > 0");
    }
}
