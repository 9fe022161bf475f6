package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.Strategy;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PanicThresholdTest {
    private final Environment env = Environment.virtual(() -> 0L, 9);
    private final RecordingStrategy recording = new RecordingStrategy();

    private Strategy panic(Map<String, ?> params) {
        PanicThresholdWrapperProvider provider = new PanicThresholdWrapperProvider();
        return provider.wrap(recording, Parameters.parse("wrapper 'panic-threshold'", provider.parameters(), params),
                env);
    }

    /** Members h0.. healthy, u0.. unhealthy, d0.. draining, in that order. */
    private List<Endpoint> fleet(int healthy, int unhealthy, int draining) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < healthy; i++) {
            list.add(Endpoint.healthy(Backend.of("h" + i, "h" + i + ":80"), env));
        }
        for (int i = 0; i < unhealthy; i++) {
            list.add(Endpoint.healthy(Backend.of("u" + i, "u" + i + ":80"), env).withHealth(HealthState.UNHEALTHY, 0));
        }
        for (int i = 0; i < draining; i++) {
            list.add(Endpoint.healthy(Backend.of("d" + i, "d" + i + ":80"), env).withHealth(HealthState.DRAINING, 0));
        }
        return list;
    }

    private static Set<String> picked(Picker picker, int picks) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            ids.add(picker.pick(RequestContext.NONE).id());
        }
        return ids;
    }

    @Test
    void switchesExactlyAtTheThreshold() {
        Strategy strategy = panic(Map.of());
        // 5 of 10 available is 50 %: not below 50, normal mode.
        Picker normal = strategy.newPicker(EndpointSet.of(fleet(5, 5, 0)));
        assertThat(recording.last().available()).hasSize(5);
        assertThat(picked(normal, 50)).allMatch(id -> id.startsWith("h"));
        // 4 of 10 is 40 %: panic, every member takes traffic.
        Picker panicked = strategy.newPicker(EndpointSet.of(fleet(4, 6, 0)));
        assertThat(recording.last().available()).hasSize(10);
        assertThat(picked(panicked, 100)).hasSize(10);
    }

    @Test
    void drainingMembersStayOutEvenInPanic() {
        Picker picker = panic(Map.of()).newPicker(EndpointSet.of(fleet(2, 3, 5)));
        assertThat(recording.last().available()).hasSize(5).noneMatch(e -> e.health() == HealthState.DRAINING);
        assertThat(recording.last().all()).hasSize(10);
        assertThat(picked(picker, 100)).noneMatch(id -> id.startsWith("d"));
    }

    @Test
    void everyMemberDrainingPicksNothing() {
        assertThat(panic(Map.of()).newPicker(EndpointSet.of(fleet(0, 0, 3))).pick(RequestContext.NONE)).isNull();
    }

    @Test
    void allUnhealthyPanicsOntoThem() {
        Picker picker = panic(Map.of()).newPicker(EndpointSet.of(fleet(0, 3, 0)));
        assertThat(picked(picker, 30)).containsExactlyInAnyOrder("u0", "u1", "u2");
    }

    @Test
    void zeroPercentNeverPanicsAndHundredPanicsOnTheFirstLoss() {
        assertThat(panic(Map.of("percent", 0)).newPicker(EndpointSet.of(fleet(0, 3, 0))).pick(RequestContext.NONE))
                .isNull();
        Strategy strict = panic(Map.of("percent", 100));
        strict.newPicker(EndpointSet.of(fleet(3, 0, 0)));
        assertThat(recording.last().available()).hasSize(3);
        strict.newPicker(EndpointSet.of(fleet(9, 1, 0)));
        assertThat(recording.last().available()).hasSize(10);
    }

    @Test
    void emptyAndSingleMemberSets() {
        assertThat(panic(Map.of()).newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
        assertThat(panic(Map.of()).newPicker(EndpointSet.of(fleet(0, 1, 0))).pick(RequestContext.NONE).id())
                .isEqualTo("u0");
        assertThat(panic(Map.of()).newPicker(EndpointSet.of(fleet(1, 0, 0))).pick(RequestContext.NONE).id())
                .isEqualTo("h0");
    }

    @Test
    void badParametersAreRefused() {
        PanicThresholdWrapperProvider provider = new PanicThresholdWrapperProvider();
        assertThat(Parameters.defaults("pt", provider.parameters()).getDouble("percent")).isEqualTo(50.0);
        assertThatThrownBy(() -> panic(Map.of("percent", 150))).hasMessageContaining("percent");
        assertThatThrownBy(() -> panic(Map.of("percent", "half"))).hasMessageContaining("percent");
    }
}
