package io.sluice.simulator.engine;

import static io.sluice.simulator.engine.BackendModelTest.MS;
import static io.sluice.simulator.engine.BackendModelTest.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.StrategySpec;
import io.sluice.simulator.metrics.IntervalSample;
import io.sluice.simulator.metrics.SimulationResult;
import io.sluice.simulator.model.BackendGroup;
import io.sluice.simulator.model.Distribution;
import io.sluice.simulator.model.ScriptedEvent;
import io.sluice.simulator.standin.FixedArrivals;
import io.sluice.simulator.standin.PoissonWorkload;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {
    static SimulationConfig.Builder valid() {
        return SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 2).serviceTime(Distribution.exponential(MS)).build())
                .strategy(StrategySpec.of(QueueingValidationTest.RANDOM))
                .workload(PoissonWorkload.of(1000))
                .durationNanos(SECOND);
    }

    @Test
    void aValidConfigBuildsWithDefaults() {
        SimulationConfig c = valid().build();
        assertThat(c.backendCount()).isEqualTo(2);
        assertThat(c.intervalNanos()).isEqualTo(SECOND);
        assertThat(c.warmUpNanos()).isZero();
        assertThat(c.describe()).contains("random").contains("test-poisson");
        assertThat(c.toBuilder().seed(9).build().seed()).isEqualTo(9);
    }

    @Test
    void missingPiecesAreNamed() {
        assertThatThrownBy(() -> SimulationConfig.builder().build()).hasMessageContaining("backend group");
        assertThatThrownBy(() -> valid().durationNanos(0).build()).hasMessageContaining("duration must be > 0");
        assertThatThrownBy(() -> SimulationConfig.builder()
                .backends(BackendGroup.builder("s", 1).serviceTime(Distribution.constant(1)).build())
                .strategy(StrategySpec.of(QueueingValidationTest.RANDOM)).durationNanos(1).build())
                .hasMessageContaining("workload");
    }

    @Test
    void warmUpMustEndBeforeTheDuration() {
        assertThatThrownBy(() -> valid().warmUpNanos(SECOND).build()).hasMessageContaining("warm-up must be in [0");
        assertThatThrownBy(() -> valid().warmUpNanos(-1).build()).hasMessageContaining("warm-up");
    }

    @Test
    void anUnknownStrategyListsTheValidNames() {
        assertThatThrownBy(() -> valid().strategy(StrategySpec.of("no-such")).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown strategy 'no-such'")
                .hasMessageContaining("round-robin").hasMessageContaining("p2c-least-request");
    }

    @Test
    void badStrategyParametersFailAtBuild() {
        assertThatThrownBy(() -> valid().strategy(StrategySpec.of(QueueingValidationTest.POWER_OF_D,
                Map.of("choices", 99))).build()).hasMessageContaining("'choices'");
    }

    @Test
    void scriptedEventsMustNameAKnownBackend() {
        assertThatThrownBy(() -> valid().event(ScriptedEvent.crash("s-7", 0)).build())
                .hasMessageContaining("unknown backend 's-7'");
    }

    @Test
    void backendIdsMustBeUnique() {
        assertThatThrownBy(() -> valid().backends(BackendGroup.builder("s", 1)
                .serviceTime(Distribution.constant(1)).build()).build())
                .hasMessageContaining("two backends have the id 's-0'");
    }

    @Test
    void tooManyIntervalsAreRefused() {
        assertThatThrownBy(() -> valid().intervalNanos(1).build()).hasMessageContaining("intervals");
    }

    @Test
    void aWorkloadWithoutArrivalsGivesAnEmptyResult() {
        SimulationResult r = Simulation.of(valid().workload(FixedArrivals.at()).build()).run();
        assertThat(r.outcomes().requests()).isZero();
        assertThat(r.throughputPerSecond()).isZero();
        assertThat(r.latency().count()).isZero();
        assertThat(r.latency().meanNanos()).isNaN();
        assertThat(r.affinity().hitRate()).isNaN();
        assertThat(r.fairness().jainIndex()).isEqualTo(1.0);
        assertThat(r.intervals()).hasSize(1);
    }

    @Test
    void intervalsTileTheRunAndCountEveryEndedRequest() {
        SimulationResult r = Simulation.of(valid().durationNanos(SECOND + 300 * MS).intervalNanos(250 * MS)
                .warmUpNanos(250 * MS).build()).run();
        List<IntervalSample> s = r.intervals();
        assertThat(s).hasSize(6);
        assertThat(s.get(0).startNanos()).isZero();
        for (int i = 1; i < s.size(); i++) {
            assertThat(s.get(i).startNanos()).isEqualTo(s.get(i - 1).endNanos());
        }
        assertThat(s.get(5).endNanos()).isEqualTo(SECOND + 300 * MS);
        assertThat(s.get(5).endNanos() - s.get(5).startNanos()).isEqualTo(50 * MS);
        for (IntervalSample i : s) {
            for (double u : i.utilisation()) {
                assertThat(u).isBetween(0.0, 1.0);
            }
            assertThat(i.inFlight()).hasSize(2);
            assertThat(i.throughputPerSecond()).isEqualTo(i.completed() / ((i.endNanos() - i.startNanos()) / 1e9));
        }
        // Every measured request ends (the run drains) and is counted once.
        assertThat(r.outcomes().unfinished()).isZero();
        assertThat(r.outcomes().succeeded()).isEqualTo(r.outcomes().requests());
        assertThat(r.latency().count()).isEqualTo(r.outcomes().succeeded());
        // The series counts by end time over the whole run: all requests that ended before the duration.
        long inSeries = s.stream().mapToLong(IntervalSample::completed).sum();
        assertThat(inSeries).isGreaterThan(r.outcomes().succeeded());
    }

    @Test
    void theDrainLimitLeavesOverloadUnfinished() {
        // 10x overload, no drain: requests still queued at the end count as unfinished.
        SimulationResult r = Simulation.of(valid().workload(PoissonWorkload.of(20_000)).drainLimitNanos(0).build())
                .run();
        assertThat(r.outcomes().unfinished()).isPositive();
        assertThat(r.outcomes().succeeded() + r.outcomes().unfinished()).isEqualTo(r.outcomes().requests());
    }

    @Test
    void aCustomStrategyFactoryRunsWithoutRegistration() {
        SimulationResult r = Simulation.of(valid().strategy("always-first",
                env -> new io.sluice.algorithms.Strategy() {
                    @Override
                    public String name() {
                        return "always-first";
                    }

                    @Override
                    public io.sluice.algorithms.Picker newPicker(io.sluice.algorithms.EndpointSet set) {
                        return ctx -> set.available().isEmpty() ? null : set.available().get(0);
                    }
                }).build()).run();
        assertThat(r.description()).startsWith("always-first");
        assertThat(r.backends().get(1).requests()).isZero();
        assertThat(r.backends().get(0).requests()).isEqualTo(r.outcomes().requests());
    }
}
