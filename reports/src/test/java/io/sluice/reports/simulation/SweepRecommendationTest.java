package io.sluice.reports.simulation;

import static io.sluice.reports.simulation.Runs.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.reports.simulation.SimulationResults.Run;
import io.sluice.reports.simulation.SimulationResults.Scenario;
import io.sluice.reports.simulation.SimulationResults.Sweep;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Across a sweep: most wins, a tie to the latest winner; the Javadoc's worked examples. */
class SweepRecommendationTest {
    private static final Scenario SCENARIO = new Scenario("s", "", "", 1, 1, 1, 0, "", null, 1, "", 1, "");

    /** A sweep where {@code winners[i]} has the lowest p99 at value {@code values[i]}. */
    private static SimulationResults sweep(double[] values, String... winners) {
        List<Run> runs = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            vs.add(values[i]);
            for (String s : List.of("A", "B", "C")) {
                runs.add(run(s, values[i], 0, s.equals(winners[i]) ? 50.0 : 100.0, 10.0, 1.0));
            }
        }
        return new SimulationResults("sweep.json", SCENARIO, new Sweep("load", vs), runs);
    }

    @Test
    void mostWinsRecommends() {
        SweepRecommendation rec = SweepRecommendation.of(sweep(new double[] {0.5, 0.7, 0.9}, "A", "B", "B"));
        assertThat(rec.winner()).contains("B");
        assertThat(rec.wins()).isEqualTo(2);
        assertThat(rec.evidence().orElseThrow().value()).isEqualTo(0.9);
    }

    @Test
    void oneWinEachGoesToTheWinnerAtTheHighestValue() {
        assertThat(SweepRecommendation.of(sweep(new double[] {0.5, 0.7, 0.9}, "A", "B", "C")).winner()).contains("C");
    }

    @Test
    void aTieBetweenTheMostWinningGoesToTheOneWithTheLatestWin() {
        // A and B win twice; C once, at the highest value, but C is not among the most winning.
        SweepRecommendation rec = SweepRecommendation.of(sweep(new double[] {0.5, 0.6, 0.7, 0.8, 0.9},
                "A", "B", "B", "A", "C"));
        assertThat(rec.winner()).contains("A");
        assertThat(rec.evidence().orElseThrow().value()).isEqualTo(0.8);
    }

    @Test
    void valuesAreTakenInAscendingOrderWhateverTheRunOrder() {
        SweepRecommendation rec = SweepRecommendation.of(sweep(new double[] {0.9, 0.5, 0.7}, "C", "A", "B"));
        assertThat(rec.atValues()).extracting(SweepRecommendation.AtValue::value).containsExactly(0.5, 0.7, 0.9);
        assertThat(rec.winner()).contains("C");
    }

    @Test
    void notASweepIsAnError() {
        SimulationResults plain = new SimulationResults("r.json", SCENARIO, null, List.of(run("A", 0, 1.0, 1.0, 1.0)));
        assertThatThrownBy(() -> SweepRecommendation.of(plain)).isInstanceOf(IllegalArgumentException.class);
    }
}
