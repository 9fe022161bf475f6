package io.sluice.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.health.HealthCheckConfig;
import io.sluice.algorithms.health.OutlierConfig;
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
    }

    @Test
    void healthCheckModelRefusesBadValuesAndDefaultsTheTimeoutToInter() {
        HealthCheckConfig checks = HealthCheckConfig.builder().inter(2_000_000_000L).build();
        assertThatThrownBy(() -> new HealthCheckModel(checks, 0, 0)).hasMessageContaining("timeout must be > 0");
        assertThatThrownBy(() -> new HealthCheckModel(checks, 1, -1)).hasMessageContaining("work must be >= 0");
        assertThatThrownBy(() -> new HealthCheckModel(null, 1, 0)).isInstanceOf(NullPointerException.class);
        HealthCheckModel m = HealthCheckModel.of(checks);
        assertThat(m.timeoutNanos()).isEqualTo(2_000_000_000L);
        assertThat(m.intervalNanos()).isEqualTo(2_000_000_000L);
        assertThat(m.checkWorkNanos()).isZero();
        assertThat(m.checks()).isSameAs(checks);
    }

    @Test
    void outlierDetectionIsOffUnlessAsked() {
        assertThat(LoadBalancerModel.single().outlierDetection()).isNull();
        OutlierConfig c = OutlierConfig.defaults();
        assertThat(LoadBalancerModel.builder().outlierDetection(c).build().outlierDetection()).isSameAs(c);
    }
}
