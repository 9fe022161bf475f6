package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.sluice.algorithms.health.CheckResult.FAIL;
import static io.sluice.algorithms.health.CheckResult.PASS;
import static io.sluice.algorithms.health.CheckResult.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ActiveHealthCheckTest {
    private static final long MS = 1_000_000L;
    private static final long INTER = 2_000 * MS;
    private static final long FAST = 500 * MS;
    private static final long DOWN = 5_000 * MS;

    private static HealthCheckConfig.Builder distinctIntervals() {
        return HealthCheckConfig.builder().inter(INTER).fastinter(FAST).downinter(DOWN);
    }

    /** Feeds results one per second and records the HAProxy status line after each. */
    private static List<String> run(ActiveHealthCheck check, CheckResult... results) {
        List<String> out = new ArrayList<>();
        long t = 0;
        for (CheckResult r : results) {
            t += 1_000 * MS;
            check.onResult(r, t);
            out.add(check.describe());
        }
        return out;
    }

    @Test
    void defaultsAreHaproxys() {
        HealthCheckConfig c = HealthCheckConfig.defaults();
        assertThat(c.rise()).isEqualTo(2);
        assertThat(c.fall()).isEqualTo(3);
        assertThat(c.interNanos()).isEqualTo(2_000 * MS);
        assertThat(c.fastinterNanos()).isEqualTo(c.interNanos());
        assertThat(c.downinterNanos()).isEqualTo(c.interNanos());
        assertThat(c.initialState()).isEqualTo(InitialState.UP);
    }

    @Test
    void defaultInitialStateIsUpButOneFailureBringsItDown() {
        ActiveHealthCheck check = ActiveHealthCheck.create(HealthCheckConfig.defaults(), 0);
        assertThat(check.describe()).isEqualTo("1/3 UP");
        assertThat(check.healthState()).isEqualTo(HealthState.HEALTHY);

        ActiveHealthCheck.Status s = check.onResult(FAIL, 1);
        assertThat(s.up()).isFalse();
        assertThat(s.changed()).isTrue();
        assertThat(check.describe()).isEqualTo("0/2 DOWN");
    }

    @Test
    void defaultInitialStateChecksAtFastinterUntilFullyUp() {
        ActiveHealthCheck check = ActiveHealthCheck.create(distinctIntervals().build(), 0);
        assertThat(check.nextIntervalNanos()).isEqualTo(FAST);
        check.onResult(PASS, 1);
        assertThat(check.describe()).isEqualTo("3/3 UP");
        assertThat(check.nextIntervalNanos()).isEqualTo(INTER);
    }

    @Test
    void fullyUpGoesDownOnlyAfterFallFailuresInARow() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().initialState(InitialState.FULLY_UP).build(), 0);
        assertThat(run(check, FAIL, FAIL)).containsExactly("2/3 UP", "1/3 UP");
        assertThat(check.status().up()).isTrue();
        assertThat(run(check, FAIL)).containsExactly("0/2 DOWN");
        assertThat(check.healthState()).isEqualTo(HealthState.UNHEALTHY);
    }

    @Test
    void onePassWhileFailingRestoresTheWholeFallBudget() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().initialState(InitialState.FULLY_UP).build(), 0);
        assertThat(run(check, FAIL, FAIL, PASS, FAIL, FAIL)).containsExactly(
                "2/3 UP", "1/3 UP", "3/3 UP", "2/3 UP", "1/3 UP");
        assertThat(check.status().up()).isTrue();
        assertThat(check.status().transitions()).isZero();
    }

    @Test
    void fullyDownComesUpOnlyAfterRisePassesInARow() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().rise(3).initialState(InitialState.FULLY_DOWN).build(), 0);
        assertThat(check.describe()).isEqualTo("0/3 DOWN");
        assertThat(run(check, PASS, PASS)).containsExactly("1/3 DOWN", "2/3 DOWN");
        assertThat(check.status().up()).isFalse();
        assertThat(run(check, PASS)).containsExactly("3/3 UP");
        assertThat(check.status().up()).isTrue();
    }

    @Test
    void oneFailureWhileRisingStartsTheRiseOver() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().rise(3).initialState(InitialState.FULLY_DOWN).build(), 0);
        assertThat(run(check, PASS, PASS, FAIL, PASS, PASS)).containsExactly(
                "1/3 DOWN", "2/3 DOWN", "0/3 DOWN", "1/3 DOWN", "2/3 DOWN");
        assertThat(check.status().up()).isFalse();
    }

    @Test
    void initialDownComesUpOnTheFirstPass() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().initialState(InitialState.DOWN).build(), 0);
        assertThat(check.describe()).isEqualTo("1/2 DOWN");
        assertThat(check.healthState()).isEqualTo(HealthState.UNHEALTHY);
        check.onResult(PASS, 1);
        assertThat(check.describe()).isEqualTo("3/3 UP");
    }

    /**
     * The worked example of {@link ActiveHealthCheck}'s Javadoc, with HAProxy's status line and the
     * interval HAProxy's srv_getinter would choose after each check.
     */
    @Test
    void goldenSequenceRise2Fall3() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().initialState(InitialState.FULLY_UP).build(), 0);
        CheckResult[] in = {FAIL, FAIL, PASS, FAIL, FAIL, FAIL, PASS, FAIL, PASS, PASS};
        String[] status = {"2/3 UP", "1/3 UP", "3/3 UP", "2/3 UP", "1/3 UP", "0/2 DOWN", "1/2 DOWN", "0/2 DOWN",
                "1/2 DOWN", "3/3 UP"};
        long[] interval = {FAST, FAST, INTER, FAST, FAST, DOWN, FAST, DOWN, FAST, INTER};
        boolean[] changed = {false, false, false, false, false, true, false, false, false, true};
        for (int i = 0; i < in.length; i++) {
            ActiveHealthCheck.Status s = check.onResult(in[i], i);
            assertThat(check.describe()).as("status after check %d", i).isEqualTo(status[i]);
            assertThat(s.nextIntervalNanos()).as("interval after check %d", i).isEqualTo(interval[i]);
            assertThat(s.changed()).as("changed at check %d", i).isEqualTo(changed[i]);
        }
        assertThat(check.status().upTransitions()).isEqualTo(1);
        assertThat(check.status().downTransitions()).isEqualTo(1);
    }

    @Test
    void timeoutCountsAsAFailedCheck() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                HealthCheckConfig.builder().initialState(InitialState.FULLY_UP).build(), 0);
        run(check, TIMEOUT, FAIL, TIMEOUT);
        assertThat(check.status().up()).isFalse();
        assertThat(TIMEOUT.passed()).isFalse();
    }

    @Test
    void riseOneFallOneFlipsOnEveryDisagreeingResult() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                distinctIntervals().rise(1).fall(1).build(), 0);
        assertThat(check.describe()).isEqualTo("1/1 UP");
        assertThat(check.nextIntervalNanos()).isEqualTo(INTER);
        assertThat(run(check, FAIL, FAIL, PASS, PASS, FAIL)).containsExactly(
                "0/1 DOWN", "0/1 DOWN", "1/1 UP", "1/1 UP", "0/1 DOWN");
        assertThat(check.nextIntervalNanos()).isEqualTo(DOWN);
        assertThat(check.status().transitions()).isEqualTo(3);
    }

    @Test
    void fullyDownChecksAtDowninterAndFallsBackToInterWhenUnset() {
        ActiveHealthCheck withDowninter = ActiveHealthCheck.create(
                distinctIntervals().initialState(InitialState.FULLY_DOWN).build(), 0);
        assertThat(withDowninter.nextIntervalNanos()).isEqualTo(DOWN);

        ActiveHealthCheck interOnly = ActiveHealthCheck.create(HealthCheckConfig.builder().inter(INTER)
                .initialState(InitialState.FULLY_DOWN).build(), 0);
        assertThat(interOnly.nextIntervalNanos()).isEqualTo(INTER);
        interOnly.onResult(PASS, 1);
        assertThat(interOnly.nextIntervalNanos()).as("transitional, no fastinter").isEqualTo(INTER);
    }

    @Test
    void sinceIsTheTimeOfTheLastTransition() {
        ActiveHealthCheck check = ActiveHealthCheck.create(HealthCheckConfig.defaults(), 100);
        assertThat(check.status().sinceNanos()).isEqualTo(100);
        check.onResult(FAIL, 200);
        check.onResult(FAIL, 300);
        assertThat(check.status().sinceNanos()).isEqualTo(200);
        check.onResult(PASS, 400);
        check.onResult(PASS, 500);
        assertThat(check.status().sinceNanos()).isEqualTo(500);
    }

    @Test
    void nonTransitionsAreNotCounted() {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                HealthCheckConfig.builder().initialState(InitialState.FULLY_UP).build(), 0);
        run(check, PASS, PASS, FAIL, PASS, FAIL, FAIL, PASS);
        assertThat(check.status().transitions()).isZero();
        assertThat(check.status().changed()).isFalse();
    }

    @Test
    void rejectsRiseOutOfRangeNamingTheValueAndRange() {
        assertThatThrownBy(() -> HealthCheckConfig.builder().rise(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rise: 0 is out of range; a whole number from 1 to 1000");
    }

    @Test
    void rejectsFallOutOfRange() {
        assertThatThrownBy(() -> HealthCheckConfig.builder().fall(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("fall: 1001 is out of range; a whole number from 1 to 1000");
    }

    @Test
    void rejectsZeroAndNegativeIntervals() {
        assertThatThrownBy(() -> HealthCheckConfig.builder().inter(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inter: 0ns is out of range; a duration from 1ms to 24h");
        assertThatThrownBy(() -> HealthCheckConfig.builder().fastinter(-5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fastinter");
        assertThatThrownBy(() -> HealthCheckConfig.builder().downinter(25L * 3_600_000_000_000L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("downinter: 25h is out of range; a duration from 1ms to 24h");
    }

    /**
     * Four threads feed alternating runs of results at once. Whatever the interleaving, the
     * transitions alternate (down, up, down ...), so the counts differ by the final state only.
     */
    @Test
    void concurrentResultsNeverLoseOrDoubleCountATransition() throws Exception {
        ActiveHealthCheck check = ActiveHealthCheck.create(
                HealthCheckConfig.builder().rise(1).fall(1).initialState(InitialState.FULLY_UP).build(), 0);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 20_000; i++) {
                    check.onResult(((i + seed) & 1) == 0 ? FAIL : PASS, i);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        ActiveHealthCheck.Status s = check.status();
        assertThat(s.downTransitions() - s.upTransitions()).isEqualTo(s.up() ? 0 : 1);
        assertThat(s.transitions()).isPositive();
    }
}
