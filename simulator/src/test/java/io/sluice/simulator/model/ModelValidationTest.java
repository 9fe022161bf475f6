package io.sluice.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.HealthState;
import org.junit.jupiter.api.Test;

class ModelValidationTest {
    @Test
    void backendGroupDefaultsAndIds() {
        BackendGroup g = BackendGroup.builder("api", 3).serviceTime(Distribution.constant(5)).build();
        assertThat(g.concurrency()).isEqualTo(1);
        assertThat(g.speed()).isEqualTo(1.0);
        assertThat(g.discipline()).isEqualTo(Discipline.FIFO);
        assertThat(g.queueCapacity()).isEqualTo(BackendGroup.UNBOUNDED);
        assertThat(g.backendId(2)).isEqualTo("api-2");
    }

    @Test
    void backendGroupRefusesBadValues() {
        assertThatThrownBy(() -> BackendGroup.builder("", 1)).hasMessageContaining("name");
        assertThatThrownBy(() -> BackendGroup.builder("a b", 1)).hasMessageContaining("name");
        assertThatThrownBy(() -> BackendGroup.builder("a", 0)).hasMessageContaining("count must be >= 1");
        assertThatThrownBy(() -> BackendGroup.builder("a", 1).concurrency(0)).hasMessageContaining("concurrency");
        assertThatThrownBy(() -> BackendGroup.builder("a", 1).speed(0)).hasMessageContaining("speed");
        assertThatThrownBy(() -> BackendGroup.builder("a", 1).queueCapacity(-1)).hasMessageContaining("queue");
        assertThatThrownBy(() -> BackendGroup.builder("a", 1).build()).hasMessageContaining("service time");
    }

    @Test
    void scriptedEventsRefuseBadValues() {
        assertThatThrownBy(() -> ScriptedEvent.crash("a-0", -1)).hasMessageContaining("time must be >= 0");
        assertThatThrownBy(() -> ScriptedEvent.slowdown("a-0", 0.5, 0, 1)).hasMessageContaining("factor");
        assertThatThrownBy(() -> ScriptedEvent.slowdown("a-0", 2, 5, 1)).hasMessageContaining("before the start");
        assertThatThrownBy(() -> ScriptedEvent.stall("a-0", 0, 0)).hasMessageContaining("duration must be > 0");
        assertThat(ScriptedEvent.stall("a-0", 10, 5).untilNanos()).isEqualTo(15);
    }

    @Test
    void loadBalancerModelRefusesBadValues() {
        assertThatThrownBy(() -> LoadBalancerModel.builder().instances(0)).hasMessageContaining("instances");
        assertThatThrownBy(() -> LoadBalancerModel.builder().retries(1.5, 2)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> LoadBalancerModel.builder().retries(0.1, 0)).hasMessageContaining("attempts");
        assertThatThrownBy(() -> LoadBalancerModel.builder().requestTimeoutNanos(-1)).hasMessageContaining("timeout");
        assertThatThrownBy(() -> new HealthCheckModel(0, 1, 0, HealthCheckPolicy.placeholderConsecutiveFailures(1)))
                .hasMessageContaining("interval");
    }

    @Test
    void placeholderPolicyGoesDownAfterFallFailuresAndUpOnAPass() {
        // PLACEHOLDER (TODO(health-merge)): tests only the wiring contract, not rise/fall semantics.
        HealthCheckPolicy.Tracker t = HealthCheckPolicy.placeholderConsecutiveFailures(2).newTracker(0);
        assertThat(t.onCheck(false, 1)).isEqualTo(HealthState.HEALTHY);
        assertThat(t.onCheck(true, 2)).isEqualTo(HealthState.HEALTHY);
        assertThat(t.onCheck(false, 3)).isEqualTo(HealthState.HEALTHY);
        assertThat(t.onCheck(false, 4)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(t.onCheck(false, 5)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(t.onCheck(true, 6)).isEqualTo(HealthState.HEALTHY);
        assertThatThrownBy(() -> HealthCheckPolicy.placeholderConsecutiveFailures(0)).hasMessageContaining("fall");
    }
}
