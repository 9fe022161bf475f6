package io.sluice.algorithms.health;

import io.sluice.algorithms.HealthState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HealthAggregatorTest {
    private final List<String> applied = new ArrayList<>();
    private final HealthAggregator aggregator = new HealthAggregator((id, state) -> applied.add(id + " " + state));

    @Test
    void theRuleOverEveryCombination() {
        // activeUp, ejected, draining -> state
        assertThat(new BackendHealth(true, false, false).state()).isEqualTo(HealthState.HEALTHY);
        assertThat(new BackendHealth(true, true, false).state()).isEqualTo(HealthState.EJECTED);
        assertThat(new BackendHealth(false, false, false).state()).isEqualTo(HealthState.UNHEALTHY);
        assertThat(new BackendHealth(false, true, false).state()).isEqualTo(HealthState.UNHEALTHY);
        for (boolean up : new boolean[]{true, false}) {
            for (boolean ejected : new boolean[]{true, false}) {
                assertThat(new BackendHealth(up, ejected, true).state()).isEqualTo(HealthState.DRAINING);
            }
        }
        assertThat(BackendHealth.INITIAL.state()).isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void anEjectionEndingWhileActiveChecksFailLeavesTheBackendUnhealthy() {
        aggregator.setBackends(List.of("a"));
        assertThat(aggregator.setEjected("a", true)).isEqualTo(HealthState.EJECTED);
        assertThat(aggregator.setActive("a", HealthState.UNHEALTHY)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(aggregator.setEjected("a", false)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(aggregator.setActive("a", HealthState.HEALTHY)).isEqualTo(HealthState.HEALTHY);
        assertThat(applied).containsExactly("a EJECTED", "a UNHEALTHY", "a HEALTHY");
    }

    @Test
    void activeRecoveryWhileEjectedStaysEjected() {
        aggregator.setBackends(List.of("a"));
        aggregator.setActive("a", HealthState.UNHEALTHY);
        aggregator.setEjected("a", true);
        assertThat(aggregator.setActive("a", HealthState.HEALTHY)).isEqualTo(HealthState.EJECTED);
        assertThat(applied).containsExactly("a UNHEALTHY", "a EJECTED");
    }

    @Test
    void drainingOutranksEverythingAndEndsIntoTheOtherSignals() {
        aggregator.setBackends(List.of("a"));
        aggregator.setDraining("a", true);
        aggregator.setActive("a", HealthState.UNHEALTHY);
        aggregator.setEjected("a", true);
        assertThat(aggregator.state("a")).isEqualTo(HealthState.DRAINING);
        assertThat(aggregator.setDraining("a", false)).isEqualTo(HealthState.UNHEALTHY);
        assertThat(applied).containsExactly("a DRAINING", "a UNHEALTHY");
    }

    @Test
    void theSinkIsCalledOnlyOnChange() {
        aggregator.setBackends(List.of("a"));
        aggregator.setActive("a", HealthState.HEALTHY);
        aggregator.setEjected("a", false);
        aggregator.setDraining("a", false);
        assertThat(applied).isEmpty();
    }

    @Test
    void unknownIdsAreIgnoredAndMembershipKeepsStayingStates() {
        assertThat(aggregator.setEjected("ghost", true)).isNull();
        assertThat(aggregator.state("ghost")).isNull();
        aggregator.setBackends(List.of("a", "b"));
        aggregator.setEjected("a", true);
        aggregator.setBackends(List.of("a", "c"));
        assertThat(aggregator.state("a")).isEqualTo(HealthState.EJECTED);
        assertThat(aggregator.state("b")).isNull();
        assertThat(aggregator.health("c")).contains(BackendHealth.INITIAL);
        assertThat(aggregator.setActive("b", HealthState.UNHEALTHY)).isNull();
        assertThat(applied).containsExactly("a EJECTED");
    }

    @Test
    void anEmptyClusterHasNoStates() {
        aggregator.setBackends(List.of());
        assertThat(aggregator.state("a")).isNull();
        assertThat(applied).isEmpty();
    }

    @Test
    void underConcurrentUpdatesTheSinksLastWordMatchesTheState() throws Exception {
        Map<String, HealthState> last = new ConcurrentHashMap<>();
        HealthAggregator shared = new HealthAggregator(last::put);
        List<String> ids = List.of("a", "b", "c");
        shared.setBackends(ids);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < 20_000; i++) {
                        String id = ids.get(r.nextInt(ids.size()));
                        switch (r.nextInt(3)) {
                            case 0 -> shared.setActive(id, r.nextBoolean() ? HealthState.HEALTHY : HealthState.UNHEALTHY);
                            case 1 -> shared.setEjected(id, r.nextBoolean());
                            default -> shared.setDraining(id, r.nextInt(4) == 0);
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (String id : ids) {
            assertThat(last.getOrDefault(id, HealthState.HEALTHY)).as(id).isEqualTo(shared.state(id));
        }
    }
}
