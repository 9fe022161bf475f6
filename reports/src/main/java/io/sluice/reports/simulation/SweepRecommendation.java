package io.sluice.reports.simulation;

import io.sluice.reports.simulation.SimulationResults.Run;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The recommendation for a sweep: {@link Recommendation}'s rule applied at every swept value, and
 * the strategy that wins at the most values overall ({@link #RULE}); a tie between strategies goes
 * to the one of them that wins at the highest value, where the workload is heaviest and the choice
 * matters most. Worked example: values 0.5, 0.7, 0.9 won by A, B, B recommend B (two of three);
 * won by A, B, C it is C (one each, C wins at 0.9); 0.5 to 0.9 in steps of 0.1 won by A, B, B, A,
 * C it is A (A and B win twice, A's last win at 0.8 is higher than B's at 0.7).
 */
public final class SweepRecommendation {
    /** The rule across values, as the report prints it after {@link Recommendation#RULE}. */
    public static final String RULE = "Across the sweep, the strategy that wins at the most values is recommended;"
            + " a tie goes to the one of them that wins at the highest value.";

    /** The recommendation at one swept value. */
    public record AtValue(double value, Recommendation recommendation) {
    }

    private final List<AtValue> atValues;
    private final String winner;
    private final int wins;

    private SweepRecommendation(List<AtValue> atValues, String winner, int wins) {
        this.atValues = List.copyOf(atValues);
        this.winner = winner;
        this.wins = wins;
    }

    /**
     * Applies the rule to a sweep's runs.
     *
     * @throws IllegalArgumentException when {@code results} is not a sweep
     */
    public static SweepRecommendation of(SimulationResults results) {
        if (!results.isSweep()) {
            throw new IllegalArgumentException(results.source() + " is not a sweep");
        }
        List<AtValue> atValues = new ArrayList<>();
        Map<String, Integer> wins = new LinkedHashMap<>();
        Map<String, Double> lastWin = new LinkedHashMap<>();
        List<Double> values = results.sweep().values().stream().distinct().sorted().toList();
        for (double value : values) {
            List<Run> runs = results.runs().stream().filter(r -> Objects.equals(r.sweepValue(), value)).toList();
            if (runs.isEmpty()) {
                continue;
            }
            Recommendation rec = Recommendation.of(runs);
            atValues.add(new AtValue(value, rec));
            Optional<Run> w = rec.winner();
            if (w.isPresent()) {
                wins.merge(w.get().strategy(), 1, Integer::sum);
                lastWin.put(w.get().strategy(), value);
            }
        }
        int most = wins.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        String winner = null;
        for (Map.Entry<String, Integer> e : wins.entrySet()) {
            if (e.getValue() == most && (winner == null || lastWin.get(e.getKey()) > lastWin.get(winner))) {
                winner = e.getKey();
            }
        }
        return new SweepRecommendation(atValues, winner, most);
    }

    /** One entry per swept value that has runs, ascending by value. */
    public List<AtValue> atValues() {
        return atValues;
    }

    /** The strategy label to deploy; empty when no run at any value completed anything. */
    public Optional<String> winner() {
        return Optional.ofNullable(winner);
    }

    /** At how many values the winner wins. */
    public int wins() {
        return wins;
    }

    /** The recommendation at the highest value where the overall winner wins, for the evidence. */
    public Optional<AtValue> evidence() {
        AtValue found = null;
        for (AtValue a : atValues) {
            if (a.recommendation().winner().map(r -> r.strategy().equals(winner)).orElse(false)) {
                found = a;
            }
        }
        return Optional.ofNullable(found);
    }
}
