package io.sluice.reports.simulation;

import io.sluice.reports.simulation.SimulationResults.Run;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Which strategy to deploy, chosen among the runs of one workload by a fixed rule that the report
 * prints ({@link #RULE}) so a reader can check it against the table:
 * <ol>
 *   <li>Failed share = errorRate + timeoutRate + rejectionRate. A run whose failed share is more
 *       than {@link #FAILURE_TOLERANCE} (0.1 percentage point) above the lowest is out, and so is
 *       a run that completed nothing (it has no p99).</li>
 *   <li>The lowest p99 wins; runs within {@link #TIE} (2 %) of it are tied.</li>
 *   <li>A tie goes to the lowest mean latency, runs within 2 % of it still tied.</li>
 *   <li>Then to the highest fairness (Jain's index over backend utilisation, a missing one counting
 *       0), then to the run listed first.</li>
 * </ol>
 * Worked example: failed shares 0.03 %, 0.05 % and 2 % with p99 120, 118 and 90 ms. The best
 * failed share is 0.03 %, the limit 0.13 %, so the 2 % run is out despite its 90 ms. The lowest
 * p99 left is 118 ms; 120 ms is within 2 % (118 x 1.02 = 120.36), so the two tie and the lower mean
 * latency decides.
 *
 * <p>Why this rule: p99 is what users of an IoT platform feel (a device's retries start at the
 * tail), a strategy that answers fast by failing requests must not win on latency, and 2 % is below
 * what a different seed moves a simulated p99, so closer results are treated as equal and decided
 * by the next criterion rather than by noise.
 */
public final class Recommendation {
    /** Absolute tolerance on the failed share: 0.001 = 0.1 percentage point. */
    public static final double FAILURE_TOLERANCE = 0.001;
    /** Relative tolerance under which two p99s (or two means) are tied: 2 %. */
    public static final double TIE = 0.02;
    /** The rule in words, one step a line, as the report prints it. */
    public static final List<String> RULE = List.of(
            "Failed share = error + timeout + rejection rate. Runs more than 0.1 percentage point above the lowest"
                    + " failed share are out, and so are runs that completed nothing.",
            "Of the rest, the lowest p99 latency wins; runs within 2 % of it are tied.",
            "A tie goes to the lowest mean latency (runs within 2 % of it still tied),",
            "then to the highest fairness (Jain's index over backend utilisation), then to the run listed first.");

    /**
     * The outcome for one run.
     *
     * @param chosen whether this run is the recommendation
     * @param reason why it was chosen or left out, in words with its numbers
     */
    public record Verdict(Run run, boolean chosen, String reason) {
    }

    private final Run winner;
    private final Run baseline;
    private final List<Verdict> verdicts;

    private Recommendation(Run winner, Run baseline, List<Verdict> verdicts) {
        this.winner = winner;
        this.baseline = baseline;
        this.verdicts = List.copyOf(verdicts);
    }

    /**
     * Applies the rule to {@code runs} (one workload: no two sweep values mixed).
     *
     * @throws IllegalArgumentException when {@code runs} is empty
     */
    public static Recommendation of(List<Run> runs) {
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("no runs to choose from");
        }
        // By position, not by run: two runs may be equal records (the same label run twice).
        String[] reasons = new String[runs.size()];
        List<Integer> left = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).summary().latencyMs().p99() == null) {
                reasons[i] = "completed nothing, so it has no p99";
            } else {
                left.add(i);
            }
        }
        if (left.isEmpty()) {
            return new Recommendation(null, null, verdicts(runs, reasons, -1));
        }
        double bestFailed = left.stream().mapToDouble(i -> failed(runs.get(i))).min().orElseThrow();
        double limit = bestFailed + FAILURE_TOLERANCE;
        for (Integer i : List.copyOf(left)) {
            double failed = failed(runs.get(i));
            // A whisker of slack so a run exactly at the limit is not lost to rounding in the sum.
            if (failed > limit + 1e-12) {
                reasons[i] = "failed " + percent(failed) + " of requests, more than 0.1 percentage point above the"
                        + " best (" + percent(bestFailed) + ")";
                left.remove(i);
            }
        }
        left = keepLowest(runs, left, reasons, r -> r.summary().latencyMs().p99(), "p99");
        left = keepLowest(runs, left, reasons, Recommendation::mean, "mean latency");
        double bestFairness = left.stream().mapToDouble(i -> fairness(runs.get(i))).max().orElseThrow();
        int winner = -1;
        for (int i : left) {
            double fairness = fairness(runs.get(i));
            if (fairness < bestFairness) {
                reasons[i] = "tied on latency; fairness " + decimal(fairness) + " below " + decimal(bestFairness);
            } else if (winner >= 0) {
                reasons[i] = "tied with " + runs.get(winner).strategy() + " on every criterion; listed after it";
            } else {
                winner = i;
            }
        }
        reasons[winner] = "recommended";
        Run best = runs.get(winner);
        Run baseline = null;
        for (int i = 0; i < runs.size() && baseline == null; i++) {
            if (i != winner && isRoundRobin(runs.get(i))) {
                baseline = runs.get(i);
            }
        }
        if (baseline == null || isRoundRobin(best)) {
            List<Run> others = new ArrayList<>(runs);
            others.remove(winner);
            baseline = others.isEmpty() ? null : of(others).winner().orElse(null);
        }
        return new Recommendation(best, baseline, verdicts(runs, reasons, winner));
    }

    /** The run to deploy; empty when no run completed anything. */
    public Optional<Run> winner() {
        return Optional.ofNullable(winner);
    }

    /**
     * What the winner is compared with: the round-robin run (the usual default), or the
     * runner-up under the same rule when the winner is round robin or there is no round-robin run;
     * empty with a single run.
     */
    public Optional<Run> baseline() {
        return Optional.ofNullable(baseline);
    }

    /** Whether the baseline is the round-robin run rather than the runner-up. */
    public boolean baselineIsRoundRobin() {
        return baseline != null && isRoundRobin(baseline) && !isRoundRobin(winner);
    }

    /** One verdict per run, in run order. */
    public List<Verdict> verdicts() {
        return verdicts;
    }

    /** The failed share of a run (errors + timeouts + rejections over requests), 0 when unknown. */
    public static double failed(Run r) {
        Double f = r.summary().failureRate();
        return f == null ? 0 : f;
    }

    /** Whether a run is plain round robin: labelled so or with that spec. */
    public static boolean isRoundRobin(Run r) {
        return r != null && ("round-robin".equals(r.strategy()) || "round-robin".equals(r.spec().trim()));
    }

    private static List<Integer> keepLowest(List<Run> runs, List<Integer> left, String[] reasons,
                                            ToDoubleFunction<Run> metric, String name) {
        double lowest = left.stream().mapToDouble(i -> metric.applyAsDouble(runs.get(i))).min().orElseThrow();
        List<Integer> kept = new ArrayList<>();
        for (int i : left) {
            double v = metric.applyAsDouble(runs.get(i));
            if (v > lowest * (1 + TIE)) {
                // One more digit than the tables show, so a value just past the 2 % limit reads as past it.
                reasons[i] = name + " " + precise(v) + " ms, more than 2 % above the lowest (" + precise(lowest)
                        + " ms)";
            } else {
                kept.add(i);
            }
        }
        return kept;
    }

    private static double mean(Run r) {
        Double mean = r.summary().latencyMs().mean();
        return mean == null ? Double.MAX_VALUE : mean;
    }

    private static double fairness(Run r) {
        Double jain = r.summary().jainUtilisation();
        return jain == null ? 0 : jain;
    }

    private static List<Verdict> verdicts(List<Run> runs, String[] reasons, int winner) {
        List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            verdicts.add(new Verdict(runs.get(i), i == winner, reasons[i]));
        }
        return verdicts;
    }

    /** A share as a percentage with enough digits for small rates: 0.00027 is "0.027 %". */
    public static String percent(double share) {
        double pct = share * 100;
        if (pct == 0) {
            return "0 %";
        }
        String digits = pct >= 10 ? "%.1f" : pct >= 1 ? "%.2f" : pct >= 0.01 ? "%.3f" : "%.2g";
        return String.format(Locale.ROOT, digits, pct) + " %";
    }

    /** Milliseconds with three significant digits or so: 0.912, 15.1, 120, 1234. */
    public static String millis(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.2f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }

    /** Milliseconds to four significant digits or so: 102.5, 21.59, 0.9123. */
    static String precise(double ms) {
        String pattern = ms >= 100 ? "%.1f" : ms >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, ms);
    }

    private static String decimal(double d) {
        return String.format(Locale.ROOT, "%.3f", d);
    }
}
