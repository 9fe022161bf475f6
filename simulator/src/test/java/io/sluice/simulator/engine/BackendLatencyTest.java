package io.sluice.simulator.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.metrics.BackendResult;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.standin.FixedArrivals;
import org.junit.jupiter.api.Test;

/** Per-backend mean latency, and backend groups numbered from a first index. */
class BackendLatencyTest {
    private static final long MS = 1_000_000L;

    @Test
    void aBackendsMeanLatencyIsItsAttemptsServiceAndBothHops() {
        // Requests 10 ms apart, round robin over two backends: no queueing. Backend fast-0 serves in
        // 2 ms at speed 1, slow-0 in 2 ms / 0.5 = 4 ms; each hop is a constant 1 ms. So fast-0's
        // attempts take 1 + 2 + 1 = 4 ms and slow-0's 1 + 4 + 1 = 6 ms, exactly.
        SimulationConfig config = SimulationConfig.builder()
                .backends(BackendGroup.builder("fast", 1).serviceTime(Distribution.constant(2 * MS)).build())
                .backends(BackendGroup.builder("slow", 1).serviceTime(Distribution.constant(2 * MS)).speed(0.5)
                        .build())
                // Round robin does not change with time, so its picker is never rebuilt on a timer.
                .loadBalancer(LoadBalancerModel.builder().networkDelay(Distribution.constant(MS)).build())
                .strategy(StrategySpec.of("round-robin"))
                .workload(FixedArrivals.every(0, 10 * MS, 100))
                .durationNanos(1_000 * MS)
                .seed(1)
                .build();
        SimulationResult r = Simulation.of(config).run();
        BackendResult fast = r.backends().get(0);
        BackendResult slow = r.backends().get(1);
        assertThat(fast.completed()).isEqualTo(50);
        assertThat(slow.completed()).isEqualTo(50);
        assertThat(fast.meanLatencyNanos()).isEqualTo(4.0 * MS);
        assertThat(slow.meanLatencyNanos()).isEqualTo(6.0 * MS);
        assertThat(new BackendResult("x", 0, 0, 0).meanLatencyNanos()).isNaN();
    }

    @Test
    void aGroupNumberedFromAFirstIndexContinuesAnother() {
        BackendGroup a = BackendGroup.builder("app", 2).serviceTime(Distribution.constant(MS)).build();
        BackendGroup b = BackendGroup.builder("app", 1).firstIndex(2).serviceTime(Distribution.constant(MS))
                .speed(0.5).build();
        assertThat(a.backendId(1)).isEqualTo("app-1");
        assertThat(b.backendId(0)).isEqualTo("app-2");
        assertThat(b.firstIndex()).isEqualTo(2);
        // The ids stay distinct, so a simulation accepts the pair as one fleet.
        SimulationConfig config = SimulationConfig.builder().backends(a).backends(b)
                .strategy(StrategySpec.of("round-robin")).workload(FixedArrivals.at(0))
                .durationNanos(MS).build();
        assertThat(config.backendCount()).isEqualTo(3);
        assertThatThrownBy(() -> BackendGroup.builder("app", 1).firstIndex(-1))
                .hasMessage("backend group 'app': first index must be in [0, 2147483647], got -1");
        assertThatThrownBy(() -> BackendGroup.builder("app", 2).firstIndex(Integer.MAX_VALUE))
                .hasMessage("backend group 'app': first index must be in [0, 2147483646], got 2147483647");
    }
}
