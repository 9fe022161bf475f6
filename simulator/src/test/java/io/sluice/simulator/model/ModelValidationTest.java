package io.sluice.simulator.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThatThrownBy(() -> LoadBalancerModel.builder().utilisationReportIntervalNanos(-1))
                .hasMessageContaining("utilisation report interval");
        assertThatThrownBy(() -> LoadBalancerModel.builder().networkDelay(null)).isInstanceOf(NullPointerException.class);
        LoadBalancerModel m = LoadBalancerModel.single();
        assertThat(m.instances()).isEqualTo(1);
        assertThat(m.networkDelay().mean()).isZero();
        assertThat(m.utilisationReportIntervalNanos()).isZero();
    }

    @Test
    void backendGroupsTakeExplicitIdsAndCheckWork() {
        BackendGroup g = BackendGroup.builder("api", 2).serviceTime(Distribution.constant(1))
                .ids(java.util.List.of("t1", "t2")).healthCheckWorkNanos(5).build();
        assertThat(g.backendId(0)).isEqualTo("t1");
        assertThat(g.backendId(1)).isEqualTo("t2");
        assertThat(g.healthCheckWorkNanos()).isEqualTo(5);
        assertThatThrownBy(() -> BackendGroup.builder("api", 2).ids(java.util.List.of("t1")))
                .hasMessageContaining("1 ids for 2 backends");
        assertThatThrownBy(() -> BackendGroup.builder("api", 1).healthCheckWorkNanos(-1))
                .hasMessageContaining("health check work must be >= 0");
    }
}
