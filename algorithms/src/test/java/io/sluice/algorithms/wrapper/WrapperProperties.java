package io.sluice.algorithms.wrapper;

import io.sluice.algorithms.Backend;
import io.sluice.algorithms.LoadSignals;
import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.EndpointSet;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.HealthState;
import io.sluice.algorithms.Parameters;
import io.sluice.algorithms.Picker;
import io.sluice.algorithms.RequestContext;
import io.sluice.algorithms.VirtualClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Invariants of the three wrappers over random fleets, healths, zones and ramp times. */
class WrapperProperties {
    private static final long S = 1_000_000_000L;

    private static List<Endpoint> fleet(List<HealthState> healths, List<Boolean> local, Environment env) {
        List<Endpoint> list = new ArrayList<>();
        for (int i = 0; i < healths.size(); i++) {
            String zone = i < local.size() && local.get(i) ? "eu" : "us";
            Endpoint e = Endpoint.healthy(Backend.of("b" + i, "b" + i + ":80", 1, zone, Map.of()), env);
            list.add(healths.get(i) == HealthState.HEALTHY ? e : e.withHealth(healths.get(i), 0));
        }
        return list;
    }

    @Property(tries = 300)
    void panicNeverRoutesToDrainingAndOnlyLeavesHealthyBelowTheThreshold(
            @ForAll @Size(max = 20) List<HealthState> healths,
            @ForAll @DoubleRange(min = 0, max = 100) double percent) {
        Environment env = Environment.virtual(() -> 0L, 1);
        RecordingStrategy recording = new RecordingStrategy();
        PanicThreshold panic = new PanicThreshold(recording, percent);
        EndpointSet set = EndpointSet.of(fleet(healths, List.of(), env));
        Picker picker = panic.newPicker(set);
        boolean panicking = !set.all().isEmpty() && set.available().size() * 100.0 < percent * set.all().size();
        for (int i = 0; i < 50; i++) {
            Endpoint e = picker.pick(RequestContext.NONE);
            if (e == null) {
                assertThat(recording.last().available()).isEmpty();
                continue;
            }
            assertThat(e.health()).isNotEqualTo(HealthState.DRAINING);
            if (!panicking) {
                assertThat(e.health()).isEqualTo(HealthState.HEALTHY);
            }
        }
    }

    @Property(tries = 300)
    void zonePreferenceStaysLocalExactlyWhenTheLocalZoneIsHealthyEnough(
            @ForAll @Size(max = 20) List<HealthState> healths, @ForAll @Size(max = 20) List<Boolean> local,
            @ForAll @DoubleRange(min = 0, max = 100) double minHealthy) {
        Environment env = Environment.virtual(() -> 0L, 1);
        RecordingStrategy recording = new RecordingStrategy();
        ZonePreference zp = new ZonePreference(recording, "eu", minHealthy);
        EndpointSet set = EndpointSet.of(fleet(healths, local, env));
        zp.newPicker(set);
        long members = set.all().stream().filter(e -> e.backend().zone().equals("eu")).count();
        long up = set.available().stream().filter(e -> e.backend().zone().equals("eu")).count();
        boolean stay = up > 0 && up * 100.0 >= minHealthy * members;
        List<Endpoint> given = recording.last().available();
        if (stay) {
            assertThat(given).hasSize((int) up).allMatch(e -> e.backend().zone().equals("eu"));
        } else {
            assertThat(given).containsExactlyElementsOf(set.available());
        }
    }

    @Property(tries = 300)
    void slowStartWeightsStayWithinTheirBoundsAndGrowWithTime(
            @ForAll @LongRange(min = -100, max = 100) long healthySinceSeconds,
            @ForAll @IntRange(min = 1, max = 100) int weight,
            @ForAll @DoubleRange(min = 0.01, max = 100) double aggression,
            @ForAll @DoubleRange(min = 0, max = 100) double minPercent,
            @ForAll @LongRange(min = 1, max = 60) long windowSeconds) {
        VirtualClock clock = new VirtualClock();
        Environment env = Environment.virtual(clock, 1);
        RecordingStrategy recording = new RecordingStrategy();
        SlowStartWrapperProvider provider = new SlowStartWrapperProvider();
        SlowStart slowStart = (SlowStart) provider.wrap(recording, Parameters.parse("slow-start", provider.parameters(),
                Map.of("window", windowSeconds + "s", "aggression", aggression, "min-weight-percent", minPercent)), env);
        Endpoint e = Endpoint.of(Backend.of("a", "a:80", weight), LoadSignals.threadSafe(S).newLoad(0), HealthState.HEALTHY,
                healthySinceSeconds * S);
        double previous = 0;
        for (long t = 0; t <= 2 * windowSeconds; t++) {
            clock.setNanos((healthySinceSeconds + t) * S);
            Picker picker = slowStart.newPicker(EndpointSet.of(List.of(e)));
            assertThat(picker.pick(RequestContext.NONE).id()).isEqualTo("a");
            double w = recording.weightOf("a");
            assertThat(w).isGreaterThan(0).isLessThanOrEqualTo(weight).isGreaterThanOrEqualTo(previous);
            assertThat(w).isGreaterThanOrEqualTo(Math.min(weight, weight * minPercent / 100) - 1e-9);
            if (t >= windowSeconds) {
                assertThat(w).isEqualTo((double) weight);
            }
            previous = w;
        }
    }
}
