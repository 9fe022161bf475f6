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

class ZonePreferenceTest {
    private final Environment env = Environment.virtual(() -> 0L, 5);
    private final RecordingStrategy recording = new RecordingStrategy();

    private Strategy zonePreference(Map<String, ?> params) {
        ZonePreferenceWrapperProvider provider = new ZonePreferenceWrapperProvider();
        return provider.wrap(recording, Parameters.parse("wrapper 'zone-preference'", provider.parameters(), params),
                env);
    }

    /** {@code local} members of zone eu (the first {@code localDown} unhealthy) and 3 healthy in us. */
    private List<Endpoint> fleet(int local, int localDown) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            list.add(Endpoint.healthy(Backend.of("us" + i, "us" + i + ":80", 1, "us", Map.of()), env));
        }
        for (int i = 0; i < local; i++) {
            Endpoint e = Endpoint.healthy(Backend.of("eu" + i, "eu" + i + ":80", 1, "eu", Map.of()), env);
            list.add(i < localDown ? e.withHealth(HealthState.UNHEALTHY, 0) : e);
        }
        return list;
    }

    private Set<String> pickedZones(Picker picker, int picks) {
        Set<String> zones = new HashSet<>();
        for (int i = 0; i < picks; i++) {
            zones.add(picker.pick(RequestContext.NONE).backend().zone());
        }
        return zones;
    }

    @Test
    void staysInTheLocalZoneWhileItIsHealthy() {
        Picker picker = zonePreference(Map.of("local-zone", "eu")).newPicker(EndpointSet.of(fleet(10, 0)));
        assertThat(recording.last().available()).hasSize(10).allMatch(e -> e.backend().zone().equals("eu"));
        assertThat(recording.last().all()).hasSize(10);
        assertThat(pickedZones(picker, 100)).containsExactly("eu");
    }

    @Test
    void switchesExactlyAtTheThreshold() {
        // 70 %: 7 of 10 available stays local (700 >= 700); 6 of 10 spills (600 < 700).
        Strategy strategy = zonePreference(Map.of("local-zone", "eu"));
        strategy.newPicker(EndpointSet.of(fleet(10, 3)));
        assertThat(recording.last().available()).hasSize(7).allMatch(e -> e.backend().zone().equals("eu"));

        Picker spilled = strategy.newPicker(EndpointSet.of(fleet(10, 4)));
        assertThat(recording.last().available()).hasSize(6 + 3);
        assertThat(pickedZones(spilled, 90)).containsExactlyInAnyOrder("eu", "us");
    }

    @Test
    void aLocalZoneWithNoMembersOrNoneAvailableSpills() {
        zonePreference(Map.of("local-zone", "ap")).newPicker(EndpointSet.of(fleet(4, 0)));
        assertThat(recording.last().available()).hasSize(7);
        // Even at 0 % a zone with nothing available cannot take traffic.
        zonePreference(Map.of("local-zone", "eu", "min-healthy-percent", 0)).newPicker(EndpointSet.of(fleet(4, 4)));
        assertThat(recording.last().available()).hasSize(3).allMatch(e -> e.backend().zone().equals("us"));
    }

    @Test
    void hundredPercentSpillsOnTheFirstLoss() {
        Strategy strategy = zonePreference(Map.of("local-zone", "eu", "min-healthy-percent", 100));
        strategy.newPicker(EndpointSet.of(fleet(5, 0)));
        assertThat(recording.last().available()).hasSize(5);
        strategy.newPicker(EndpointSet.of(fleet(5, 1)));
        assertThat(recording.last().available()).hasSize(4 + 3);
    }

    @Test
    void oneLocalBackendIsEnough() {
        Picker picker = zonePreference(Map.of("local-zone", "eu")).newPicker(EndpointSet.of(fleet(1, 0)));
        assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("eu0");
    }

    @Test
    void emptyAndAllUnhealthySetsPickNothing() {
        assertThat(zonePreference(Map.of()).newPicker(EndpointSet.empty()).pick(RequestContext.NONE)).isNull();
        List<Endpoint> down = new ArrayList<>();
        for (Endpoint e : fleet(3, 3)) {
            down.add(e.withHealth(HealthState.EJECTED, 0));
        }
        assertThat(zonePreference(Map.of("local-zone", "eu")).newPicker(EndpointSet.of(down))
                .pick(RequestContext.NONE)).isNull();
    }

    @Test
    void theDefaultZoneIsLocalByDefault() {
        List<Endpoint> list = new ArrayList<>(fleet(0, 0));
        list.add(Endpoint.healthy(Backend.of("plain", "plain:80"), env));
        Picker picker = zonePreference(Map.of()).newPicker(EndpointSet.of(list));
        assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("plain");
        assertThat(recording.last().available()).hasSize(1);
    }

    @Test
    void badParametersAreRefused() {
        ZonePreferenceWrapperProvider provider = new ZonePreferenceWrapperProvider();
        assertThat(Parameters.defaults("zp", provider.parameters()).getDouble("min-healthy-percent")).isEqualTo(70.0);
        assertThatThrownBy(() -> zonePreference(Map.of("local-zone", " "))).hasMessageContaining("local-zone");
        assertThatThrownBy(() -> zonePreference(Map.of("min-healthy-percent", -1)))
                .hasMessageContaining("min-healthy-percent");
    }
}
