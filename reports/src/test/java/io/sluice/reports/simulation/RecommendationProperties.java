package io.sluice.reports.simulation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sluice.reports.simulation.Recommendation.Verdict;
import io.sluice.reports.simulation.SimulationResults.Run;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/** The rule's promises over random sets of runs: the winner passes every step it is judged by. */
class RecommendationProperties {
    @Provide
    Arbitrary<Run> runs() {
        return Combinators.combine(
                Arbitraries.of("round-robin", "random", "p2c", "maglev"),
                Arbitraries.doubles().between(0, 0.05),
                Arbitraries.doubles().between(1, 1000).injectNull(0.1),
                Arbitraries.doubles().between(0.5, 500),
                Arbitraries.doubles().between(0, 1))
                .as((name, failed, p99, mean, jain) -> Runs.run(name, failed, p99, mean, jain));
    }

    @Property
    void theWinnerFailsNoMoreThanTheToleranceAboveTheBestAndHasANearLowestP99(
            @ForAll @Size(min = 1, max = 8) List<@From("runs") Run> runs) {
        Recommendation rec = Recommendation.of(runs);
        List<Run> completed = runs.stream().filter(r -> r.summary().latencyMs().p99() != null).toList();
        assertThat(rec.verdicts()).hasSize(runs.size());
        assertThat(rec.verdicts().stream().filter(Verdict::chosen).count()).isEqualTo(rec.winner().isPresent() ? 1 : 0);
        if (completed.isEmpty()) {
            assertThat(rec.winner()).isEmpty();
            return;
        }
        Run w = rec.winner().orElseThrow();
        double bestFailed = completed.stream().mapToDouble(Recommendation::failed).min().orElseThrow();
        assertThat(Recommendation.failed(w)).isLessThanOrEqualTo(bestFailed + Recommendation.FAILURE_TOLERANCE + 1e-12);
        List<Run> eligible = new ArrayList<>();
        for (Run r : completed) {
            if (Recommendation.failed(r) <= bestFailed + Recommendation.FAILURE_TOLERANCE + 1e-12) {
                eligible.add(r);
            }
        }
        double lowestP99 = eligible.stream().mapToDouble(r -> r.summary().latencyMs().p99()).min().orElseThrow();
        assertThat(w.summary().latencyMs().p99()).isLessThanOrEqualTo(lowestP99 * (1 + Recommendation.TIE));
        // Every run that lost says why.
        rec.verdicts().stream().filter(v -> !v.chosen()).forEach(v -> assertThat(v.reason()).isNotBlank());
    }

    @Property
    void theOrderOfRunsOnlyMattersForCompleteTies(
            @ForAll @Size(min = 2, max = 6) List<@From("runs") Run> runs) {
        List<Run> reversed = new ArrayList<>(runs);
        Collections.reverse(reversed);
        Run a = Recommendation.of(runs).winner().orElse(null);
        Run b = Recommendation.of(reversed).winner().orElse(null);
        if (a != null && b != null && a != b) {
            // Different winners are tied on every criterion within the rule's tolerances.
            assertThat(Recommendation.failed(a)).isCloseTo(Recommendation.failed(b),
                    within(Recommendation.FAILURE_TOLERANCE + 1e-12));
            assertThat(a.summary().latencyMs().p99() / b.summary().latencyMs().p99())
                    .isBetween(1 / (1 + Recommendation.TIE) - 1e-9, 1 + Recommendation.TIE + 1e-9);
        } else {
            assertThat(a == null).isEqualTo(b == null);
        }
    }
}
