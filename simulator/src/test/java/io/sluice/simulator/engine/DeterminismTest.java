package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.algorithms.StrategySpec;
import io.sluice.algorithms.health.OutlierConfig;
import io.sluice.algorithms.policy.ClusterPolicy;
import io.sluice.algorithms.policy.RetryPolicy;
import io.sluice.algorithms.policy.Timeouts;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Discipline;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.LoadBalancerModel;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.PoissonWorkload;
import org.junit.jupiter.api.Test;

/**
 * Same configuration and seed give identical results, every number and the histogram bytes; a
 * different seed gives a different run. The configuration switches on every source of randomness
 * and every feature (several instances, network jitter, timeouts, retries, health checks, outlier
 * detection, session persistence, probes, utilisation reports, the shared load view with an outage, scripted events, devices, both
 * disciplines), so a stray
 * unseeded random source or iteration over an unordered collection anywhere would show.
 */
class DeterminismTest {
    static SimulationConfig everything(String strategy, long seed) {
        return SimulationConfig.builder()
                .backends(BackendGroup.builder("fifo", 6).concurrency(2)
                        .serviceTime(Distribution.lognormal(2 * MS, 1.0)).queueCapacity(20).build())
                .backends(BackendGroup.builder("ps", 3).discipline(Discipline.PROCESSOR_SHARING).speed(1.5)
                        .serviceTime(Distribution.pareto(2 * MS, 2.5)).build())
                .policy(ClusterPolicy.builder(StrategySpec.of(strategy))
                        .timeouts(new Timeouts(20 * MS, 50 * MS))
                        .retries(RetryPolicy.builder().idempotentOnly(false).build())
                        .healthCheck(LoadBalancerTierTest.CHECKS)
                        .outlierDetection(OutlierConfig.builder().consecutive5xx(3).maxEjectionPercent(30)
                                .interval(200 * MS).baseEjectionTime(500 * MS).latencyFactor(3)
                                .latencyMinimumRequests(10).build())
                        .affinity(LoadBalancerTierTest.DEVICE_KEY)
                        .build())
                .requestMethod("GET")
                .workload(PoissonWorkload.withDevices(3000, 500))
                .loadBalancer(LoadBalancerModel.builder()
                        .instances(3)
                        .networkDelay(Distribution.exponential(200_000))
                        .utilisationReportIntervalNanos(100 * MS)
                        .loadView(new io.sluice.simulator.model.LoadViewModel(50 * MS, 200 * MS,
                                Distribution.exponential(5 * MS), MS, 1500 * MS, 500 * MS))
                        .build())
                .event(ScriptedEvent.crash("fifo-1", SECOND))
                .event(ScriptedEvent.recover("fifo-1", 2 * SECOND))
                .event(ScriptedEvent.slowdown("ps-0", 5, 500 * MS, 1500 * MS))
                .event(ScriptedEvent.stall("fifo-2", 2500 * MS, 300 * MS))
                .durationNanos(4 * SECOND)
                .warmUpNanos(SECOND / 2)
                .intervalNanos(250 * MS)
                .seed(seed)
                .build();
    }

    @Test
    void sameSeedSameResult() {
        for (String strategy : new String[] {QueueingValidationTest.POWER_OF_D, "prequal", "rendezvous"}) {
            SimulationResult a = Simulation.of(everything(strategy, 99)).run();
            SimulationResult b = Simulation.of(everything(strategy, 99)).run();
            // The run did exercise the features.
            assertThat(a.outcomes().requests()).isGreaterThan(9000);
            // Failures happened (the crash, the stall) and retries rescued some of them.
            assertThat(a.outcomes().retries()).isPositive();
            assertThat(a.affinity().requestsWithPrevious()).isPositive();
            assertThat(a).isEqualTo(b);
            // HdrHistogram objects carry a per-instance identity number; their contents are compared
            // through equals above and byte for byte below.
            assertThat(a).usingRecursiveComparison().ignoringFields("histogram").isEqualTo(b);
            assertThat(a.latencyHistogramBytes()).isEqualTo(b.latencyHistogramBytes());
            assertThat(a.intervals()).isEqualTo(b.intervals());
            assertThat(a.events()).isEqualTo(b.events());
        }
    }

    @Test
    void differentSeedDifferentResult() {
        SimulationResult a = Simulation.of(everything(QueueingValidationTest.POWER_OF_D, 99)).run();
        SimulationResult c = Simulation.of(everything(QueueingValidationTest.POWER_OF_D, 100)).run();
        assertThat(c).isNotEqualTo(a);
        assertThat(c.outcomes().requests()).isNotEqualTo(a.outcomes().requests());
        assertThat(c.latency().meanNanos()).isNotEqualTo(a.latency().meanNanos());
        assertThat(c.latencyHistogramBytes()).isNotEqualTo(a.latencyHistogramBytes());
    }

    @Test
    void runningOneSimulationTwiceStartsAfresh() {
        Simulation s = Simulation.of(everything("prequal", 5));
        assertThat(s.run()).isEqualTo(s.run());
    }
}
