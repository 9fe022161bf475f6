package io.sluice.algorithms.health;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ActiveHealthCheckProperties {

    @Provide
    Arbitrary<List<CheckResult>> results() {
        return Arbitraries.of(CheckResult.class).list().ofMaxSize(200);
    }

    /**
     * HAProxy's counter is exactly "flip after rise passes in a row when down, fall failures in a
     * row when up". The model counts the run of results that disagree with the current state; the
     * initial state decides where the run starts (UP is up with fall - 1 failures already counted,
     * DOWN is down with rise - 1 passes already counted).
     */
    @Property
    void counterEqualsTheConsecutiveRunModel(@ForAll @IntRange(min = 1, max = 6) int rise,
                                             @ForAll @IntRange(min = 1, max = 6) int fall,
                                             @ForAll InitialState initial,
                                             @ForAll("results") List<CheckResult> results) {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                HealthCheckConfig.builder().rise(rise).fall(fall).initialState(initial).build(), 0);
        boolean up = initial == InitialState.UP || initial == InitialState.FULLY_UP;
        int run = switch (initial) {
            case UP -> fall - 1;
            case DOWN -> rise - 1;
            default -> 0;
        };
        long transitions = 0;
        for (CheckResult r : results) {
            if (r.passed() != up) {
                run++;
                if (run == (up ? fall : rise)) {
                    up = !up;
                    run = 0;
                    transitions++;
                }
            } else {
                run = 0;
            }
            ActiveHealthCheck.Status s = check.onResult(r, 0);
            assertThat(s.up()).isEqualTo(up);
        }
        assertThat(check.status().transitions()).isEqualTo(transitions);
    }

    /** The counter never leaves [0, rise + fall - 1], and up is exactly health >= rise. */
    @Property
    void healthStaysInRangeAndDefinesUp(@ForAll @IntRange(min = 1, max = 6) int rise,
                                        @ForAll @IntRange(min = 1, max = 6) int fall,
                                        @ForAll InitialState initial,
                                        @ForAll @Size(max = 100) List<CheckResult> results) {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                HealthCheckConfig.builder().rise(rise).fall(fall).initialState(initial).build(), 0);
        for (CheckResult r : results) {
            ActiveHealthCheck.Status s = check.onResult(r, 0);
            assertThat(s.health()).isBetween(0, rise + fall - 1);
            assertThat(s.up()).isEqualTo(s.health() >= rise);
        }
    }
}
