package io.sluice.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.algorithms.Endpoint;
import io.sluice.algorithms.Environment;
import io.sluice.algorithms.RequestContext;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's fixtures; the benchmark itself is measured, never asserted on. */
class PickBenchmarkTest {
    @Test
    void aSingleWeightMeansEqualWeights() {
        assertThat(PickBenchmark.parseWeights("1")).containsExactly(1, 1);
        assertThat(PickBenchmark.parseWeights(" 4 ")).containsExactly(4, 4);
    }

    @Test
    void aRangeCyclesItsWeightsOverTheBackends() {
        assertThat(PickBenchmark.parseWeights("1..10")).containsExactly(1, 10);
        List<Endpoint> endpoints = PickBenchmark.endpoints(12, "1..10", Environment.system());
        assertThat(endpoints).extracting(e -> e.backend().weight())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2);
    }

    @Test
    void zeroNegativeReversedOrMalformedWeightsAreRefusedWithTheAllowedForms() {
        for (String bad : List.of("0", "-1", "5..2", "0..3", "x", "", "1..", "1..2..3")) {
            assertThatThrownBy(() -> PickBenchmark.parseWeights(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lo..hi")
                    .hasMessageContaining("'" + bad + "'");
        }
    }

    @Test
    void endpointsAreHealthyDistinctAndCarrySeededLoads() {
        List<Endpoint> first = PickBenchmark.endpoints(1000, "1", Environment.system());
        List<Endpoint> second = PickBenchmark.endpoints(1000, "1", Environment.system());
        assertThat(first).hasSize(1000).allMatch(e -> e.health().available() && e.weight() == 1.0);
        assertThat(first.stream().map(Endpoint::id).distinct()).hasSize(1000);
        assertThat(first.stream().map(e -> e.backend().address()).distinct()).hasSize(1000);
        // Seeded: both builds see the same in-flight counts, and they are not all equal (no ties).
        assertThat(first).extracting(e -> e.load().inFlight())
                .containsExactlyElementsOf(second.stream().map(e -> e.load().inFlight()).toList());
        assertThat(first.stream().mapToInt(e -> e.load().inFlight()).distinct().count()).isGreaterThan(1);
        assertThat(first).allMatch(e -> e.load().utilisation() >= 0 && e.load().utilisation() <= 1);
    }

    @Test
    void hashingStrategiesGetDistinctKeysOthersGetNoKey() {
        RequestContext[] keyed = PickBenchmark.requests(true);
        assertThat(keyed).allMatch(RequestContext::hasKey);
        assertThat(Arrays.stream(keyed).mapToLong(RequestContext::keyHash).distinct().count())
                .isEqualTo(keyed.length);
        assertThat(PickBenchmark.requests(false)).containsOnly(RequestContext.NONE);
        assertThat(Integer.bitCount(keyed.length)).as("a power of two, so the cursor can mask").isEqualTo(1);
    }

    @Test
    void anUnregisteredStrategyFailsOnlyItsOwnTrialNamingIt() {
        PickBenchmark benchmark = new PickBenchmark();
        benchmark.strategy = "no-such-strategy";
        benchmark.backends = 10;
        benchmark.weights = "1";
        assertThatThrownBy(benchmark::buildPicker)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'no-such-strategy' is not registered");
    }

    @Test
    void aStrategyMayCarryParametersInBrackets() {
        assertThat(PickBenchmark.spec("p2c-peak-ewma").params()).isEmpty();
        io.sluice.algorithms.StrategySpec spec = PickBenchmark.spec("p2c-least-request[sampling=uniform;choices=3]");
        assertThat(spec.name()).isEqualTo("p2c-least-request");
        assertThat(spec.params()).containsEntry("sampling", "uniform").containsEntry("choices", "3");
        for (String bad : List.of("p2c[sampling]", "[a=b]", "p2c[a=b")) {
            assertThatThrownBy(() -> PickBenchmark.spec(bad)).hasMessageContaining("name[key=value;key=value]");
        }
    }

    /** Every trial sets up, over unequal weights: the picks and the retries of every strategy and variant answer. */
    @Test
    void everyStrategyAndVariantSetsUpAndAnswersPicksAndRetries() {
        List<String> names = new java.util.ArrayList<>(io.sluice.algorithms.StrategyRegistry.standard().strategyNames());
        names.addAll(List.of("p2c-peak-ewma[sampling=uniform]", "p2c-utilisation[sampling=uniform]",
                "p2c-least-request[sampling=uniform]"));
        for (String name : names) {
            PickBenchmark benchmark = new PickBenchmark();
            benchmark.strategy = name;
            benchmark.backends = 100;
            benchmark.weights = "1..10";
            benchmark.keys = 1024;
            benchmark.buildPicker();
            PickBenchmark.Cursor cursor = new PickBenchmark.Cursor();
            for (int i = 0; i < 2 * PickBenchmark.REQUESTS; i++) {
                Endpoint first = benchmark.pick(cursor);
                cursor.next--;
                Endpoint retry = benchmark.retry(cursor);
                assertThat(first).as(name).isNotNull();
                assertThat(retry).as(name).isNotNull();
            }
        }
    }
}
